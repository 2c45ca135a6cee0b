/** Scripted failures: plain error statuses, secondary and primary rate limits, dropped sockets. */
import type { Reply } from './http.js';
import { DOCS } from './http.js';

export interface FaultMatch {
  /** HTTP method, any case; any method when absent. */
  method?: string;
  /** Tested against the path without query (a string must equal it); any path when absent. */
  path?: RegExp | string;
  /** How many matching requests fail; 1 by default. */
  times?: number;
}

export interface FailNextOptions extends FaultMatch {
  /** 502 by default. */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket instead of answering (a network error to the client). */
  dropConnection?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface SecondaryRateLimitOptions extends FaultMatch {
  /** Sent as `retry-after`; omitted when undefined (clients then fall back to their default). */
  retryAfterSeconds?: number;
  /** 403 by default; GitHub also uses 429. */
  status?: 403 | 429;
}

export interface PrimaryRateLimitOptions extends FaultMatch {
  /** `x-ratelimit-reset` is now + this many seconds; 1 by default. */
  resetInSeconds?: number;
  status?: 403 | 429;
}

export interface Fault {
  match: FaultMatch;
  remaining: number;
  reply: () => Reply;
  dropConnection?: boolean;
  delayMs?: number;
}

const bodyFor = (status: number): Record<string, string> => ({
  message:
    status === 502 ? 'Server Error' : status === 503 ? 'Service Unavailable' : `HTTP ${status}`,
  documentation_url: DOCS,
  status: String(status),
});

export function failNextFault(o: FailNextOptions): Fault {
  const status = o.status ?? 502;
  return {
    match: o,
    remaining: o.times ?? 1,
    dropConnection: o.dropConnection,
    delayMs: o.delayMs,
    reply: () => ({ status, body: o.body ?? bodyFor(status), headers: o.headers ?? {} }),
  };
}

/** Worded and shaped as GitHub answers; @octokit/plugin-throttling matches /\bsecondary rate\b/i. */
export function secondaryRateLimitFault(o: SecondaryRateLimitOptions): Fault {
  return {
    match: o,
    remaining: o.times ?? 1,
    reply: () => ({
      status: o.status ?? 403,
      headers:
        o.retryAfterSeconds === undefined
          ? ({} as Record<string, string>)
          : { 'retry-after': String(o.retryAfterSeconds) },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
          'If you reach out to GitHub Support for help, please include the request ID 0400:1F2E:3D4C:5B6A:7980.',
        documentation_url:
          'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(o.status ?? 403),
      },
    }),
  };
}

/** `x-ratelimit-remaining: 0` with a reset time, as the primary (hourly) limit answers. */
export function primaryRateLimitFault(o: PrimaryRateLimitOptions): Fault {
  return {
    match: o,
    remaining: o.times ?? 1,
    reply: () => ({
      status: o.status ?? 403,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-resource': 'core',
        'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000 + (o.resetInSeconds ?? 1))),
      },
      body: {
        message:
          'API rate limit exceeded for installation ID 12345678. If you reach out to GitHub Support ' +
          'for help, please include the request ID 0400:1F2E:3D4C:5B6A:7981.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-rate-limits',
        status: String(o.status ?? 403),
      },
    }),
  };
}

export class Faults {
  private list: Fault[] = [];

  add(f: Fault): void {
    this.list.push(f);
  }

  clear(): void {
    this.list = [];
  }

  get pending(): number {
    return this.list.reduce((n, f) => n + f.remaining, 0);
  }

  /** The first armed fault matching this request, consumed once. */
  take(method: string, path: string): Fault | undefined {
    const f = this.list.find((x) => x.remaining > 0 && matches(x.match, method, path));
    if (!f) return undefined;
    f.remaining--;
    this.list = this.list.filter((x) => x.remaining > 0);
    return f;
  }
}

function matches(m: FaultMatch, method: string, path: string): boolean {
  if (m.method && m.method.toUpperCase() !== method) return false;
  if (m.path === undefined) return true;
  if (typeof m.path === 'string') return m.path === path;
  m.path.lastIndex = 0;
  return m.path.test(path);
}
