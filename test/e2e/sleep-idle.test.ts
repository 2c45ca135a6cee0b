/**
 * sleep-after-idle-minutes through the bundled action: the scheduled sweep reads each awake
 * environment's load balancer requests from CloudWatch (the simulator's GetMetricData) and puts
 * to sleep the one that served none in the window, keeping the one that was visited; a request
 * before the window does not count; CloudWatch refusing keeps every environment awake.
 */
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

const UNVISITED = 81;
const VISITED = 82;
/** Three seconds, so that the test waits seconds rather than minutes. */
const WINDOW_MINUTES = 0.05;

let world: World;
const stack = (pr: number) => world.aws.stack(stackOf(pr));
const balancer = (pr: number) => stack(pr)!.outputs.LoadBalancerFullName!;
const sticky = (pr: number) => stickyComment(world, pr);
const metricCalls = () => world.aws.calls.filter((c) => c.action === 'GetMetricData');

async function open(pr: number) {
  world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
  const run = await runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs: { 'source-db-cluster': CLUSTER, deployment: 'false' },
  });
  expect(run.exitCode, errors(run).join('\n')).toBe(0);
}

const sweepIdle = () => sweep(world, { 'sleep-after-idle-minutes': String(WINDOW_MINUTES) });

beforeAll(async () => {
  world = await startWorld({ resourceDelayMs: 5, changeSetDelayMs: 5, clusterTransitionMs: 30 });
  world.aws.addSnapshot({ cluster: CLUSTER, createdAt: new Date(Date.now() - 3_600_000) });
  await open(UNVISITED);
  await open(VISITED);
  // A visit to the unvisited one long before the window: it does not count.
  world.aws.cloudWatch.recordRequests(balancer(UNVISITED), new Date(Date.now() - 3_600_000), 40);
  // Past the window since both were deployed: only their traffic decides now.
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MINUTES * 60_000 + 500));
}, 60_000);
afterAll(async () => world?.stop());

describe('sleep-after-idle-minutes', () => {
  it('puts to sleep the environment nobody visited in the window, and keeps the visited one awake', async () => {
    world.aws.cloudWatch.recordRequests(balancer(VISITED), new Date(), 3);
    const run = await sweepIdle();
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    expect(stack(UNVISITED)?.tags['pr-env:state']).toBe('asleep');
    expect(stack(UNVISITED)?.parameters).toMatchObject({ MinSize: '0', DesiredCapacity: '0' });
    expect(sticky(UNVISITED)).toContain('environment asleep for #81');
    expect(sticky(UNVISITED)).toContain(
      'Put to sleep by the sweeper: no visit for 0.05 min (its load balancer served no request; sleep-after-idle-minutes is 0.05).',
    );
    expect(stack(VISITED)?.tags).not.toHaveProperty('pr-env:state');
    expect(stack(VISITED)?.parameters).toMatchObject({ MinSize: '1', DesiredCapacity: '1' });

    // It asked CloudWatch for each one's RequestCount, by its load balancer, over the window.
    const asked = metricCalls().map((c) => {
      const params = c.params as {
        StartTime: number;
        EndTime: number;
        MetricDataQueries: Array<{
          MetricStat: { Metric: { Dimensions: Array<{ Value: string }> }; Stat: string };
        }>;
      };
      const query = params.MetricDataQueries[0]!.MetricStat;
      return {
        balancer: query.Metric.Dimensions[0]!.Value,
        stat: query.Stat,
        seconds: params.EndTime - params.StartTime,
      };
    });
    expect(asked.map((a) => a.balancer).sort()).toEqual(
      [balancer(UNVISITED), balancer(VISITED)].sort(),
    );
    for (const a of asked) {
      expect(a.stat).toBe('Sum');
      expect(a.seconds).toBeCloseTo(WINDOW_MINUTES * 60, 0);
    }
    expect(run.summary).toMatch(/pr-env-shop-pr-81` \| #81 \| sleep \| no visit for 0.05 min/);
  }, 60_000);

  it('keeps an environment awake, with a warning, when CloudWatch cannot be read', async () => {
    world.aws.cloudWatch.deny();
    const run = await sweepIdle();
    expect(errors(run)).toEqual([]);
    expect(run.stdout).toMatch(
      /::warning::Sweep: could not read the requests of "pr-env-shop-pr-82" from CloudWatch \(cloudwatch:GetMetricData\): .*not authorized.*Kept awake\./,
    );
    expect(stack(VISITED)?.tags).not.toHaveProperty('pr-env:state');
  }, 60_000);
});
