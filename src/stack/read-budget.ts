/**
 * The watcher's CloudFormation read budget: over any wait, every attempt counted (SDK retries
 * and throttled attempts included), at most `perMinute` a minute, the first minute counting as a
 * whole one. Reads not spent while resources are still being worked on are saved for the end.
 */
export class ReadBudget {
  private spent = 0;
  private answered = 0;
  private side = 0;

  constructor(
    private readonly perMinute: number,
    private readonly startedAt: number,
  ) {}

  /** One call, with however many attempts the SDK made for it, and whether it was answered. */
  record(attempts: number | undefined, answered = true): void {
    this.spent += Math.max(1, attempts ?? 1);
    if (answered) this.answered += 1;
  }

  /** Reads others made since the wait started (the progress feed's), in all. */
  recordSide(total: number): void {
    this.side = Math.max(this.side, total);
  }

  get reads(): number {
    return this.spent + this.side;
  }

  /**
   * The share of attempts CloudFormation answers (not throttled), as seen so far: each read that
   * tells the watcher something takes 1 / share attempts of the budget.
   */
  get answeredShare(): number {
    return (this.answered + 1) / (this.spent + 1);
  }

  /**
   * What may have been read `elapsed` ms into the wait: a whole minute's reads over the first
   * minute, at any pace within it (a wait that ends before a minute is no rate to keep to), then
   * the rate itself, so that no wait over a minute averages more.
   */
  private allowed(elapsed: number): number {
    return Math.max(this.perMinute, (this.perMinute * elapsed) / 60_000);
  }

  /** Reads the budget will hold at `at`, if none are made before then (Infinity: unlimited). */
  availableAt(at: number): number {
    if (this.perMinute <= 0) return Infinity;
    return this.allowed(at - this.startedAt) - this.reads;
  }

  /** The earliest time at which `reads` more reads fit in the budget. */
  whenFits(reads: number, now: number): number {
    if (this.perMinute <= 0) return now;
    const needed = this.reads + reads;
    if (this.allowed(now - this.startedAt) >= needed) return now;
    return Math.max(now, this.startedAt + Math.ceil((needed * 60_000) / this.perMinute));
  }
}
