// Issue 6, items 2 and 3: the sweeper puts an idle environment to sleep (sleep-after-hours, no push
// for that long), still deletes an expired one (ttl-hours), and stops again a sleeping
// environment's database that AWS started after 7 days stopped. Each change reaches the PR's comment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  runAction,
  sha,
  stackOf,
  startWorld,
  stickyComment,
  sweep,
  type World,
} from './harness.js';

const IDLE = 61;
const EXPIRED = 62;
const ACTIVE = 63;

let world: World;
let idleCluster: string;

const stack = (pr: number) => world.aws.stack(stackOf(pr));
const calls = (action: string) => world.aws.calls.filter((c) => c.action === action);
const sticky = (pr: number) => stickyComment(world, pr);

async function open(pr: number, inputs: Record<string, string> = {}) {
  world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
  const run = await runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs: { 'source-db-cluster': CLUSTER, deployment: 'false', ...inputs },
  });
  expect(run.exitCode, errors(run).join('\n') || run.stdout.slice(-3000)).toBe(0);
}

/** The scheduled sweep as examples/pr-env-sweep.yml runs it, with a sleep policy. */
const sweepAfter = (sleepAfterHours: number) =>
  sweep(world, { 'sleep-after-hours': String(sleepAfterHours) });

beforeAll(async () => {
  world = await startWorld({ resourceDelayMs: 5, changeSetDelayMs: 5, clusterTransitionMs: 30 });
  world.aws.addSnapshot({ cluster: CLUSTER, createdAt: new Date(Date.now() - 3_600_000) });
  await open(IDLE);
  const idlePushed = Date.now();
  // Expires about a second after it is created.
  await open(EXPIRED, { 'ttl-hours': '0.0003' });
  // The active one is pushed at least 3.5 s after the idle one: the margin the sweep decides in.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, idlePushed + 3500 - Date.now())));
  await open(ACTIVE);
  idleCluster = stack(IDLE)?.resources.find((r) => r.logicalId === 'DBCluster')?.physicalId ?? '';
});
afterAll(async () => world?.stop());

describe('the sweeper and sleep', () => {
  it('puts the idle environment to sleep, deletes the expired one, keeps the active one', async () => {
    // Just under the idle environment's time since its push, as of now: the sweep decides as of
    // its own start, a little later, when the active one (pushed seconds after) is still under.
    const pushed = (pr: number) => Date.parse(stack(pr)?.tags['pr-env:active-at'] ?? '');
    expect(pushed(ACTIVE) - pushed(IDLE)).toBeGreaterThanOrEqual(3000);
    const hours = (Date.now() - pushed(IDLE) - 1000) / 3_600_000;

    const run = await sweepAfter(hours);
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    expect(stack(EXPIRED)).toBeUndefined();
    expect(sticky(EXPIRED)).toContain('environment destroyed for #62');

    expect(stack(IDLE)?.parameters).toMatchObject({ MinSize: '0', DesiredCapacity: '0' });
    expect(stack(IDLE)?.tags['pr-env:state']).toBe('asleep');
    expect(calls('StopDBCluster').map((c) => c.params.DBClusterIdentifier)).toEqual([idleCluster]);
    const idle = sticky(IDLE);
    expect(idle).toContain('### 😴 pr-env: environment asleep for #61');
    expect(idle).toMatch(
      /Put to sleep by the sweeper: no push for \d+ s \(since .*Z; sleep-after-hours is 0\.00\d+\)\./,
    );
    expect(idle).toContain('**asleep**: no web instances');

    expect(stack(ACTIVE)?.parameters).toMatchObject({ MinSize: '1', DesiredCapacity: '1' });
    expect(stack(ACTIVE)?.tags).not.toHaveProperty('pr-env:state');
    expect(sticky(ACTIVE)).toContain('environment ready for #63');

    expect(run.summary).toMatch(
      /pr-env-shop-pr-61` \| #61 \| sleep \| no push for .* \| asleep \|/,
    );
    expect(run.summary).toMatch(
      /pr-env-shop-pr-62` \| #62 \| delete \| expired at .* \| deleted \|/,
    );
    expect(run.summary).toMatch(/pr-env-shop-pr-63` \| #63 \| keep \| .* \| kept \|/);
  });

  it('stops again a sleeping database that AWS started after 7 days, without a stack update', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(world.aws.cluster(idleCluster)?.status).toBe('stopped');
    // What AWS does to a cluster stopped for seven days.
    world.aws.cluster(idleCluster)!.status = 'available';
    const executions = calls('ExecuteChangeSet').length;

    const run = await sweepAfter(0);
    expect(errors(run)).toEqual([]);
    expect(calls('StopDBCluster').map((c) => c.params.DBClusterIdentifier)).toEqual([
      idleCluster,
      idleCluster,
    ]);
    expect(calls('ExecuteChangeSet')).toHaveLength(executions);
    expect(world.aws.cluster(idleCluster)?.status).toMatch(/^stop/);
    expect(sticky(IDLE)).toContain(
      'The sweeper stopped the database again: AWS starts an Aurora cluster that has been stopped for 7 days',
    );
    expect(run.summary).toMatch(
      /#61 \| stop-database \| asleep, but AWS started its database again/,
    );
  });

  it('leaves a sleeping environment alone while its database stays stopped', async () => {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = sticky(IDLE);
    const mutating = world.aws.mutatingCalls().length;
    const run = await sweepAfter(0);
    expect(errors(run)).toEqual([]);
    expect(world.aws.mutatingCalls()).toHaveLength(mutating);
    expect(sticky(IDLE)).toBe(before);
  });
});
