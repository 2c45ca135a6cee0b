/**
 * (1) Detection latency and (2) API cost. Several pull requests go through create, update, a
 * no-op and destroy, each run being the bundled action as a process with default polling,
 * against stacks of the real template whose resources take their typical times scaled down to
 * about a minute. Beside each created stack, a twin stack of the same template is created at the
 * same moment and followed by the SDK's own `waitUntilStackCreateComplete` (default delays): the
 * baseline.
 */
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { loadTemplate } from '../../src/template/render.js';
import type { CallRecord } from '../../test/sim/aws/index.js';
import { pullRequestEvent } from '../../test/fixtures/events.js';
import { sha } from '../../test/e2e/harness.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  ROOT,
  callsOf,
  sleep,
  startBenchWorld,
  startRun,
  until,
  errorLines,
  type BenchWorld,
  type RunResult,
} from '../lib/action.js';
import {
  STACK_SETTLE_S,
  TYPICAL_CREATE,
  TYPICAL_DELETE_OVERRIDES,
  TYPICAL_UPDATE,
  activeResources,
  scaledDelays,
} from '../lib/timings.js';

export type Operation = 'create' | 'update' | 'no-op' | 'destroy';

export interface OperationSample {
  pr: number;
  op: Operation;
  result: RunResult;
  ok: boolean;
  /** ExecuteChangeSet (DeleteStack for a destroy): when the wait starts. */
  startedAt?: number;
  /** The stack's own terminal event. */
  terminalAt?: number;
  /** The terminal event appeared in the action's log. */
  seenAt?: number;
  /** Calls by `service:Action`, the whole run. */
  calls: Record<string, number>;
  /** CloudFormation reads (Describe/List/Get) from startedAt to exit. */
  waitReads: number;
  githubReads: number;
  githubWrites: number;
}

export interface WaiterSample {
  pr: number;
  state: string;
  startedAt: number;
  resolvedAt: number;
  terminalAt: number;
  reads: number;
}

export interface LatencyResult {
  prs: number;
  targetSeconds: number;
  resources: number;
  delays: Record<string, number>;
  factor: number;
  samples: OperationSample[];
  /** Resolves once every SDK waiter has returned (they may take minutes: that is the point). */
  waiters: Promise<WaiterSample[]>;
  /** Stops the simulator; call after `waiters`. */
  stop(): Promise<void>;
}

const READ = /^(Describe|List|Get)/;
const TEMPLATE = `${ROOT}/templates/environment.yml`;
const STACK_TYPE = 'AWS::CloudFormation::Stack';
const TERMINAL: Record<Exclude<Operation, 'no-op'>, string> = {
  create: 'CREATE_COMPLETE',
  update: 'UPDATE_COMPLETE',
  destroy: 'DELETE_COMPLETE',
};

export const stackNameOf = (pr: number) => `pr-env-${REPO}-pr-${pr}`;

/** CloudFormation reads (throttled ones too) from `from` to `to`, both included. */
export function readsBetween(calls: CallRecord[], from?: number, to?: number): number {
  if (from === undefined || to === undefined) return 0;
  return calls.filter(
    (c) =>
      c.service === 'cloudformation' &&
      READ.test(c.action) &&
      c.time.getTime() >= from &&
      c.time.getTime() <= to,
  ).length;
}

/** When the watcher's poll that saw the stack's end reached CloudFormation. */
export function detectingPoll(calls: CallRecord[], terminalAt: number): number | undefined {
  return calls
    .find(
      (c) => c.action === 'DescribeStackEvents' && !c.throttled && c.time.getTime() >= terminalAt,
    )
    ?.time.getTime();
}

export function summarize(
  world: BenchWorld,
  pr: number,
  op: Operation,
  result: RunResult,
): OperationSample {
  const calls = callsOf(world, result.accessKeyId);
  const byApi: Record<string, number> = {};
  for (const c of calls)
    byApi[`${c.service}:${c.action}`] = (byApi[`${c.service}:${c.action}`] ?? 0) + 1;
  const gh = world.gh.calls.filter((c) => c.token === result.token);
  const startedAt = calls
    .find((c) => c.action === (op === 'destroy' ? 'DeleteStack' : 'ExecuteChangeSet'))
    ?.time.getTime();
  const name = stackNameOf(pr);
  const expected = op === 'no-op' ? undefined : TERMINAL[op];
  let terminalAt: number | undefined;
  let seenAt: number | undefined;
  if (expected && startedAt !== undefined) {
    const stack = world.aws
      .stacks()
      .filter((s) => s.name === name)
      .at(-1);
    const event = world.aws
      .events(stack?.stackId ?? name)
      .find(
        (e) =>
          e.ResourceType === STACK_TYPE &&
          e.ResourceStatus === expected &&
          e.Timestamp.getTime() >= startedAt,
      );
    terminalAt = event?.Timestamp.getTime();
    if (terminalAt !== undefined) seenAt = detectingPoll(calls, terminalAt);
  }
  const operation = { create: 'create', update: 'update', 'no-op': 'none', destroy: 'delete' }[op];
  return {
    pr,
    op,
    result,
    ok: result.exitCode === 0 && result.outputs.operation === operation,
    startedAt,
    terminalAt,
    seenAt,
    calls: byApi,
    waitReads: readsBetween(calls, startedAt, seenAt),
    githubReads: gh.filter((c) => c.method === 'GET').length,
    githubWrites: gh.filter((c) => c.method !== 'GET').length,
  };
}

export async function latencyPhase<T>(
  log: (line: string) => void,
  {
    prs = 6,
    targetSeconds = 60,
    whileCreating,
  }: { prs?: number; targetSeconds?: number; whileCreating?: () => Promise<T> } = {},
): Promise<LatencyResult & { during?: T }> {
  const loaded = loadTemplate(TEMPLATE);
  const active = activeResources(loaded.template);
  const { delays, factor } = scaledDelays(loaded.template, active, targetSeconds);
  const world = await startBenchWorld({
    resourceDelays: delays,
    resourceDelayJitter: 0.2,
    stackSettleMs: [STACK_SETTLE_S[0] * 1000, STACK_SETTLE_S[1] * 1000],
    changeSetDelayMs: 1000,
  });
  const numbers = Array.from({ length: prs }, (_, i) => 11 + i);
  for (const pr of numbers)
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });

  // The baseline: twin stacks created through the SDK, their change sets ready in advance.
  const snapshot = world.aws.snapshots(CLUSTER)[0]!;
  const sdk = (i: number) =>
    new CloudFormationClient({
      endpoint: world.aws.url,
      region: 'us-east-1',
      credentials: { accessKeyId: `AKIDBENCHSDKWAITER${i}`, secretAccessKey: 'bench-secret' },
    });
  const twins = await Promise.all(
    numbers.map(async (pr, i) => {
      const client = sdk(i);
      const name = `${stackNameOf(pr)}-sdk-waiter`;
      const values: Record<string, string> = {
        EnvironmentName: name,
        PullRequestNumber: String(pr),
        AppVersion: sha(pr),
        DBSnapshotIdentifier: snapshot.arn,
        DBEngine: snapshot.engine,
        DBEngineVersion: snapshot.engineVersion,
        // A restore, not a clone: the parameters pr-env passes empty then.
        DBCloneSourceCluster: '',
        DBCloneRestoreTime: '',
        DBCloneClusterName: '',
        DBMasterUsername: snapshot.masterUsername ?? 'postgres',
      };
      const created = await client.send(
        new CreateChangeSetCommand({
          StackName: name,
          ChangeSetName: 'baseline',
          ChangeSetType: 'CREATE',
          TemplateBody: loaded.body,
          Parameters: Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
        }),
      );
      for (;;) {
        const cs = await client.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
        if (cs.Status === 'CREATE_COMPLETE') break;
        if (cs.Status === 'FAILED')
          throw new Error(`bench: twin change set failed: ${cs.StatusReason}`);
        await sleep(100);
      }
      return { pr, i, name, client, changeSetId: created.Id! };
    }),
  );

  const samples: OperationSample[] = [];
  const waiterRuns: Promise<WaiterSample>[] = [];

  let executing = 0;
  const operation = async (op: Operation, head: (pr: number) => string, stagger: number) => {
    const started = Date.now();
    await Promise.all(
      numbers.map(async (pr, i) => {
        await sleep(i * stagger);
        const action = op === 'destroy' ? 'closed' : op === 'create' ? 'opened' : 'synchronize';
        const handle = await startRun(world, {
          tag: `${op.replace('-', '')}${pr}`,
          eventName: 'pull_request_target',
          payload: pullRequestEvent(action, {
            owner: OWNER,
            repo: REPO,
            number: pr,
            headSha: head(pr),
          }),
          inputs: { 'source-db-cluster': CLUSTER },
        });
        let finished = false;
        if (op === 'create') {
          const executed = () =>
            callsOf(world, handle.accessKeyId).some((c) => c.action === 'ExecuteChangeSet');
          void until(() => finished || executed(), 5).then(() => {
            if (!executed()) return;
            executing += 1;
            const twin = twins[i]!;
            waiterRuns.push(
              baseline(world, twin).catch((error: unknown) => ({
                pr: twin.pr,
                state: `ERROR ${String(error)}`,
                startedAt: Number.NaN,
                resolvedAt: Number.NaN,
                terminalAt: Number.NaN,
                reads: 0,
              })),
            );
          });
        }
        const result = await handle.done;
        finished = true;
        const sample = summarize(world, pr, op, result);
        if (!sample.ok)
          log(
            `  ! ${op} of PR ${pr} failed (exit ${result.exitCode}): ${errorLines(result).join(' | ')}`,
          );
        samples.push(sample);
      }),
    );
    log(`  ${op}: ${numbers.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  };

  const retime = (seconds: (type: string) => number) => {
    for (const type of Object.keys(delays))
      world.aws.setResourceDelay(type, Math.round(seconds(type) * factor * 1000));
  };
  // While the created stacks are still far from their end and the action processes only poll
  // every few seconds, the machine is idle: `whileCreating` runs then, and must be done well
  // before the stacks end (it is started once every change set is executing).
  let during: T | undefined;
  await Promise.all([
    operation('create', sha, 600),
    (async () => {
      if (!whileCreating) return;
      await until(() => executing === numbers.length, 20);
      const from = Date.now();
      during = await whileCreating();
      log(
        `  (ran while the stacks were being created: ${((Date.now() - from) / 1000).toFixed(0)} s)`,
      );
    })(),
  ]);
  retime((type) => (TYPICAL_UPDATE[type] ?? TYPICAL_UPDATE['*']!).seconds);
  await operation('update', (pr) => sha(pr + 1000), 300);
  await operation('no-op', (pr) => sha(pr + 1000), 300);
  // Resources delete about as slowly as they create, but a restored cluster goes quickly (S12).
  retime((type) => (TYPICAL_DELETE_OVERRIDES[type] ?? TYPICAL_CREATE[type]!).seconds);
  await operation('destroy', (pr) => sha(pr + 1000), 300);

  // The waiters are all started by now.
  const waiters = Promise.all(waiterRuns);
  return {
    prs,
    targetSeconds,
    resources: active.length,
    delays,
    factor,
    samples,
    waiters,
    during,
    async stop() {
      for (const twin of twins) twin.client.destroy();
      await world.stop();
    },
  };
}

/** The SDK waiter on the twin stack, started as the action executes its own change set. */
async function baseline(
  world: BenchWorld,
  twin: { pr: number; i: number; name: string; client: CloudFormationClient; changeSetId: string },
): Promise<WaiterSample> {
  const startedAt = Date.now();
  await twin.client.send(new ExecuteChangeSetCommand({ ChangeSetName: twin.changeSetId }));
  const outcome = await waitUntilStackCreateComplete(
    { client: twin.client, maxWaitTime: 900 },
    { StackName: twin.name },
  );
  const resolvedAt = Date.now();
  const terminal = world.aws
    .events(twin.name)
    .find((e) => e.ResourceType === STACK_TYPE && e.ResourceStatus === 'CREATE_COMPLETE');
  return {
    pr: twin.pr,
    state: outcome.state,
    startedAt,
    resolvedAt,
    terminalAt: terminal?.Timestamp.getTime() ?? Number.NaN,
    reads: callsOf(world, `AKIDBENCHSDKWAITER${twin.i}`).filter(
      (c) => c.action === 'DescribeStacks' && c.time.getTime() >= startedAt,
    ).length,
  };
}
