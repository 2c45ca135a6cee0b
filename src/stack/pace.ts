/**
 * How the watcher spends its CloudFormation reads. Two things pull against each other: the run
 * should end within a second or two of its stack, and a run must not read more than a dozen times
 * a minute per stack (DescribeStackEvents shares an account-wide rate with every other caller).
 *
 * - A cumulative read budget: over any wait, every attempt counted (SDK retries of a throttled
 *   call included), at most `readsPerMinute` a minute, the first minute counting as a whole one.
 *   Reads not spent while resources are still being worked on are saved for the end.
 * - Phases from what the events say: while several resources the operation touches are still to
 *   settle the stack cannot end soon (slow pace); with the last one or two in flight it may end
 *   any second (near pace); once everything seen has settled, the stack's own event is due
 *   (CloudFormation takes about 1–6 s), so the pace is fast, and widens again if nothing comes.
 * - While not settled a few reads stay in reserve, so that the fast pace is there when it counts;
 *   the reserve holds a read back no longer than the slow pace.
 */

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

/** Reads kept for the end while many resources are in flight, and while the last ones are. */
export const RESERVED_READS = { working: 4, 'near-end': 2, settled: 0 } as const;
/** How long polling stays fast once every resource has settled, before it widens again. */
export const SETTLED_FAST_WINDOW_MS = 15_000;
/** With this many of the operation's resources (or fewer) still to settle, its end is near. */
const NEAR_END_REMAINING = 2;
/** Before anything has settled, how long the near pace lasts (a small stack's first seconds). */
const FIRST_SECONDS_MS = 5_000;
/** A stack still working after this long is not a small one: the budget's pace applies. */
const SMALL_STACK_MS = 10_000;

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

/** Reads spent since a wait started, against what the budget allows so far. */
export class ReadBudget {
  private spent = 0;
  private side = 0;

  constructor(
    private readonly perMinute: number,
    private readonly startedAt: number,
  ) {}

  /** One call, with however many attempts the SDK made for it. */
  record(attempts: number | undefined): void {
    this.spent += Math.max(1, attempts ?? 1);
  }

  /** Reads others made since the wait started (the progress feed's), in all. */
  recordSide(total: number): void {
    this.side = Math.max(this.side, total);
  }

  get reads(): number {
    return this.spent + this.side;
  }

  /**
   * What may have been read `elapsed` ms into the wait: a whole minute's reads over the first
   * minute, at any pace within it (a wait that ends before a minute is no rate to keep to), then
   * the rate itself, so that no wait over a minute averages more.
   */
  private allowed(elapsed: number): number {
    return Math.max(this.perMinute, (this.perMinute * elapsed) / 60_000);
  }

  /** The earliest time at which `reads` more reads fit in the budget. */
  whenFits(reads: number, now: number): number {
    if (this.perMinute <= 0) return now;
    const needed = this.reads + reads;
    if (this.allowed(now - this.startedAt) >= needed) return now;
    return Math.max(now, this.startedAt + Math.ceil((needed * 60_000) / this.perMinute));
  }
}

export type Phase = 'working' | 'near-end' | 'settled';

export interface Progress {
  inFlight: number;
  settled: number;
  /**
   * How many resources the operation goes through, when known exactly: a create's change set, a
   * delete's resources. (An update's change set also lists resources that may not change.)
   */
  expected?: number;
}

export function phaseOf({ inFlight, settled, expected }: Progress): Phase {
  if (inFlight === 0) return 'settled';
  const remaining = expected === undefined ? inFlight : expected - settled;
  return remaining <= NEAR_END_REMAINING ? 'near-end' : 'working';
}

/**
 * The working pace: as long as the stack's own progress says it has a while to go. A stack whose
 * resources settle fast (small stacks take seconds) is read often; one a tenth of the way after
 * a minute, slowly, and after its first ten seconds no faster than the budget sustains. Before
 * anything has settled, the first seconds are read at the near pace.
 */
export function workingInterval(policy: PollPolicy, progress: Progress, elapsedMs: number): number {
  const { settled, expected, inFlight } = progress;
  if (settled === 0) return elapsedMs < FIRST_SECONDS_MS ? policy.nearMs : policy.slowMs;
  // Without a count, what is in flight now stands for what is left.
  const remaining = expected === undefined ? inFlight : Math.max(expected - settled, 0);
  const estimatedLeftMs = (elapsedMs * remaining) / settled;
  const estimated = Math.min(Math.max(estimatedLeftMs / 2, policy.nearMs), policy.slowMs);
  // Past a small stack's first seconds, no faster than the budget can keep up while keeping
  // its reserve: a stack that looks nearly done may still have a long last resource to go, and
  // the reads spent on it would be missing at its end.
  const sustainable =
    policy.readsPerMinute > 0 && elapsedMs >= SMALL_STACK_MS
      ? 60_000 / Math.max(policy.readsPerMinute - RESERVED_READS.working, 1)
      : 0;
  return Math.round(Math.min(Math.max(estimated, sustainable), policy.slowMs));
}

export interface PaceState {
  phase: Phase;
  /** The working pace, from workingInterval (the slow pace if unset). */
  workingMs?: number;
  /** Since when everything has been settled with nothing new (settled phase only). */
  quietSince?: number;

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
  let interval: number;
  if (state.phase === 'working') interval = state.workingMs ?? policy.slowMs;
  else if (state.phase === 'near-end') interval = policy.nearMs;
  else if (now - (state.quietSince ?? now) < SETTLED_FAST_WINDOW_MS) interval = policy.fastMs;
  else interval = Math.min(Math.max(state.lastInterval, policy.fastMs) * 2, policy.slowMs);
  state.lastInterval = interval;
  const reserve = RESERVED_READS[state.phase];
  // The reserve may delay a read, but never past the slow pace: only a read can tell the
  // watcher that the end has come near, and the budget itself is never exceeded.
  const keepingReserve = Math.min(budget.whenFits(1 + reserve, now), now + policy.slowMs);
  return Math.max(
    now + Math.max(interval, state.backoffMs),
    keepingReserve,
    budget.whenFits(1, now),
  );
}

/** The backoff after a poll CloudFormation refused (throttled) or failed. */
export function throttledBackoff(previousMs: number, policy: PollPolicy): number {
  return Math.min(Math.max(previousMs * 2, policy.fastMs), policy.slowMs / 2);
}
