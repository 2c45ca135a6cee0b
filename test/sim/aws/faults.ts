/**
 * Injected trouble: resource failures, throttling, rate limits and requests that never answer.
 */

export type ResourceOperation = 'create' | 'update' | 'delete';

export interface FailResourceOptions {
  /** Which resource operation fails; by default creating or updating it. */
  operation?: ResourceOperation;
  /** How many times it fails before it succeeds again (default 1). */
  times?: number;
  /** Also fail the resource once while an update is rolled back, ending in UPDATE_ROLLBACK_FAILED. */
  rollbackFails?: boolean;
  /** Only in this stack (default: any stack). */
  stack?: string;
}

interface ResourceFault {
  logicalId: string;
  reason: string;
  operations: Array<ResourceOperation | 'rollback'>;
  remaining: number;
  stack?: string;
}

export class ResourceFaults {
  private faults: ResourceFault[] = [];

  add(logicalId: string, reason: string, options: FailResourceOptions = {}): void {
    const operations = options.operation
      ? [options.operation]
      : (['create', 'update'] as ResourceOperation[]);
    this.faults.push({
      logicalId,
      reason,
      operations,
      remaining: options.times ?? 1,
      stack: options.stack,
    });
    if (options.rollbackFails) {
      this.faults.push({
        logicalId,
        reason,
        operations: ['rollback'],
        remaining: 1,
        stack: options.stack,
      });
    }
  }

  /** The failure reason if `logicalId` should fail this `operation` now; consumes one use. */
  take(
    stack: string,
    logicalId: string,
    operation: ResourceOperation | 'rollback',
  ): string | undefined {
    const fault = this.faults.find(
      (f) =>
        f.logicalId === logicalId &&
        f.remaining > 0 &&
        f.operations.includes(operation) &&
        (f.stack === undefined || f.stack === stack),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    return fault.reason;
  }

  clear(): void {
    this.faults = [];
  }
}

/** Small seeded PRNG so a throttling pattern (or the benchmark's model) can be replayed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ThrottleOptions {
  /** Fraction of matching calls answered with `Throttling: Rate exceeded` (0..1). */
  rate: number;
  actions?: RegExp;
  service?: 'cloudformation' | 'rds' | 's3';
  seed?: number;
}

export interface RateLimitOptions {
  perSecond: number;
  /** Bucket size; defaults to `perSecond`. */
  burst?: number;
  actions?: RegExp;
  service?: 'cloudformation' | 'rds' | 's3';
}

export interface HangOptions {
  service?: 'cloudformation' | 'rds' | 's3';
}

interface Hang {
  matches: (service: string, action: string) => boolean;
  released: Promise<void>;
  release: () => void;
}

function matcher(actions: string | RegExp | undefined, service: string | undefined) {
  return (callService: string, action: string) =>
    (service === undefined || service === callService) &&
    (actions === undefined ||
      (typeof actions === 'string' ? actions === action : actions.test(action)));
}

export class CallFaults {
  private throttleRule?: {
    matches: (s: string, a: string) => boolean;
    rate: number;
    random: () => number;
  };
  private limit?: {
    matches: (s: string, a: string) => boolean;
    perSecond: number;
    burst: number;
    tokens: number;
    at: number;
  };
  private hangs: Hang[] = [];

  throttle(options: ThrottleOptions | null): void {
    this.throttleRule = options
      ? {
          matches: matcher(options.actions, options.service),
          rate: options.rate,
          random: mulberry32(options.seed ?? Date.now()),
        }
      : undefined;
  }

  rateLimit(options: RateLimitOptions | null): void {
    const burst = options ? (options.burst ?? options.perSecond) : 0;
    this.limit = options
      ? {
          matches: matcher(options.actions, options.service),
          perSecond: options.perSecond,
          burst,
          tokens: burst,
          at: Date.now(),
        }
      : undefined;
  }

  /** Whether this call is answered with a throttling error instead of being served. */
  shouldThrottle(service: string, action: string): boolean {
    const rule = this.throttleRule;
    if (rule?.matches(service, action) && rule.random() < rule.rate) return true;
    const limit = this.limit;
    if (!limit?.matches(service, action)) return false;
    const now = Date.now();
    limit.tokens = Math.min(
      limit.burst,
      limit.tokens + ((now - limit.at) / 1000) * limit.perSecond,
    );
    limit.at = now;
    if (limit.tokens < 1) return true;
    limit.tokens -= 1;
    return false;
  }

  hang(actions: string | RegExp, options: HangOptions = {}): () => void {
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const hang: Hang = { matches: matcher(actions, options.service), released, release };
    this.hangs.push(hang);
    return () => {
      this.hangs = this.hangs.filter((h) => h !== hang);
      hang.release();
    };
  }

  /** Resolves when no hang holds this call any more. */
  async waitWhileHung(service: string, action: string): Promise<void> {
    for (;;) {
      const hang = this.hangs.find((h) => h.matches(service, action));
      if (!hang) return;
      await hang.released;
    }
  }

  clear(): void {
    this.throttleRule = undefined;
    this.limit = undefined;
    for (const hang of this.hangs) hang.release();
    this.hangs = [];
  }
}
