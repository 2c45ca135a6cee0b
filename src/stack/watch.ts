import * as core from '@actions/core';
import {
  DescribeStackEventsCommand,
  type CloudFormationClient,
  type Stack,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { systemClock, type Clock } from '../clock.js';
import { describeStack } from './describe.js';
import { isStackEvent } from './root-cause.js';
import { isInProgress, isSettled } from './status.js';
import { formatEvent } from './event-line.js';
import { WatchTimeoutError } from './watch-timeout.js';

export { WatchTimeoutError };

/**
 * How often to read events. While resources are still being worked on the stack cannot finish,
 * so polling is slow; once every resource seen so far has settled, the stack's own terminal event
 * is seconds away (CloudFormation takes 3–6 s after the last resource) and polling turns fast, at
 * a steady pace for a while, then widening again if nothing ends it.
 *
 * The defaults keep both the detection lag and the cost down (bench/, issue 8): the slow pace
 * bounds the worst lag to about slowMs minus CloudFormation's own pause, and sets the read rate
 * (60 s / 7 s ≈ 8.6 reads a minute while resources are in flight).
 */
export interface PollPolicy {
  fastMs: number;
  slowMs: number;
}

/** The stack's own first event of an operation. */
const OPERATION_START = new Set([
  'CREATE_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
]);

/** How far the runner's clock may be off AWS's before the watcher would miss events. */
const CLOCK_SKEW_MS = 10 * 60_000;

/** How long polling stays fast once every resource has settled, before it widens again. */
export const SETTLED_FAST_WINDOW_MS = 15_000;

export function defaultPollPolicy(env: NodeJS.ProcessEnv = process.env): PollPolicy {
  // The environment overrides exist for the simulator-backed tests and the benchmark.
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return { fastMs: read('PR_ENV_POLL_FAST_MS', 2000), slowMs: read('PR_ENV_POLL_SLOW_MS', 7000) };
}

export interface WatchRequest {
  /** The stack's ID (ARN): unlike its name, it still answers after the stack is deleted. */
  stackId: string;
  stackName: string;
  /** The ClientRequestToken every event of the watched operation carries. */
  token: string;
  /** Epoch milliseconds after which waiting stops. */
  deadline: number;
  poll?: PollPolicy;
  clock?: Clock;
  onEvent?: (event: StackEvent) => void;
}

export interface WatchResult {
  /** The status the operation ended in (from the stack's own event). */
  status: string;
  /** Every event of the operation, oldest first. */
  events: StackEvent[];
  /** The stack as described once the operation ended; undefined once deleted by name. */
  stack?: Stack;
}

/** Follows one operation's events until the stack's own event says it has ended. */
export async function watchOperation(
  cfn: CloudFormationClient,
  request: WatchRequest,
): Promise<WatchResult> {
  core.startGroup(`Stack events: ${request.stackName}`);
  try {
    return await followEvents(cfn, request);
  } finally {
    core.endGroup();
  }
}

async function followEvents(
  cfn: CloudFormationClient,
  request: WatchRequest,
): Promise<WatchResult> {
  const clock = request.clock ?? systemClock;
  const poll = request.poll ?? defaultPollPolicy();
  const onEvent = request.onEvent ?? ((event) => core.info(formatEvent(event)));
  const seen = new Set<string>();
  const events: StackEvent[] = [];
  const inFlight = new Set<string>();
  let lastStatus = 'unknown';
  let interval = poll.fastMs;
  // Since when every resource seen has settled (or something last happened meanwhile).
  let settledSince: number | undefined;
  // Events before this are older than the operation. Until its first event is seen, a margin
  // for the clock difference between the runner and AWS; then that event's own time.
  let floor = clock.now() - CLOCK_SKEW_MS;
  // Grows while CloudFormation throttles the watcher, on top of the usual pace; reset on success.
  let backoff = 0;

  for (;;) {
    let fresh: StackEvent[] = [];
    try {
      fresh = await readNewEvents(cfn, request.stackId, request.token, seen, floor);
      backoff = 0;
    } catch (error) {
      // The SDK has already retried a throttled call; the watcher backs off rather than fail a
      // deployment that is going fine.
      if (!isThrottling(error)) throw error;
      backoff = Math.min(Math.max(backoff, interval) * 2, poll.slowMs * 4);
    }
    for (const event of fresh) {
      seen.add(event.EventId ?? '');
      floor = Math.min(floor, event.Timestamp?.getTime() ?? floor);
      events.push(event);
      onEvent(event);
      if (isStackEvent(event)) {
        lastStatus = event.ResourceStatus ?? lastStatus;
      } else if (isInProgress(event.ResourceStatus ?? '')) {
        inFlight.add(event.LogicalResourceId ?? '');
      } else {
        inFlight.delete(event.LogicalResourceId ?? '');
      }
    }
    const ended = fresh.find((e) => isStackEvent(e) && isSettled(e.ResourceStatus ?? ''));
    if (ended) {
      const stack = await describeStack(cfn, request.stackId);
      // The operation's own event says how it ended: by the time the stack is described, another
      // run may have started an operation of its own.
      return { status: ended.ResourceStatus ?? stack?.StackStatus ?? lastStatus, events, stack };
    }
    if (clock.now() >= request.deadline) {
      throw new WatchTimeoutError(request.stackName, lastStatus, events);
    }
    if (inFlight.size > 0) {
      interval = poll.slowMs;
      settledSince = undefined;
    } else {
      if (settledSince === undefined || fresh.length > 0) settledSince = clock.now();
      interval =
        clock.now() - settledSince < SETTLED_FAST_WINDOW_MS
          ? poll.fastMs
          : Math.min(interval * 2, poll.slowMs);
    }
    await clock.sleep(
      Math.max(0, Math.min(Math.max(interval, backoff), request.deadline - clock.now())),
    );
  }
}

/**
 * The operation's events not seen yet, oldest first. Events come newest first; paging stops at
 * the first event already seen, at the operation's own first event, or at one older than the
 * operation, so a poll is one call however long the stack's history. Another run's events (an operation started meanwhile) are passed over,
 * not taken as the end of this one's.
 */
async function readNewEvents(
  cfn: CloudFormationClient,
  stackId: string,
  token: string,
  seen: Set<string>,
  floor: number,
): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(
      new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }),
    );
    for (const event of page.StackEvents ?? []) {
      if (seen.has(event.EventId ?? '')) return fresh.reverse();
      if ((event.Timestamp?.getTime() ?? Infinity) < floor) return fresh.reverse();
      if (event.ClientRequestToken !== token) continue;
      fresh.push(event);
      // Everything below the operation's first event is older than the operation.
      if (isStackEvent(event) && OPERATION_START.has(event.ResourceStatus ?? '')) {
        return fresh.reverse();
      }
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return fresh.reverse();
}

export function isThrottling(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return (
    /Throttl|TooManyRequests|RequestLimitExceeded/.test(name ?? '') ||
    /Rate exceeded/.test(message ?? '')
  );
}
