/**
 * Shared fixtures for the core unit tests: a clock that never waits, stacks and stack events.
 * Type-only SDK imports keep this light; the scripted CloudFormation is in fake-cloudformation.ts.
 */
import type { CloudFormationClient, Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import type { Clock } from '../../../src/clock.js';
import { TAG } from '../../../src/naming.js';
import type { StackTarget } from '../../../src/stack/target.js';

export interface FakeClock extends Clock {
  /** Every sleep asked for, in order. */
  sleeps: number[];
  advance(ms: number): void;
}

/** Time that moves only when slept through: polling code runs without waiting. */
export function fakeClock(start = Date.UTC(2026, 0, 15, 12, 0, 0)): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export const REPOSITORY = 'acme/shop';
export const PR = 7;
export const STACK_NAME = 'pr-env-shop-pr-7';

export function stackArn(name = STACK_NAME, n = 1): string {
  return `arn:aws:cloudformation:eu-west-1:123456789012:stack/${name}/0000000${n}-aaaa-bbbb-cccc-dddddddddddd`;
}

export function ownerTags(repository = REPOSITORY, pr = PR) {
  return [
    { Key: TAG.repository, Value: repository },
    { Key: TAG.pullRequest, Value: String(pr) },
  ];
}

export function stack(status: string, extra: Partial<Stack> = {}): Stack {
  return {
    StackName: STACK_NAME,
    StackId: stackArn(),
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date(0),
    Tags: ownerTags(),
    ...extra,
  };
}

let eventSeq = 0;

export interface EventSpec {
  status: string;
  /** Logical ID; the stack itself when omitted. */
  id?: string;
  type?: string;
  reason?: string;
  token?: string;
  at?: Date | number;
  stackName?: string;
  stackId?: string;
}

/** A stack event; a resource event when `id` names something other than the stack. */
export function event(spec: EventSpec): StackEvent {
  const stackName = spec.stackName ?? STACK_NAME;
  const isStack = spec.id === undefined || spec.id === stackName;
  eventSeq += 1;
  return {
    EventId: `event-${eventSeq}`,
    StackName: stackName,
    StackId: spec.stackId ?? stackArn(stackName),
    LogicalResourceId: spec.id ?? stackName,
    ResourceType: spec.type ?? (isStack ? 'AWS::CloudFormation::Stack' : 'AWS::EC2::Instance'),
    ResourceStatus: spec.status as StackEvent['ResourceStatus'],
    ResourceStatusReason: spec.reason,
    ClientRequestToken: spec.token,
    Timestamp:
      spec.at instanceof Date
        ? spec.at
        : new Date(Date.UTC(2026, 0, 15, 12) + (spec.at ?? eventSeq) * 1000),
  };
}

export function missingStackError(name: string): Error {
  const error = new Error(`Stack with id ${name} does not exist`);
  error.name = 'ValidationError';
  return error;
}

export function target(
  cfn: CloudFormationClient,
  clock: FakeClock,
  extra: Partial<StackTarget> = {},
): StackTarget {
  return {
    cfn,
    stackName: STACK_NAME,
    owner: { repository: REPOSITORY, pr: PR },
    deadline: clock.now() + 30 * 60_000,
    runId: '4242-1',
    poll: { fastMs: 1000, nearMs: 2000, slowMs: 5000, readsPerMinute: 0 },
    clock,
    onEvent: () => {},
    ...extra,
  };
}
