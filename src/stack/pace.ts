/**
 * How the watcher spends its CloudFormation reads. Two things pull against each other: the run
 * should end within a few seconds of its stack, and a run must not read more than a dozen times
 * a minute per stack (DescribeStackEvents shares an account-wide rate with every other caller).
 * The budget (read-budget.ts) holds the rate; the pace decides where the reads go:
 *
 * - Working: a slow resource (a database instance, the Auto Scaling group) is still to start,
 *   so the end is at least that resource away. Read often over a small stack's first seconds,
 *   then as seldom as the operation is old, up to the slow pace: the reads saved are the end's.
 * - Near the end: the last slow resource has started. If one of its type settled earlier in the
 *   operation, the stack cannot end before a share of that time has passed, and reads wait for
 *   it; then they come at the near pace, spread over the time the end may still take when the
 *   saved reads would not last, and never further apart than the cap while they do.
 * - Settled: everything seen has settled and the stack's own event is due (CloudFormation takes
 *   about 1–6 s): the fast pace, widening again if nothing comes.
 */
import type { Progress } from './operation-progress.js';
import type { ReadBudget } from './read-budget.js';

export interface PollPolicy {
  /** Pace once every resource seen has settled. */
  fastMs: number;
  /** Pace while the operation's last resources are in flight. */
  nearMs: number;
  /** Pace while more resources are to come. */
  slowMs: number;
  /** The read budget; 0 or less = unlimited (the simulator-backed tests). */
  readsPerMinute: number;
}

/** How long polling stays fast once every resource has settled, before it widens again. */
export const SETTLED_FAST_WINDOW_MS = 15_000;
/**
 * Once the stack may end before the next read, reads are never further apart than this while
 * the saved reads last: the run should end within five seconds of its stack.
 */
export const END_PACE_CAP_MS = 4_000;
/** Without a list of what is left (an update), this many in flight or fewer are near the end. */
const NEAR_END_IN_FLIGHT = 2;
/** Before anything has settled, how long the near pace lasts (a small stack's first seconds). */
const FIRST_SECONDS_MS = 5_000;
/**
 * While a slow resource is still to start, the interval is this share of the operation's age:
 * a stack that settles in seconds is read every few seconds, one of minutes every ten.
 */
const WORKING_SHARE_OF_AGE = 1.5;
/**
 * How long the last resources may still take: at least this, as long as the near end has lasted
 * so far (the longer it has, the longer it is likely to go on), and up to the latest a resource
 * of the same type took earlier, plus CloudFormation's pause after it.
 */
const NEAR_END_HORIZON_MS = 10_000;
/** CloudFormation's pause between the last resource and the stack's own event, at most (S2–S4). */
const SETTLE_PAUSE_MS = 6_000;

export function defaultPollPolicy(env: NodeJS.ProcessEnv = process.env): PollPolicy {
  // The environment overrides exist for the simulator-backed tests and the benchmark.
  const read = (name: string, fallback: number, allowZero = false) => {
    const raw = env[name];
    const value = Number(raw);
    if (raw === undefined || raw === '' || !Number.isFinite(value)) return fallback;
    return value > 0 || (allowZero && value === 0) ? value : fallback;
  };
  const fastMs = read('PR_ENV_POLL_FAST_MS', 1000);
  return {
    fastMs,
    nearMs: read('PR_ENV_POLL_NEAR_MS', fastMs * 2),
    slowMs: read('PR_ENV_POLL_SLOW_MS', 10_000),
    readsPerMinute: read('PR_ENV_READS_PER_MINUTE', 12, true),
  };
}

export type Phase = 'working' | 'near-end' | 'settled';

export function phaseOf(progress: Progress): Phase {
  const { inFlight, settled, expected, slowNotStarted } = progress;
  const notStarted = expected === undefined ? 0 : expected - settled - inFlight;
  if (inFlight === 0 && notStarted <= 0) return 'settled';
  if (slowNotStarted !== undefined) return slowNotStarted > 0 ? 'working' : 'near-end';
  if (notStarted > 0) return 'working';
  return inFlight <= NEAR_END_IN_FLIGHT ? 'near-end' : 'working';
}

/**
 * The working pace. With a slow resource still to start, a share of the operation's age.
 * Otherwise (an update, whose change set does not say what will change) as long as the stack's
 * own progress says it has a while to go: a stack whose resources settle fast is read often, one
 * a tenth of the way after a minute, slowly. Before anything has settled, the first seconds are
 * read at the near pace.
 */
export function workingInterval(policy: PollPolicy, progress: Progress, elapsedMs: number): number {
  const { settled, expected, inFlight, slowNotStarted = 0 } = progress;
  const clamp = (ms: number) => Math.round(Math.min(Math.max(ms, policy.nearMs), policy.slowMs));
  if (slowNotStarted > 0) return clamp(elapsedMs * WORKING_SHARE_OF_AGE);
  if (settled === 0) return elapsedMs < FIRST_SECONDS_MS ? policy.nearMs : policy.slowMs;
  // Without a count, what is in flight now stands for what is left.
  const remaining = expected === undefined ? inFlight : Math.max(expected - settled, 0);
  return clamp((elapsedMs * remaining) / settled / 2);
}

export interface PaceState {
  phase: Phase;
  /** The working pace, from workingInterval (the slow pace if unset). */
  workingMs?: number;
  /** Since when everything has been settled with nothing new (settled phase only). */
  quietSince?: number;
  /** Since when the end has been near (near-end phase only). */
  nearSince?: number;
  /** The earliest the stack can end, and the latest it is likely to (from Progress). */
  earliestEndAt?: number;
  latestEndAt?: number;
  /** The last interval used in the settled phase, which widens after the fast window. */
  lastInterval: number;
  /** Extra wait while CloudFormation throttles the watcher. */
  backoffMs: number;
}

/** When to read next. */
export function nextReadAt(
  policy: PollPolicy,
  budget: ReadBudget,
  state: PaceState,
  now: number,
): number {
  const notBefore = state.earliestEndAt ?? 0;
  if (state.phase === 'near-end' && notBefore > now + policy.nearMs) {
    // What is in flight cannot settle before then: until that moment the reads only report
    // progress, and the time the end may take counts from it.
    state.nearSince = Math.max(state.nearSince ?? notBefore, notBefore);
    return Math.max(Math.min(now + policy.slowMs, notBefore), budget.whenFits(1, now));
  }
  let interval = phaseInterval(policy, state, now);
  const endMayCome = state.phase !== 'working';
  if (endMayCome) {
    // The stack may end before the next read: no further apart than the cap, unless the saved
    // reads would not last the time the end may still take.
    const spread = spreadInterval(budget, state, now);
    interval = Math.min(Math.max(Math.min(interval, END_PACE_CAP_MS), spread), policy.slowMs);
  }
  if (state.backoffMs > 0) {
    // A refused read told the watcher nothing: it is made again after the backoff, not a whole
    // interval later.
    const backoff = endMayCome ? Math.min(state.backoffMs, END_PACE_CAP_MS) : state.backoffMs;
    interval = Math.max(Math.min(interval, Math.max(state.backoffMs, policy.nearMs)), backoff);
  }
  return Math.max(now + interval, budget.whenFits(1, now));
}

function phaseInterval(policy: PollPolicy, state: PaceState, now: number): number {
  let interval: number;
  if (state.phase === 'working') interval = state.workingMs ?? policy.slowMs;
  else if (state.phase === 'near-end') interval = policy.nearMs;
  else if (now - (state.quietSince ?? now) < SETTLED_FAST_WINDOW_MS) interval = policy.fastMs;
  else interval = Math.min(Math.max(state.lastInterval, policy.fastMs) * 2, policy.slowMs);
  state.lastInterval = interval;
  return interval;
}

/**
 * The interval at which the reads the budget will hold (the saved ones, and those it adds
 * meanwhile), counted at the share CloudFormation answers, last until the end is due.
 */
function spreadInterval(budget: ReadBudget, state: PaceState, now: number): number {
  const horizon =
    state.phase === 'near-end'
      ? Math.max(
          NEAR_END_HORIZON_MS,
          now - (state.nearSince ?? now),
          (state.latestEndAt ?? 0) + SETTLE_PAUSE_MS - now,
        )
      : Math.max(SETTLE_PAUSE_MS - (now - (state.quietSince ?? now)), 0);
  const reads = budget.availableAt(now + horizon) * budget.answeredShare;
  if (!Number.isFinite(reads)) return 0;
  return Math.round(horizon / Math.max(reads, 1));
}

/** The backoff after a poll CloudFormation refused (throttled) or failed. */
export function throttledBackoff(previousMs: number, policy: PollPolicy): number {
  return Math.min(Math.max(previousMs * 2, policy.fastMs), policy.slowMs / 2);
}
