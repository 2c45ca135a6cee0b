import * as core from '@actions/core';
import type { Clock } from '../clock.js';
import { formatDuration } from '../report/markdown.js';

export interface WaitOptions {
  clock: Clock;
  /** Epoch milliseconds after which nothing more is tried. */
  until: number;
  /** Between two checks. */
  pollMs: number;
  /** What is waited for, for the log: `s3://acme-builds/shop/4f0c2d8….tar.gz`. */
  what: string;
}

/** How often a missing build is looked for again: 10 s, or faster for the simulator's tests. */
export function buildPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.PR_ENV_POLL_FAST_MS);
  return Number.isFinite(value) && value > 0 ? value : 10_000;
}

/**
 * Checks until `check` finds what it looks for, or the time is up: CI may still be uploading the
 * build when the PR's event starts this run. Checks once when `until` has already passed.
 * Returns undefined when it never appeared.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T | undefined> {
  const { clock, until, pollMs, what } = options;
  let announced = false;
  let lastLog = clock.now();
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    const now = clock.now();
    if (now + pollMs > until) return undefined;
    if (!announced || now - lastLog >= 60_000) {
      core.info(`Waiting for ${what} to appear (${formatDuration(until - now)} left)`);
      announced = true;
      lastLog = now;
    }
    await clock.sleep(pollMs);
  }
}
