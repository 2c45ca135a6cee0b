import * as core from '@actions/core';
import { mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Clock } from '../clock.js';
import type { Octokit, Repo } from '../github/client.js';
import type { PullRequestInfo } from '../github/event.js';
import type { ResolvedBuild } from './build.js';
import { findImageDigest, parseEcrImage, pinnedImage, repositoryArn } from './ecr-image.js';
import { headObject } from './s3-object.js';
import { describeSource, expandSource, isInside, type BuildSource } from './source.js';
import { uploadBuild, uploadKey } from './upload.js';
import { buildPollMs, waitFor } from './wait.js';

/** The inputs that say which build to run (inputs.ts checks them). */
export interface BuildInputs {
  appArtifact?: BuildSource;
  appImage?: BuildSource;
  appWaitMinutes: number;
  appArtifactMaxMb: number;
  templateBucket?: string;
}

export interface BuildDeps {
  s3(): Promise<S3Client>;
  ecr(): Promise<ECRClient>;
  region: string;
  github(): Promise<Octokit>;
  repo: Repo;
  /** The workflow_run's run, whose artifacts `artifact:NAME` reads. */
  buildRunId?: number;
  eventName: string;
  clock: Clock;
  /** The run's own deadline (timeout-minutes): no wait goes past it. */
  deadline: number;
  stackName: string;
}

/** A build that is not there: nothing has been sent to CloudFormation when this is thrown. */
export class BuildMissingError extends Error {
  constructor(what: string, waitMinutes: number) {
    super(
      `Could not find the build ${what} ${
        waitMinutes > 0 ? `after ${waitMinutes} min` : '(checked once: app-wait-minutes is 0)'
      }: nothing was deployed. Check that CI uploaded it for this commit, or raise app-wait-minutes.`,
    );
    this.name = 'BuildMissingError';
  }
}

/**
 * Finds (and, for a workspace path or a run's artifact, uploads) the build of the PR's head,
 * before any stack call: a missing or refused build changes nothing. Undefined when the inputs
 * name none (the template's own default app runs).
 */
export async function resolveBuild(
  inputs: BuildInputs,
  pr: PullRequestInfo,
  deps: BuildDeps,
): Promise<ResolvedBuild | undefined> {
  const raw = inputs.appArtifact ?? inputs.appImage;
  if (!raw) return undefined;
  const source = expandSource(raw, { sha: pr.headSha, pr: pr.number });
  const what = describeSource(source);
  const wait = {
    clock: deps.clock,
    until: Math.min(deps.clock.now() + inputs.appWaitMinutes * 60_000, deps.deadline),
    pollMs: buildPollMs(),
    what,
  };
  switch (source.kind) {
    case 's3': {
      const s3 = await deps.s3();
      const found = await waitFor(() => headObject(s3, source.bucket, source.key), wait);
      if (!found) throw new BuildMissingError(what, inputs.appWaitMinutes);
      core.info(
        `Build: ${what} (${found.versionId ? `version ${found.versionId}` : `ETag ${found.etag}`})`,
      );
      return { kind: 'artifact', source: 's3', from: what, ...location(source), ...found };
    }
    case 'image':
      return resolveImage(source.image, inputs, deps, wait);
    case 'workspace':
    case 'run-artifact':
      return uploadedBuild(source, inputs, pr, deps);
  }
}

const location = (source: { bucket: string; key: string }) => ({
  bucket: source.bucket,
  key: source.key,
});

async function resolveImage(
  image: string,
  inputs: BuildInputs,
  deps: BuildDeps,
  wait: Parameters<typeof waitFor>[1],
): Promise<ResolvedBuild> {
  const ecr = parseEcrImage(image);
  if (!ecr) {
    core.warning(
      `app-image ${image} is not in Amazon ECR: it is passed to the instances as given, and pr-env cannot check that it exists or pin its digest`,
    );
    return { kind: 'image', image, from: image };
  }
  if (ecr.region !== deps.region) {
    throw new Error(
      `"app-image": ${image} is in ECR of ${ecr.region}, but this run works in ${deps.region}: expected an image of the run's region (replicate the repository there)`,
    );
  }
  const client = await deps.ecr();
  const digest = await waitFor(() => findImageDigest(client, ecr), wait);
  if (!digest) throw new BuildMissingError(image, inputs.appWaitMinutes);
  const pinned = pinnedImage(ecr, digest);
  core.info(`Build: image ${pinned}`);
  return { kind: 'image', image: pinned, from: image, repositoryArn: repositoryArn(ecr) };
}

async function uploadedBuild(
  source: Extract<BuildSource, { kind: 'workspace' | 'run-artifact' }>,
  inputs: BuildInputs,
  pr: PullRequestInfo,
  deps: BuildDeps,
): Promise<ResolvedBuild> {
  const bucket = inputs.templateBucket;
  if (!bucket) throw new Error('"template-bucket" is required to upload the build');
  const dir = mkdtempSync(path.join(process.env.RUNNER_TEMP || tmpdir(), 'pr-env-build-'));
  try {
    let file: string;
    let runId: number | undefined;
    if (source.kind === 'workspace') {
      file = await workspaceTarball(source, dir);
    } else {
      runId = deps.buildRunId;
      if (runId === undefined) {
        throw new Error(
          `"app-artifact": artifact:${source.name} is an artifact of the workflow run that triggers pr-env, and event ${deps.eventName} comes from none: expected a workflow_run event (see examples/pr-env-deploy.yml), or an s3:// URI`,
        );
      }
      const { runArtifactTarball } = await import('./run-artifact.js');
      file = await runArtifactTarball(
        await deps.github(),
        deps.repo,
        runId,
        source.name,
        inputs.appArtifactMaxMb * 1_048_576,
        dir,
      );
    }
    const key = uploadKey(deps.stackName, pr.headSha);
    const stored = await uploadBuild(await deps.s3(), bucket, key, file);
    core.info(
      `Build: ${describeSource(source)} ${stored.uploaded ? 'uploaded to' : 'already at'} s3://${bucket}/${key}`,
    );
    return {
      kind: 'artifact',
      source: source.kind,
      from: describeSource(source),
      bucket,
      key,
      versionId: stored.versionId,
      etag: stored.etag,
      uploaded: stored.uploaded,
      runId,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A workspace `.tar.gz` as it is, or a workspace directory packed; never a path outside it. */
async function workspaceTarball(
  source: Extract<BuildSource, { kind: 'workspace' }>,
  dir: string,
): Promise<string> {
  let real: string;
  try {
    real = realpathSync(source.path);
  } catch {
    throw new Error(
      `"app-artifact": "${source.shown}" does not exist in the workspace: expected the build step to have made it (a .tar.gz or a directory)`,
    );
  }
  if (!isInside(realpathSync(source.root), real)) {
    throw new Error(
      `"app-artifact": "${source.shown}" leads outside the workspace (${real}): expected a path in it`,
    );
  }
  const { isGzip, packDirectory } = await import('./pack.js');
  if (statSync(real).isDirectory()) {
    const out = path.join(dir, 'build.tar.gz');
    await packDirectory(real, out);
    return out;
  }
  if (!/\.(tar\.gz|tgz)$/.test(real) || !isGzip(real)) {
    throw new Error(
      `"app-artifact": "${source.shown}" is not a .tar.gz: expected a gzipped tarball or a directory to pack`,
    );
  }
  return real;
}
