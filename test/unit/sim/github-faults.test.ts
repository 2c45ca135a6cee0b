import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { GitHubFake } from '../../sim/github/index.js';
import { testOctokit } from '../../sim/github/octokit.js';

const owner = 'acme';
const repo = 'shop';

describe('GitHubFake: faults as the Octokit plugins see them', () => {
  let gh: GitHubFake;

  beforeAll(async () => {
    gh = await GitHubFake.start();
  });
  afterAll(() => gh.stop());
  beforeEach(() => {
    gh.reset();
    gh.addPullRequest({ owner, repo, number: 1, headSha: 'e'.repeat(40) });
  });

  it('a 502 is retried by plugin-retry and the call succeeds', async () => {
    const octokit = testOctokit(gh, { retryAfterBaseValue: 5 });
    gh.failNext({ method: 'GET', path: /\/pulls\/1$/, status: 502, times: 2 });
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(data.number).toBe(1);
    expect(gh.requests('GET', /\/pulls\/1$/).map((c) => c.status)).toEqual([502, 502, 200]);
    expect(gh.pendingFaults).toBe(0);
  });

  it('gives up after the retry budget and surfaces the last status', async () => {
    const octokit = testOctokit(gh, { retryAfterBaseValue: 1, retries: 2 });
    gh.failNext({ path: /\/comments$/, status: 503, times: 5 });
    await expect(
      octokit.rest.issues.listComments({ owner, repo, issue_number: 1 }),
    ).rejects.toMatchObject({ status: 503 });
    expect(gh.requests('GET', /\/comments$/)).toHaveLength(3);
  });

  it('a dropped connection is a network error that plugin-retry retries', async () => {
    const octokit = testOctokit(gh, { retryAfterBaseValue: 5 });
    gh.failNext({ method: 'POST', path: /\/comments$/, dropConnection: true });
    const res = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 1,
      body: 'once',
    });
    expect(res.status).toBe(201);
    expect(gh.comments(owner, repo, 1).map((c) => c.body)).toEqual(['once']);
    expect(gh.requests('POST', /comments$/).map((c) => c.status)).toEqual([-1, 201]);
  });

  it('a secondary rate limit (403 + retry-after) is honoured by plugin-throttling', async () => {
    const onSecondaryRateLimit = vi.fn(() => true);
    const octokit = testOctokit(gh, { throttle: { onSecondaryRateLimit } });
    gh.secondaryRateLimit({ method: 'POST', path: /comments$/, times: 1, retryAfterSeconds: 1 });
    const started = Date.now();
    const res = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 1,
      body: 'after the limit',
    });
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(onSecondaryRateLimit).toHaveBeenCalledTimes(1);
    expect(onSecondaryRateLimit.mock.calls[0]).toEqual([
      1,
      expect.objectContaining({ method: 'POST' }),
      expect.anything(),
      0,
    ]);
    expect(gh.requests('POST', /comments$/).map((c) => c.status)).toEqual([403, 201]);
    expect(gh.comments(owner, repo, 1)).toHaveLength(1);
  });

  it('a secondary rate limit surfaces as 403 with GitHub’s message when not retried', async () => {
    const octokit = testOctokit(gh, { throttle: { onSecondaryRateLimit: () => false } });
    gh.secondaryRateLimit({ method: 'POST', path: /comments$/, retryAfterSeconds: 60 });
    const err = await octokit.rest.issues
      .createComment({ owner, repo, issue_number: 1, body: 'x' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      status: 403,
      message: expect.stringMatching(/^You have exceeded a secondary rate limit/),
      response: { headers: { 'retry-after': '60' } },
    });
  });

  it('a primary rate limit (x-ratelimit-remaining: 0) waits for the reset', async () => {
    const onRateLimit = vi.fn(() => true);
    const octokit = testOctokit(gh, { throttle: { onRateLimit, retryAfterBaseValue: 50 } });
    gh.primaryRateLimit({ method: 'GET', resetInSeconds: 1 });
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(data.number).toBe(1);
    expect(onRateLimit).toHaveBeenCalledTimes(1);
    const firstArg = (onRateLimit.mock.calls[0] as unknown[])[0] as number;
    expect(firstArg).toBeGreaterThanOrEqual(1);
    expect(firstArg).toBeLessThanOrEqual(3);
    expect(gh.requests('GET', /\/pulls\/1$/).map((c) => c.status)).toEqual([403, 200]);
  });

  it('every answer carries GitHub’s rate-limit headers', async () => {
    const octokit = testOctokit(gh);
    const a = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    const b = await octokit.rest.pulls.get({ owner, repo, pull_number: 1 });
    expect(a.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(b.headers['x-ratelimit-remaining'])).toBe(
      Number(a.headers['x-ratelimit-remaining']) - 1,
    );
  });
});
