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

/**
 * How often to read events. While resources are still being worked on the stack cannot finish,
 * so polling is slow; once every resource seen so far has settled, the stack's own terminal event
 * is seconds away and polling turns fast, widening again while nothing new arrives.
 */
export interface PollPolicy {
  fastMs: number;
  slowMs: number;
}

export function defaultPollPolicy(env: NodeJS.ProcessEnv = process.env): PollPolicy {
  // The environment overrides exist for the simulator-backed tests and the benchmark.
  const read = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return { fastMs: read('PR_ENV_POLL_FAST_MS', 1000), slowMs: read('PR_ENV_POLL_SLOW_MS', 6000) };
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

export class WatchTimeoutError extends Error {
  constructor(
    readonly stackName: string,
    readonly lastStatus: string,
    readonly events: StackEvent[],
  ) {
    super(`Timed out waiting for stack "${stackName}": its last status was ${lastStatus}`);
    this.name = 'WatchTimeoutError';
  }
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
  // Grows while CloudFormation throttles the watcher, on top of the usual pace; reset on success.
  let backoff = 0;

  for (;;) {
    let fresh: StackEvent[] = [];
    try {
      fresh = await readNewEvents(cfn, request.stackId, request.token, seen);
      backoff = 0;
    } catch (error) {
      // The SDK has already retried a throttled call; the watcher backs off rather than fail a
      // deployment that is going fine.
      if (!isThrottling(error)) throw error;
      backoff = Math.min(Math.max(backoff, interval) * 2, poll.slowMs * 4);
    }
    for (const event of fresh) {
      seen.add(event.EventId ?? '');
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
      return { status: stack?.StackStatus ?? ended.ResourceStatus ?? lastStatus, events, stack };
    }
    if (clock.now() >= request.deadline) {
      throw new WatchTimeoutError(request.stackName, lastStatus, events);
    }
    if (inFlight.size > 0) interval = poll.slowMs;
    else interval = fresh.length > 0 ? poll.fastMs : Math.min(interval * 2, poll.slowMs);
    await clock.sleep(
      Math.max(0, Math.min(Math.max(interval, backoff), request.deadline - clock.now())),
    );
  }
}

/**
 * The operation's events not seen yet, oldest first. Events come newest first, and an
 * operation's events are the newest of its stack, so paging stops at the first event that is
 * already seen or belongs to another operation: one call per poll, however long the history.
 */
async function readNewEvents(
  cfn: CloudFormationClient,
  stackId: string,
  token: string,
  seen: Set<string>,
): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(
      new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken }),
    );
    for (const event of page.StackEvents ?? []) {
      if (seen.has(event.EventId ?? '') || event.ClientRequestToken !== token)
        return fresh.reverse();
      fresh.push(event);
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
