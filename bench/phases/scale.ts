/**
 * (3) Scale: 50 pull requests deployed at once by 50 action processes against one simulated
 * account that throttles 20 % of Describe calls and rate-limits CloudFormation. Every run must
 * succeed; how long each took to notice its stack's end is the latency distribution.
 */
import { loadTemplate } from '../../src/template/render.js';
import { pullRequestEvent } from '../../test/fixtures/events.js';
import { sha } from '../../test/e2e/harness.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  ROOT,
  callsOf,
  errorLines,
  startBenchWorld,
  startRun,
  type RunResult,
} from '../lib/action.js';
import { STACK_SETTLE_S, activeResources, scaledDelays } from '../lib/timings.js';
import { detectingPoll, readsBetween, stackNameOf } from './latency.js';

export const THROTTLE = { rate: 0.2, actions: /^Describe/, seed: 8 };
/**
 * One account-wide token bucket over every CloudFormation call: S13 reports 5 calls a second for
 * DescribeStacks; a run uses four such APIs (DescribeStacks, DescribeStackEvents,
 * DescribeChangeSet, DescribeStackResources), so 20 a second for all of them together.
 */
export const RATE_LIMIT = { perSecond: 20, burst: 20, service: 'cloudformation' as const };

export interface ScaleRun {
  pr: number;
  result: RunResult;
  ok: boolean;
  startedAt?: number;
  terminalAt?: number;
  seenAt?: number;
  cfnCalls: number;
  throttled: number;
  waitReads: number;
}

export interface ScaleResult {
  stacks: number;
  targetSeconds: number;
  runs: ScaleRun[];
  wallMs: number;
  /** Every AWS call the account received, and how many were throttled. */
  totalCalls: number;
  totalThrottled: number;
  peakCallsPerSecond: number;
}

export async function scalePhase(
  log: (line: string) => void,
  { stacks = 50, targetSeconds = 20 } = {},
): Promise<ScaleResult> {
  const loaded = loadTemplate(`${ROOT}/templates/environment.yml`);
  const active = activeResources(loaded.template);
  const { delays } = scaledDelays(loaded.template, active, targetSeconds);
  const world = await startBenchWorld({
    resourceDelays: delays,
    resourceDelayJitter: 0.2,
    stackSettleMs: [STACK_SETTLE_S[0] * 1000, STACK_SETTLE_S[1] * 1000],
    changeSetDelayMs: 1000,
  });
  try {
    const numbers = Array.from({ length: stacks }, (_, i) => 101 + i);
    for (const pr of numbers)
      world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
    world.aws.throttle(THROTTLE);
    world.aws.rateLimit(RATE_LIMIT);
    const started = Date.now();
    const results = await Promise.all(
      numbers.map(async (pr) => {
        const handle = await startRun(world, {
          tag: `scale${pr}`,
          eventName: 'pull_request_target',
          payload: pullRequestEvent('opened', {
            owner: OWNER,
            repo: REPO,
            number: pr,
            headSha: sha(pr),
          }),
          inputs: { 'source-db-cluster': CLUSTER },
        });
        return { pr, result: await handle.done };
      }),
    );
    const wallMs = Date.now() - started;
    const runs = results.map(({ pr, result }): ScaleRun => {
      const calls = callsOf(world, result.accessKeyId);
      const name = stackNameOf(pr);
      const startedAt = calls
        .find((c) => c.action === 'ExecuteChangeSet' && !c.throttled)
        ?.time.getTime();
      const terminalAt = world.aws
        .events(name)
        .find((e) => e.LogicalResourceId === name && e.ResourceStatus === 'CREATE_COMPLETE')
        ?.Timestamp.getTime();
      const seenAt = terminalAt === undefined ? undefined : detectingPoll(calls, terminalAt);
      const ok = result.exitCode === 0 && result.outputs.status === 'CREATE_COMPLETE';
      if (!ok)
        log(`  ! PR ${pr} failed (exit ${result.exitCode}): ${errorLines(result).join(' | ')}`);
      return {
        pr,
        result,
        ok,
        startedAt,
        terminalAt,
        seenAt,
        cfnCalls: calls.filter((c) => c.service === 'cloudformation').length,
        throttled: calls.filter((c) => c.throttled).length,
        waitReads: readsBetween(calls, startedAt, seenAt),
      };
    });
    const perSecond = new Map<number, number>();
    for (const c of world.aws.calls) {
      const second = Math.floor(c.time.getTime() / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    log(`  ${stacks} concurrent deploys in ${(wallMs / 1000).toFixed(0)} s`);
    return {
      stacks,
      targetSeconds,
      runs,
      wallMs,
      totalCalls: world.aws.calls.length,
      totalThrottled: world.aws.calls.filter((c) => c.throttled).length,
      peakCallsPerSecond: Math.max(...perSecond.values()),
    };
  } finally {
    await world.stop();
  }
}
