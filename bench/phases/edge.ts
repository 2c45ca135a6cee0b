/**
 * (1b) Detection at the edges: where a watcher's pacing is most likely to show. Each case runs a
 * few pull requests through create, update and destroy of the real template, as the latency
 * phase does, with one thing changed:
 * - quick end: the stack's own terminal event follows its last resource within a second (tag-only
 *   updates, quick deletes), so there is no settle pause in which to turn fast;
 * - small: the whole stack settles in under ten seconds;
 * - throttled: half of CloudFormation's Describe calls are refused, as in a busy account.
 */
import { pullRequestEvent } from '../../test/fixtures/events.js';
import { sha } from '../../test/e2e/harness.js';
import { loadTemplate } from '../../src/template/render.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  ROOT,
  errorLines,
  sleep,
  startBenchWorld,
  startRun,
} from '../lib/action.js';
import {
  TYPICAL_CREATE,
  TYPICAL_DELETE_OVERRIDES,
  TYPICAL_UPDATE,
  activeResources,
  scaledDelays,
} from '../lib/timings.js';
import { summarize, type Operation, type OperationSample } from './latency.js';

export interface EdgeCase {
  key: 'quick-end' | 'small' | 'throttled';
  title: string;
  prs: number;
  /** The create's length, its resources' typical times scaled to it. */
  targetSeconds: number;
  /** CloudFormation's pause between the last resource and the stack's own event. */
  settleMs: [number, number];
  /** The share of CloudFormation Describe calls refused with a throttling error. */
  throttleRate?: number;
}

export const EDGE_CASES: EdgeCase[] = [
  {
    key: 'quick-end',
    title: 'stack ends ≤ 1 s after its last resource (~60 s stacks)',
    prs: 4,
    targetSeconds: 60,
    settleMs: [100, 1000],
  },
  {
    key: 'small',
    title: 'stacks that settle in under 10 s',
    prs: 4,
    targetSeconds: 6,
    settleMs: [100, 1000],
  },
  {
    key: 'throttled',
    title: '50 % of CloudFormation reads throttled (~60 s stacks)',
    prs: 4,
    targetSeconds: 60,
    settleMs: [3000, 6000],
    throttleRate: 0.5,
  },
];

export interface EdgeCaseResult extends EdgeCase {
  samples: OperationSample[];
}

const TEMPLATE = `${ROOT}/templates/environment.yml`;

export async function edgePhase(log: (line: string) => void): Promise<EdgeCaseResult[]> {
  const results: EdgeCaseResult[] = [];
  for (const [index, edge] of EDGE_CASES.entries()) {
    results.push({ ...edge, samples: await runCase(log, edge, 100 + index * 10) });
  }
  return results;
}

async function runCase(
  log: (line: string) => void,
  edge: EdgeCase,
  firstPr: number,
): Promise<OperationSample[]> {
  const loaded = loadTemplate(TEMPLATE);
  const active = activeResources(loaded.template);
  const { delays, factor } = scaledDelays(loaded.template, active, edge.targetSeconds);
  const world = await startBenchWorld({
    resourceDelays: delays,
    resourceDelayJitter: 0.2,
    stackSettleMs: edge.settleMs,
    changeSetDelayMs: 1000,
  });
  if (edge.throttleRate)
    world.aws.throttle({
      rate: edge.throttleRate,
      service: 'cloudformation',
      actions: /^Describe/,
      seed: 14,
    });
  const samples: OperationSample[] = [];
  try {
    const numbers = Array.from({ length: edge.prs }, (_, i) => firstPr + i);
    for (const pr of numbers)
      world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
    const retime = (seconds: (type: string) => number) => {
      for (const type of Object.keys(delays))
        world.aws.setResourceDelay(type, Math.round(seconds(type) * factor * 1000));
    };
    const operation = async (op: Operation, head: (pr: number) => string) => {
      const started = Date.now();
      await Promise.all(
        numbers.map(async (pr, i) => {
          await sleep(i * 400);
          const action = op === 'destroy' ? 'closed' : op === 'create' ? 'opened' : 'synchronize';
          const run = await startRun(world, {
            tag: `${edge.key.replace('-', '')}${op}${pr}`,
            eventName: 'pull_request_target',
            payload: pullRequestEvent(action, {
              owner: OWNER,
              repo: REPO,
              number: pr,
              headSha: head(pr),
            }),
            inputs: { 'source-db-cluster': CLUSTER },
          });
          const result = await run.done;
          const sample = summarize(world, pr, op, result);
          if (!sample.ok)
            log(
              `  ! ${edge.key} ${op} of PR ${pr} failed (exit ${result.exitCode}): ${errorLines(result).join(' | ')}`,
            );
          samples.push(sample);
        }),
      );
      log(
        `  ${edge.key} ${op}: ${numbers.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
    };
    await operation('create', sha);
    retime((type) => (TYPICAL_UPDATE[type] ?? TYPICAL_UPDATE['*']!).seconds);
    await operation('update', (pr) => sha(pr + 1000));
    retime((type) => (TYPICAL_DELETE_OVERRIDES[type] ?? TYPICAL_CREATE[type]!).seconds);
    await operation('destroy', (pr) => sha(pr + 1000));
  } finally {
    await world.stop();
  }
  return samples;
}
