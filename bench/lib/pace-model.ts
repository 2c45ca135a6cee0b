/**
 * The watcher's pacing on modelled stacks: the real `watchOperation` on a clock that only moves
 * when slept through, reading a scripted CloudFormation whose events follow the template's
 * dependency graph under the typical times of timings.ts. Thousands of operations run in
 * seconds, so the worst cases of a pacing rule show, where the spawned runs of sections 1 and 1b
 * give a few dozen samples. What it leaves out: the network and the process (a read takes no
 * time here), and the reporting after the end.
 */
import type { CloudFormationClient, StackEvent } from '@aws-sdk/client-cloudformation';
import type { CfnTemplate } from '../../src/template/cfn-yaml.js';
import { expectedResource } from '../../src/stack/operation-progress.js';
import { defaultPollPolicy, watchOperation, type PollPolicy } from '../../src/stack/watch.js';
import { dependents } from '../../test/sim/aws/dependency-graph.js';
import { mulberry32 } from '../../test/sim/aws/faults.js';
import { dependsOnIn, type Template } from '../../test/sim/aws/template.js';

export interface ModelCase {
  op: ModelOperation;
  /** Seconds per resource type for this operation. */
  seconds: (type: string) => number;
  /** The creation times (per type), whose longest path is scaled to `targetSeconds`. */
  createSeconds: (type: string) => number;
  targetSeconds: number;
  /** CloudFormation's pause between the last resource and the stack's own event, in ms. */
  settleMs: [number, number];
  throttleRate?: number;
}

interface TimedEvent {
  at: number;
  id: string;
  type: string;
  status: string;
}

const STACK = 'pr-env-model';
const TOKEN = 'pr-env-model-token';
const VERB = { create: 'CREATE', update: 'UPDATE', destroy: 'DELETE' } as const;
export type ModelOperation = keyof typeof VERB;

/**
 * One operation's events: every resource starts once what it waits on is done (reversed for a
 * delete) and takes its type's scaled time ±20 %; the stack's own event follows the last one.
 */
function timeline(
  template: CfnTemplate,
  active: string[],
  model: ModelCase,
  random: () => number,
): { events: TimedEvent[]; end: number } {
  const type = (id: string) => template.Resources[id]!.Type;
  const forward = dependsOnIn(template as unknown as Template);
  const members = new Set(active);
  const waitsOn = model.op === 'destroy' ? dependents(active, forward) : forward;
  const plain = new Map<string, number>();
  const durations = new Map<string, number>();
  const finishOf = (
    id: string,
    table: Map<string, number>,
    duration: (id: string) => number,
    order: (id: string) => string[],
  ): number => {
    const known = table.get(id);
    if (known !== undefined) return known;
    const start = Math.max(
      0,
      ...order(id)
        .filter((dep) => members.has(dep) && dep !== id)
        .map((dep) => finishOf(dep, table, duration, order)),
    );
    const end = start + duration(id);
    table.set(id, end);
    return end;
  };
  const createLongest = Math.max(
    ...active.map((id) => finishOf(id, plain, (r) => model.createSeconds(type(r)) * 1000, forward)),
  );
  const factor = (model.targetSeconds * 1000) / createLongest;
  const jittered = new Map<string, number>();
  const duration = (id: string) => {
    const ms = Math.round(model.seconds(type(id)) * 1000 * factor * (0.8 + 0.4 * random()));
    durations.set(id, ms);
    return ms;
  };
  const verb = VERB[model.op];
  const events: TimedEvent[] = [
    { at: 0, id: STACK, type: 'AWS::CloudFormation::Stack', status: `${verb}_IN_PROGRESS` },
  ];
  for (const id of active) {
    const end = finishOf(id, jittered, duration, waitsOn);
    const start = end - durations.get(id)!;
    events.push({ at: start, id, type: type(id), status: `${verb}_IN_PROGRESS` });
    events.push({ at: end, id, type: type(id), status: `${verb}_COMPLETE` });
  }
  const last = Math.max(...events.map((e) => e.at));
  const [low, high] = model.settleMs;
  const end = Math.round(last + low + (high - low) * random());
  events.push({
    at: end,
    id: STACK,
    type: 'AWS::CloudFormation::Stack',
    status: `${VERB[model.op]}_COMPLETE`,
  });
  events.sort((a, b) => a.at - b.at);
  return { events, end };
}

export interface ModelSample {
  op: ModelOperation;
  /** The stack's own end → the read that saw it, in ms. */
  lagMs: number;
  waitMs: number;
  /** Every read attempt during the wait, refused ones included. */
  reads: number;
}

/** Runs the watcher over one modelled operation. */
export async function modelOperation(
  template: CfnTemplate,
  active: string[],
  model: ModelCase,
  seed: number,
  policy: PollPolicy = defaultPollPolicy({}),
  /** Told of every read: when (ms into the wait), and what it got. */
  trace?: (atMs: number, what: string) => void,
): Promise<ModelSample> {
  const random = mulberry32(seed);
  const { events, end } = timeline(template, active, model, random);
  const t0 = Date.UTC(2026, 11, 1);
  let now = t0;
  let reads = 0;
  let sawEndAt: number | undefined;
  const asEvent = (e: TimedEvent, index: number): StackEvent => ({
    EventId: `e${index}`,
    StackName: STACK,
    StackId: STACK,
    LogicalResourceId: e.id,
    ResourceType: e.type,
    ResourceStatus: e.status as StackEvent['ResourceStatus'],
    ClientRequestToken: TOKEN,
    Timestamp: new Date(t0 + e.at),
  });
  const cfn = {
    send: async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'DescribeStacksCommand')
        return {
          Stacks: [{ StackName: STACK, StackId: STACK, StackStatus: events.at(-1)!.status }],
        };
      reads += 1;
      if (model.throttleRate && random() < model.throttleRate) {
        trace?.(now - t0, 'throttled');
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'Throttling',
          $metadata: { attempts: 1 },
        });
      }
      const visible = events.map(asEvent).filter((e) => e.Timestamp!.getTime() <= now);
      trace?.(now - t0, `${visible.length} events, the last ${visible.at(-1)?.LogicalResourceId}`);
      if (now - t0 >= end && sawEndAt === undefined) sawEndAt = now - t0;
      return { StackEvents: visible.reverse(), $metadata: { attempts: 1 } };
    },
  } as unknown as CloudFormationClient;
  await watchOperation(cfn, {
    stackId: STACK,
    stackName: STACK,
    token: TOKEN,
    deadline: t0 + 3_600_000,
    poll: policy,
    expectedResources:
      model.op === 'update'
        ? undefined
        : active.map((id) =>
            expectedResource(
              id,
              template.Resources[id]!.Type,
              model.op === 'create' ? 'create' : 'delete',
            ),
          ),
    clock: { now: () => now, sleep: async (ms) => void (now += ms) },
    onEvent: () => {},
  });
  return { op: model.op, lagMs: (sawEndAt ?? NaN) - end, waitMs: now - t0, reads };
}
