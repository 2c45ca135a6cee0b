/**
 * The environment runs the PR's own build: an S3 object CI uploads (waited for), a workspace
 * directory pr-env packs and uploads, an ECR image pinned to its digest. A missing build fails
 * before any stack call; a new build rolls the web tier, the same build changes nothing.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  ROOT,
  errors,
  runAction,
  sha,
  stackOf,
  startWorld,
  type World,
} from './harness.js';

let world: World;
const BUILDS = 'acme-builds';
const TEMPLATES = 'pr-env-templates';
const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  world.aws.createBucket(BUILDS, { versioned: true });
  world.aws.createBucket(TEMPLATES);
});
afterAll(async () => world?.stop());

const opened = (pr: number, head: string, action: 'opened' | 'synchronize' = 'opened') =>
  pullRequestEvent(action, { owner: OWNER, repo: REPO, number: pr, headSha: head });
const comment = (pr: number) => world.gh.comments(OWNER, REPO, pr)[0]?.body ?? '';
const cfnCalls = () => world.aws.calls.filter((c) => c.service === 'cloudformation');
/** A tarball's member names (ustar headers, PAX records aside). */
function tarNames(gz: Buffer): string[] {
  const tar = gunzipSync(gz);
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length;) {
    const name = tar
      .subarray(offset, offset + 100)
      .toString('utf8')
      .replace(/\0.*$/s, '');
    if (!name) break;
    const size = parseInt(tar.subarray(offset + 124, offset + 136).toString('ascii'), 8) || 0;
    if (tar[offset + 156] !== 0x78) names.push(name);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

describe('app-artifact: s3://…/{sha}.tar.gz', () => {
  const pr = 21;
  const key = (head: string) => `shop/${head}.tar.gz`;
  const inputs = {
    'source-db-cluster': CLUSTER,
    'app-artifact': `s3://${BUILDS}/shop/{sha}.tar.gz`,
    'app-wait-minutes': '1',
  };

  it('waits for the build CI is still uploading, then deploys it with its version', async () => {
    world.aws.putObjectLater(BUILDS, key(sha(1)), 'build one', 2_500);
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(1)),
      inputs,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.durationMs).toBeGreaterThan(2_500);
    const version = world.aws.headObject(BUILDS, key(sha(1)))!.versionId!;
    expect(world.aws.stack(stackOf(pr))?.parameters).toMatchObject({
      AppArtifactS3Uri: `s3://${BUILDS}/${key(sha(1))}`,
      AppArtifactVersion: version,
      AppImage: '',
    });
    expect(run.outputs['app-artifact']).toBe(`s3://${BUILDS}/${key(sha(1))}?versionId=${version}`);
    expect(run.outputs['app-image']).toBe('');
    expect(comment(pr)).toContain(
      `| **Build** | \`s3://${BUILDS}/${key(sha(1))}\` (version \`${version.slice(0, 12)}\`) |`,
    );
    // The first HeadObject came before the first CloudFormation call, and so did the last.
    const heads = world.aws.calls.filter((c) => c.action === 'HeadObject');
    expect(heads.length).toBeGreaterThan(1);
    expect(world.aws.calls.indexOf(heads.at(-1)!)).toBeLessThan(
      world.aws.calls.indexOf(cfnCalls()[0]!),
    );
  });

  it('re-run with the same build: operation none', async () => {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(1), 'synchronize'),
      inputs,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('none');
  });

  it('the same key uploaded again rolls the web tier to the new version', async () => {
    const version = world.aws.putObject(BUILDS, key(sha(1)), 'build one, fixed');
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(1), 'synchronize'),
      inputs,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('update');
    expect(world.aws.stack(stackOf(pr))?.parameters.AppArtifactVersion).toBe(version);
    const changes = world.aws.calls.find(
      (c) => c.action === 'DescribeChangeSet' && c.status === 200,
    );
    expect(changes).toBeDefined();
    expect(run.stdout).toMatch(/LaunchTemplate/);
  });

  it('a push with a new build rolls the web tier; its build is the new commit’s', async () => {
    world.aws.putObject(BUILDS, key(sha(2)), 'build two');
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(2), 'synchronize'),
      inputs,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('update');
    expect(world.aws.stack(stackOf(pr))?.parameters.AppArtifactS3Uri).toBe(
      `s3://${BUILDS}/${key(sha(2))}`,
    );
    expect(run.stdout).toMatch(
      /AutoScalingGroup.*UPDATE_COMPLETE|UPDATE_COMPLETE.*AutoScalingGroup/,
    );
  });

  it('a run that names no build (a label, a command, the PR workflow) keeps the stack’s build', async () => {
    const before = world.aws.stack(stackOf(pr))!.parameters;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(3), 'synchronize'),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    const after = world.aws.stack(stackOf(pr))!.parameters;
    expect(after.AppVersion).toBe(sha(3));
    expect(after.AppArtifactS3Uri).toBe(before.AppArtifactS3Uri);
    expect(after.AppArtifactVersion).toBe(before.AppArtifactVersion);
  });

  it('a build that never appears: a clear error naming the URI, and not one stack call', async () => {
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(22, sha(3)),
      inputs: { ...inputs, 'app-wait-minutes': '0' },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run).join('\n')).toContain(
      `Could not find the build s3://${BUILDS}/${key(sha(3))} (checked once: app-wait-minutes is 0)`,
    );
    expect(world.aws.mutatingCalls()).toEqual([]);
    expect(cfnCalls()).toEqual([]);
    expect(world.aws.calls.map((c) => c.action)).toEqual(['HeadObject']);
    expect(comment(22)).toContain('Could not find the build');
  });
});

describe('app-artifact: a directory of the workspace', () => {
  it('is packed and uploaded to the template bucket under pr-env/<stack>/app/<sha>.tar.gz', async () => {
    const pr = 23;
    const workspace = mkdtempSync(path.join(ROOT, 'node_modules', '.pr-env-e2e-workspace-'));
    mkdirSync(path.join(workspace, 'build', 'assets'), { recursive: true });
    writeFileSync(path.join(workspace, 'build', 'index.html'), '<h1>PR 23</h1>');
    writeFileSync(path.join(workspace, 'build', 'assets', 'app.js'), 'console.log(23)');
    const inputs = {
      'source-db-cluster': CLUSTER,
      'app-artifact': 'build',
      'template-bucket': TEMPLATES,
    };
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(4)),
      inputs,
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const key = `pr-env/${stackOf(pr)}/app/${sha(4)}.tar.gz`;
    const uploaded = world.aws.getObject(TEMPLATES, key)!;
    expect(tarNames(uploaded)).toEqual(['assets/', 'assets/app.js', 'index.html']);
    const etag = world.aws.headObject(TEMPLATES, key)!.etag.replace(/"/g, '');
    expect(world.aws.stack(stackOf(pr))?.parameters).toMatchObject({
      AppArtifactS3Uri: `s3://${TEMPLATES}/${key}`,
      AppArtifactVersion: `etag:${etag}`,
    });
    expect(run.outputs['app-artifact']).toBe(`s3://${TEMPLATES}/${key}?etag=${etag}`);

    // Packed the same way again: nothing to upload, nothing to change.
    world.aws.clearCalls();
    const again = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(4), 'synchronize'),
      inputs,
      env: { GITHUB_WORKSPACE: workspace },
    });
    expect(again.outputs.operation).toBe('none');
    expect(world.aws.calls.filter((c) => c.action === 'PutObject')).toEqual([]);
  });

  it('refuses a path outside the workspace before anything is called', async () => {
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(24, sha(5)),
      inputs: { 'app-artifact': '../../etc', 'template-bucket': TEMPLATES },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run).join('\n')).toContain(
      '"app-artifact": "../../etc" is outside the workspace',
    );
    expect(world.aws.calls).toEqual([]);
  });
});

describe('app-image', () => {
  it('resolves an ECR tag to its digest and deploys the image by digest', async () => {
    const pr = 25;
    const image = world.aws.ecr.pushImage('shop', sha(6));
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr, sha(6)),
      inputs: { 'source-db-cluster': CLUSTER, 'app-image': `${REGISTRY}/shop:{sha}` },
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const pinned = `${REGISTRY}/shop@${image.digest}`;
    expect(run.outputs['app-image']).toBe(pinned);
    expect(world.aws.stack(stackOf(pr))?.parameters).toMatchObject({
      AppImage: pinned,
      AppImageRepositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/shop',
      AppArtifactS3Uri: '',
    });
    expect(world.aws.calls.find((c) => c.action === 'DescribeImages')?.params).toMatchObject({
      repositoryName: 'shop',
      imageIds: [{ imageTag: sha(6) }],
    });
    expect(comment(pr)).toContain(pinned);
  });

  it('an image that is not pushed: a clear error, and nothing changed', async () => {
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(26, sha(7)),
      inputs: {
        'source-db-cluster': CLUSTER,
        'app-image': `${REGISTRY}/shop:{short-sha}`,
        'app-wait-minutes': '0',
      },
    });
    expect(run.exitCode).not.toBe(0);
    expect(errors(run).join('\n')).toContain(
      `Could not find the build ${REGISTRY}/shop:${sha(7).slice(0, 7)} (checked once`,
    );
    expect(world.aws.mutatingCalls()).toEqual([]);
    expect(cfnCalls()).toEqual([]);
  });
});
