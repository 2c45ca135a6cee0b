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
import { isSettled } from './status.js';
import { OperationProgress, type ExpectedResource } from './operation-progress.js';
import { formatEvent } from './event-line.js';
import { WatchTimeoutError } from './watch-timeout.js';
import { ReadBudget } from './read-budget.js';
import {
  SETTLED_FAST_WINDOW_MS,
  defaultPollPolicy,
  nextReadAt,
  phaseOf,
  throttledBackoff,
  workingInterval,
  type PaceState,
  type PollPolicy,
} from './pace.js';

export { WatchTimeoutError, defaultPollPolicy, SETTLED_FAST_WINDOW_MS, type PollPolicy };

/** The stack's own first event of an operation. */
const OPERATION_START = new Set([
  'CREATE_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
]);

/** How far the runner's clock may be off AWS's before the watcher would miss events. */
const CLOCK_SKEW_MS = 10 * 60_000;

export interface WatchRequest {
  /** The stack's ID (ARN): unlike its name, it still answers after the stack is deleted. */
  stackId: string;
  stackName: string;
  /** The ClientRequestToken every event of the watched operation carries. */
  token: string;
  /** Epoch milliseconds after which waiting stops. */
  deadline: number;
  poll?: PollPolicy;
  /** The resources the operation goes through (a create's change set, a delete's), when known. */
  expectedResources?: ExpectedResource[];
  clock?: Clock;
  onEvent?: (event: StackEvent) => void;
  /** Reads made beside the watcher meanwhile, which its budget counts too. */
  sideReads?: { count: number };
  /** The client for the event polls, without SDK retries; the watcher retries by polling again. */
  pollCfn?: CloudFormationClient;
}

/** Transient failures in a row (not throttling) after which the watcher gives up. */
const MAX_TRANSIENT_FAILURES = 10;

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
  const startedAt = clock.now();
  const budget = new ReadBudget(poll.readsPerMinute, startedAt);
  const sideAtStart = request.sideReads?.count ?? 0;
  const seen = new Set<string>();
  const events: StackEvent[] = [];
  const progress = new OperationProgress(request.expectedResources, startedAt);
  let lastStatus = 'unknown';
  const pace: PaceState = { phase: 'working', lastInterval: poll.fastMs, backoffMs: 0 };
  // Events before this are older than the operation. Until its first event is seen, a margin
  // for the clock difference between the runner and AWS; then that event's own time.
  let floor = clock.now() - CLOCK_SKEW_MS;
  const pollCfn = request.pollCfn ?? cfn;
  let transientFailures = 0;

  for (;;) {
    let fresh: StackEvent[] = [];
    try {
      fresh = await readNewEvents(pollCfn, request.stackId, request.token, seen, floor, budget);
      pace.backoffMs = 0;
      transientFailures = 0;
    } catch (error) {
      // A refused or failed poll is retried by the next one, paced and counted like any read,
      // rather than failing a deployment that is going fine.
      const throttled = isThrottling(error);
      if (!throttled && (!isTransient(error) || ++transientFailures >= MAX_TRANSIENT_FAILURES))
        throw error;
      pace.backoffMs = throttledBackoff(pace.backoffMs, poll);
    }
    for (const event of fresh) {
      seen.add(event.EventId ?? '');
      floor = Math.min(floor, event.Timestamp?.getTime() ?? floor);
      events.push(event);
      onEvent(event);
      if (isStackEvent(event)) lastStatus = event.ResourceStatus ?? lastStatus;
      progress.observe(event);
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
    const where = progress.snapshot();
    budget.recordSide((request.sideReads?.count ?? 0) - sideAtStart);
    const phase = phaseOf(where);
    pace.workingMs = workingInterval(poll, where, clock.now() - startedAt);
    pace.earliestEndAt = where.earliestEndAt;
    pace.latestEndAt = where.latestEndAt;
    if (phase !== 'settled' || pace.phase !== 'settled' || fresh.length > 0) {
      pace.quietSince = clock.now();
    }
    if (phase !== 'near-end' || pace.phase !== 'near-end') pace.nearSince = clock.now();
    pace.phase = phase;
    const at = nextReadAt(poll, budget, pace, clock.now());
    await clock.sleep(Math.max(0, Math.min(at, request.deadline) - clock.now()));
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
  budget: ReadBudget,
): Promise<StackEvent[]> {
  const fresh: StackEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await readCounted(budget, () =>
      cfn.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken })),
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

/** Makes one call, counting every attempt the SDK made for it, throttled ones too. */
async function readCounted<T extends { $metadata?: { attempts?: number } }>(
  budget: ReadBudget,
  call: () => Promise<T>,
): Promise<T> {
  try {
    const output = await call();
    budget.record(output.$metadata?.attempts);
    return output;
  } catch (error) {
    budget.record((error as { $metadata?: { attempts?: number } }).$metadata?.attempts, false);
    throw error;
  }
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

/** A failure the next poll may not meet: a server error, a timeout, a dropped connection. */
export function isTransient(error: unknown): boolean {
  const { name, code, $fault, $metadata } = error as {
    name?: string;
    code?: string;
    $fault?: string;
    $metadata?: { httpStatusCode?: number };
  };
  return (
    $fault === 'server' ||
    ($metadata?.httpStatusCode ?? 0) >= 500 ||
    name === 'TimeoutError' ||
    TRANSIENT_CODES.has(code ?? '')
  );
}

export function isThrottling(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return (
    /Throttl|TooManyRequests|RequestLimitExceeded/.test(name ?? '') ||
    /Rate exceeded/.test(message ?? '')
  );
}
