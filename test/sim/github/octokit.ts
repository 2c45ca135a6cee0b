/**
 * An Octokit as the action builds one — @actions/github's getOctokit with @octokit/plugin-retry and
 * @octokit/plugin-throttling — pointed at a GitHubFake, for tests of the fake and of API clients.
 */
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import { throttling } from '@octokit/plugin-throttling';

type Group = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>['write']>;

/**
 * A limiter group that never waits. plugin-throttling spaces writes 1 s apart and
 * notification-triggering writes (comments) 3 s apart, process-wide; tests that are not about
 * that spacing pass this instead.
 */
export const unthrottledGroup = {
  key: () => ({
    schedule: (_opts: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) =>
      Promise.resolve().then(() => fn(...args)),
  }),
} as unknown as Group;

export interface TestOctokitOptions {
  token?: string;
  /** plugin-retry: retries (3) and base delay in ms (1000; delay = base × (attempt)²). */
  retries?: number;
  retryAfterBaseValue?: number;
  /** Overrides for plugin-throttling; handlers default to "retry once". */
  throttle?: Partial<Extract<ThrottlingOptions, { onRateLimit: unknown }>>;
  /** Keep plugin-throttling's real write spacing (1 s, 3 s for comments). Off by default. */
  realWriteSpacing?: boolean;
}

export function testOctokit(gh: { url: string }, o: TestOctokitOptions = {}) {
  const retryOnce = (_after: number, _opts: unknown, _octokit: unknown, count: number) => count < 1;
  const spacing = o.realWriteSpacing
    ? {}
    : { write: unthrottledGroup, notifications: unthrottledGroup };
  return getOctokit(
    o.token ?? 'ghs_fake_installation_token',
    {
      baseUrl: gh.url,
      retry: {
        ...(o.retries !== undefined && { retries: o.retries }),
        ...(o.retryAfterBaseValue !== undefined && { retryAfterBaseValue: o.retryAfterBaseValue }),
      },
      throttle: {
        onRateLimit: retryOnce,
        onSecondaryRateLimit: retryOnce,
        ...spacing,
        ...o.throttle,
      },
    },
    retry,
    throttling,
  );
}
