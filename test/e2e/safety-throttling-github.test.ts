// Issue 4, item 5: throttled AWS calls are retried with backoff, GitHub's server errors and rate
// limits are retried as GitHub asks, and GitHub being down never fails or undoes a deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  runAction,
  sha,
  startWorld,
  type ActionRun,
  type World,
  SMALL_TEMPLATE,
  writeTemplate,
  stackOf,
} from './harness.js';

let world: World;
let smallTemplate: string;

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  smallTemplate = writeTemplate(SMALL_TEMPLATE, 'small.yml');
});
afterAll(async () => world?.stop());

/** The newest stack of that name, deleted or not. */
const stackNamed = (name: string) =>
  world.aws
    .stacks()
    .filter((s) => s.name === name)
    .at(-1);

function opened(pr: number, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs,
  });
}

const warnings = (run: ActionRun) =>
  run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::warning::'))
    .map((line) => line.slice('::warning::'.length));

const DESCRIBES = /^Describe(Stacks|StackEvents|ChangeSet|DBClusterSnapshots)$/;

describe('AWS throttling', () => {
  it('deploys the full environment while 30% of Describe calls are throttled', async () => {
    const since = world.aws.calls.length;
    // The Describe calls of a deploy, CloudFormation's and RDS's. With this seed the first
    // DescribeStacks, the snapshot lookup and the first DescribeChangeSet are all throttled.
    world.aws.throttle({ rate: 0.3, actions: DESCRIBES, seed: 53 });
    let run: ActionRun;
    try {
      run = await opened(401, {
        'source-db-cluster': CLUSTER,
        comment: 'false',
        deployment: 'false',
      });
    } finally {
      world.aws.throttle(null);
    }
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('create');
    expect(stackNamed(stackOf(401))?.status).toBe('CREATE_COMPLETE');
    const calls = world.aws.calls.slice(since);
    const throttled = calls.filter((c) => c.throttled);
    const kinds = new Set(throttled.map((c) => c.action));
    for (const action of [
      'DescribeStacks',
      'DescribeDBClusterSnapshots',
      'DescribeChangeSet',
      'DescribeStackEvents',
    ]) {
      expect(kinds, action).toContain(action);
    }
    const describes = calls.filter((c) => DESCRIBES.test(c.action));
    expect(throttled.length / describes.length).toBeGreaterThan(0.15);
    // Each throttled call was made again, and answered.
    for (const call of throttled) {
      const again = calls.slice(calls.indexOf(call) + 1);
      expect(
        again.some(
          (c) =>
            !c.throttled &&
            c.action === call.action &&
            JSON.stringify(c.params) === JSON.stringify(call.params),
        ),
      ).toBe(true);
    }
  });
});

describe.concurrent('GitHub trouble', () => {
  const small = (extra: Record<string, string> = {}) => ({
    template: smallTemplate,
    deployment: 'false',
    ...extra,
  });
  const commentsPath = (pr: number) => `/repos/${OWNER}/${REPO}/issues/${pr}/comments`;

  it('retries a 502 on comment creation, and the comment is there', async () => {
    world.gh.failNext({ method: 'POST', path: commentsPath(402), status: 502 });
    const run = await opened(402, small());
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(warnings(run)).toEqual([]);
    expect(world.gh.requests('POST', commentsPath(402)).map((c) => c.status)).toEqual([502, 201]);
    const comments = world.gh.comments(OWNER, REPO, 402);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('environment ready');
  });

  it('waits out a secondary rate limit on comment creation for as long as retry-after says', async () => {
    world.gh.secondaryRateLimit({ method: 'POST', path: commentsPath(403), retryAfterSeconds: 1 });
    const run = await opened(403, small());
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(warnings(run)).toEqual([
      `GitHub secondary rate limit on POST ${commentsPath(403)}: retrying in 1 s`,
    ]);
    expect(world.gh.requests('POST', commentsPath(403)).map((c) => c.status)).toEqual([403, 201]);
    expect(world.gh.comments(OWNER, REPO, 403)).toHaveLength(1);
  });

  it('gives up, with a warning, on a primary rate limit that lifts only in an hour', async () => {
    world.gh.primaryRateLimit({ method: 'POST', path: commentsPath(406), resetInSeconds: 3_600 });
    const run = await opened(406, small());
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('create');
    const warned = warnings(run);
    expect(warned[0]).toMatch(
      new RegExp(
        `^GitHub primary rate limit on POST ${commentsPath(406)}: giving up \\(it lifts in 36\\d\\d s\\)$`,
      ),
    );
    expect(warned[1]).toMatch(/^Could not update the comment on #406: /);
    expect(run.durationMs).toBeLessThan(30_000);
  });

  it('a GitHub that refuses every write warns, and the deployment stands', async () => {
    const refused = { status: 403, body: { message: 'Resource not accessible by integration' } };
    world.gh.failNext({ ...refused, path: commentsPath(404), times: 5 });
    world.gh.failNext({ ...refused, method: 'POST', path: /\/deployments$/, times: 5 });
    const run = await opened(404, small({ deployment: 'true' }));
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('create');
    expect(run.outputs.status).toBe('CREATE_COMPLETE');
    expect(stackNamed(stackOf(404))?.status).toBe('CREATE_COMPLETE');
    const warned = warnings(run);
    expect(warned.some((w) => w.startsWith('Could not create the GitHub deployment'))).toBe(true);
    expect(warned.some((w) => w.startsWith('Could not update the comment on #404'))).toBe(true);
    expect(world.gh.comments(OWNER, REPO, 404)).toEqual([]);
  });

  it('a GitHub failure on destroy warns, and the stack is still deleted', async () => {
    world.gh.failNext({ status: 422, method: 'GET', path: /\/deployments$/, times: 5 });
    const deployed = await opened(405, small({ comment: 'false' }));
    expect(deployed.exitCode).toBe(0);
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('closed', {
        owner: OWNER,
        repo: REPO,
        number: 405,
        headSha: sha(405),
      }),
      inputs: { ...small({ deployment: 'true' }), comment: 'false' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('delete');
    expect(stackNamed(stackOf(405))?.status).toBe('DELETE_COMPLETE');
    expect(
      warnings(run).some((w) => w.startsWith('Could not mark the deployments of pr-405')),
    ).toBe(true);
  });
});
