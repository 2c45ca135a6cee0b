import * as core from '@actions/core';
import type { getOctokit } from '@actions/github';

export type Octokit = ReturnType<typeof getOctokit>;

/** Retries a rate-limited request at most this many times before giving up with a warning. */
const RATE_LIMIT_RETRIES = 2;
/**
 * The longest wait for a rate limit to lift. The primary limit resets on the hour: a comment is
 * not worth holding the job (and its AWS session) that long, so past this it is given up.
 */
const RATE_LIMIT_MAX_WAIT_SECONDS = 120;

/**
 * An Octokit that retries server errors (plugin-retry) and waits out primary and secondary rate
 * limits (plugin-throttling, which honours `retry-after`) when they lift within two minutes.
 * Loaded on first use: a run that reports nothing never pays for it.
 */
export async function createOctokit(token: string): Promise<Octokit> {
  const [{ getOctokit: make }, { retry }, { throttling }, { default: Bottleneck }] =
    await Promise.all([
      import('@actions/github'),
      import('@octokit/plugin-retry'),
      import('@octokit/plugin-throttling'),
      import('bottleneck/light.js'),
    ]);
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      options: { method: string; url: string } & Record<string, unknown>,
      _octokit: unknown,
      retryCount: number,
    ) => {
      const tooLong = retryAfter > RATE_LIMIT_MAX_WAIT_SECONDS;
      const again = retryCount < RATE_LIMIT_RETRIES && !tooLong;
      const what = again
        ? `retrying in ${retryAfter} s`
        : tooLong
          ? `giving up (it lifts in ${retryAfter} s)`
          : 'giving up';
      core.warning(
        `GitHub ${kind} rate limit on ${options.method} ${requestPath(options)}: ${what}`,
      );
      return again;
    };
  return make(
    token,
    {
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        ...unpacedWrites(Bottleneck),
      },
      retry: { retries: 3 },
    },
    retry,
    throttling,
  );
}

/**
 * plugin-throttling spaces every write a second apart and every comment-creating one three
 * seconds apart, which suits bulk jobs. A run makes a handful of writes (the comment, two or
 * three deployment statuses) at its end, where those gaps would be most of the time the run takes
 * after its stack settles (bench/, issue 14). They stay one at a time, far below GitHub's
 * secondary limit of 80 content-creating requests a minute, and a limit that is hit is still
 * waited out through `retry-after`.
 */
function unpacedWrites(Bottleneck: typeof import('bottleneck').default) {
  const group = (id: string) =>
    new Bottleneck.Group({ id, maxConcurrent: 1, minTime: 0, timeout: 120_000 });
  return { write: group('pr-env-write'), notifications: group('pr-env-notifications') };
}

/** `/repos/{owner}/{repo}/…` with the request's own values, so a warning names the PR it is about. */
function requestPath(options: { url: string } & Record<string, unknown>): string {
  return options.url.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = options[key];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : whole;
  });
}

export interface Repo {
  owner: string;
  repo: string;
}

export function splitRepository(fullName: string): Repo {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo };
}
