import { afterEach, describe, expect, it, vi } from 'vitest';
import { changesOf, webhookPayload } from '../../../src/notify/message.js';
import { parseWebhookUrl } from '../../../src/notify/url.js';
import { postWebhook, retryDelayMs, MAX_RETRY_AFTER_MS } from '../../../src/notify/webhook.js';
import type { RunReport } from '../../../src/report/report.js';

const at = new Date('2026-12-03T09:00:00Z');
const report = (over: Partial<RunReport>): RunReport => ({
  intent: 'deploy',
  outcome: 'success',
  repository: 'octo-org/shop',
  prNumber: 7,
  stackName: 'pr-env-shop-pr-7',
  outputs: {},
  startedAt: at,
  finishedAt: at,
  ...over,
});

describe('changesOf: one message per change of state', () => {
  it('a create is ready, with its URL; an update or a no-op changes nothing', () => {
    expect(
      changesOf(report({ operation: 'create', environmentUrl: 'http://shop-7.elb.amazonaws.com' })),
    ).toEqual([
      {
        change: 'ready',
        pr: 7,
        stackName: 'pr-env-shop-pr-7',
        url: 'http://shop-7.elb.amazonaws.com',
      },
    ]);
    expect(changesOf(report({ operation: 'update' }))).toEqual([]);
    // A push to a sleeping environment wakes it.
    expect(changesOf(report({ operation: 'update', wokeForDeploy: true }))).toEqual([
      expect.objectContaining({ change: 'woken', detail: 'woken by a push' }),
    ]);
    expect(changesOf(report({ operation: 'none' }))).toEqual([]);
  });

  it('a failure carries its root cause, or the error when there is none', () => {
    const failed = report({
      outcome: 'failure',
      error: 'Stack failed',
      rootCause: {
        logicalId: 'DBCluster',
        resourceType: 'AWS::RDS::DBCluster',
        status: 'CREATE_FAILED',
        reason: 'DBSnapshot not found',
      },
    });
    expect(changesOf(failed)).toEqual([
      expect.objectContaining({
        change: 'failed',
        detail: expect.stringContaining('DBSnapshot not found'),
      }),
    ]);
    expect(changesOf(report({ outcome: 'failure', error: 'Preflight: no room' }))).toEqual([
      expect.objectContaining({ change: 'failed', detail: 'Preflight: no room' }),
    ]);
    // A plan or a skipped run changes no environment, failed or not.
    expect(changesOf(report({ intent: 'plan', outcome: 'failure', error: 'x' }))).toEqual([]);
  });

  it('destroyed, asleep and woken; a sweep tells each environment it deleted or put to sleep', () => {
    expect(changesOf(report({ intent: 'destroy', operation: 'delete' }))[0]?.change).toBe(
      'destroyed',
    );
    expect(changesOf(report({ intent: 'destroy', operation: 'none' }))).toEqual([]);
    expect(changesOf(report({ intent: 'sleep' }))[0]?.change).toBe('asleep');
    expect(changesOf(report({ intent: 'wake', environmentUrl: 'http://x' }))[0]).toMatchObject({
      change: 'woken',
      url: 'http://x',
    });
    const sweep = report({
      intent: 'sweep',
      prNumber: undefined,
      sweep: [
        { stackName: 's-1', pr: 1, action: 'delete', reason: 'PR closed', outcome: 'deleted' },
        { stackName: 's-2', pr: 2, action: 'sleep', reason: 'no push for 8 h', outcome: 'asleep' },
        { stackName: 's-3', pr: 3, action: 'keep', reason: 'active', outcome: 'kept' },
        { stackName: 's-4', pr: 4, action: 'delete', reason: 'expired', outcome: 'failed' },
      ],
    });
    expect(changesOf(sweep)).toEqual([
      { change: 'destroyed', pr: 1, stackName: 's-1', detail: 'PR closed' },
      { change: 'asleep', pr: 2, stackName: 's-2', detail: 'no push for 8 h' },
    ]);
  });
});

describe('webhookPayload (Slack incoming-webhook format)', () => {
  it('has text for notifications and a block naming the PR, the state, the URL and the run', () => {
    const payload = webhookPayload(
      { change: 'ready', pr: 7, stackName: 'pr-env-shop-pr-7', url: 'http://shop.example' },
      'octo-org/shop',
      { title: 'Add <checkout> & cart', url: 'https://github.com/octo-org/shop/pull/7' },
      'https://github.com/octo-org/shop/actions/runs/1',
    );
    expect(payload.text).toBe('octo-org/shop#7: Add <checkout> & cart: environment ready');
    expect(payload.blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            '*<https://github.com/octo-org/shop/pull/7|octo-org/shop#7>*: Add &lt;checkout&gt; &amp; cart',
            'Environment :white_check_mark: ready (`pr-env-shop-pr-7`)',
            '<http://shop.example|http://shop.example>',
          ].join('\n'),
        },
      },
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '<https://github.com/octo-org/shop/actions/runs/1|The run>' },
        ],
      },
    ]);
  });

  it('quotes a failure’s root cause', () => {
    const payload = webhookPayload(
      { change: 'failed', pr: 7, detail: 'DBCluster: snapshot not found' },
      'octo-org/shop',
      { url: 'https://github.com/octo-org/shop/pull/7' },
    );
    expect(payload.text).toBe('octo-org/shop#7: environment failed');
    expect(JSON.stringify(payload.blocks)).toContain('> DBCluster: snapshot not found');
  });
});

describe('parseWebhookUrl', () => {
  it('takes https, and http only to a loopback address', () => {
    expect('url' in parseWebhookUrl('https://hooks.slack.com/services/T0/B0/xyz')).toBe(true);
    expect('url' in parseWebhookUrl('http://127.0.0.1:8080/hook')).toBe(true);
    expect('url' in parseWebhookUrl('http://localhost/hook')).toBe(true);
    expect('url' in parseWebhookUrl('http://[::1]:9/hook')).toBe(true);
  });

  it('refuses anything else without repeating the URL (it is a credential)', () => {
    const plain = parseWebhookUrl('http://hooks.example.com/secret-token');
    expect(plain).toEqual({
      problem: 'uses http: expected an https URL (http only to 127.0.0.1, localhost or [::1])',
    });
    const junk = parseWebhookUrl('not a url secret-token');
    expect('problem' in junk && junk.problem).not.toContain('secret-token');
    expect('problem' in parseWebhookUrl('ftp://127.0.0.1/x')).toBe(true);
  });
});

describe('postWebhook', () => {
  const url = new URL('https://hooks.example.com/services/T/B/secret');
  const answer = (status: number, headers: Record<string, string> = {}) =>
    new Response(status === 200 ? 'ok' : 'no', { status, headers });
  afterEach(() => vi.restoreAllMocks());

  it('posts JSON once when the webhook takes it', async () => {
    const fetch = vi.fn(async () => answer(200));
    const sleep = vi.fn(async () => {});
    expect(await postWebhook(url, { text: 'hi' }, 'ready', { fetch, sleep })).toBe(true);
    expect(fetch).toHaveBeenCalledTimes(1);
    const [, init] = fetch.mock.calls[0] as unknown as [URL, RequestInit];
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ text: 'hi' });
    expect(sleep).not.toHaveBeenCalled();
  });

  it('retries once on 429 after Retry-After, and on 5xx; then warns without failing', async () => {
    const warnings: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      warnings.push(String(chunk));
      return true;
    });
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(answer(429, { 'retry-after': '3' }))
      .mockResolvedValueOnce(answer(200));
    const sleep = vi.fn(async () => {});
    expect(await postWebhook(url, {}, 'ready', { fetch, sleep })).toBe(true);
    expect(sleep).toHaveBeenCalledWith(3000);

    const failing = vi.fn(async () => answer(500));
    expect(await postWebhook(url, {}, 'failed', { fetch: failing, sleep })).toBe(false);
    expect(failing).toHaveBeenCalledTimes(2);
    expect(warnings.join('')).toContain(
      '::warning::notify-webhook-url: the failed message was refused with HTTP 500 (no), after one retry',
    );
    expect(warnings.join('')).not.toContain('secret');
  });

  it('does not retry a 4xx other than 429, nor a network failure', async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const refused = vi.fn(async () => answer(404));
    const sleep = vi.fn(async () => {});
    expect(await postWebhook(url, {}, 'ready', { fetch: refused, sleep })).toBe(false);
    expect(refused).toHaveBeenCalledTimes(1);
    const down = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });
    expect(await postWebhook(url, {}, 'ready', { fetch: down, sleep })).toBe(false);
    expect(down).toHaveBeenCalledTimes(1);
  });

  it('reads Retry-After as seconds or a date, within a cap', () => {
    expect(retryDelayMs(null)).toBe(1000);
    expect(retryDelayMs('2')).toBe(2000);
    expect(retryDelayMs('3600')).toBe(MAX_RETRY_AFTER_MS);
    const now = Date.parse('2026-12-03T09:00:00Z');
    expect(retryDelayMs('Thu, 03 Dec 2026 09:00:05 GMT', now)).toBe(5000);
    expect(retryDelayMs('soon')).toBe(1000);
  });
});
