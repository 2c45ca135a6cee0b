/**
 * Posts to the team's incoming webhook. A chat being down must never fail a deployment: every
 * failure is a warning. One retry, for the answers that say "later" (5xx, 429), after the
 * Retry-After the server asks for, within a cap so that a run does not wait on a chat.
 */
import * as core from '@actions/core';
import { errorMessage } from '../errors.js';

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** The longest Retry-After honoured; past it, the retry comes after this. */
export const MAX_RETRY_AFTER_MS = 10_000;
const DEFAULT_RETRY_MS = 1_000;

export interface WebhookDeps {
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
}

const defaultDeps: WebhookDeps = {
  fetch: (...args) => fetch(...args),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Retry-After in seconds or as an HTTP date, capped; the default when absent or unreadable. */
export function retryDelayMs(header: string | null, now = Date.now()): number {
  if (!header) return DEFAULT_RETRY_MS;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : DEFAULT_RETRY_MS;
}

/** Sends one message; true once the webhook took it, false (with a warning) otherwise. */
export async function postWebhook(
  url: URL,
  payload: unknown,
  what: string,
  deps: WebhookDeps = defaultDeps,
): Promise<boolean> {
  const body = JSON.stringify(payload);
  for (let attempt = 1; ; attempt++) {
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
    } catch (error) {
      core.warning(
        `notify-webhook-url: could not send the ${what} message: ${errorMessage(error)}`,
      );
      return false;
    }
    // The body is drained either way, so the connection can be reused or closed.
    const answer = (await response.text().catch(() => '')).slice(0, 200);
    if (response.ok) return true;
    const later = response.status >= 500 || response.status === 429;
    if (later && attempt === 1) {
      await deps.sleep(retryDelayMs(response.headers.get('retry-after')));
      continue;
    }
    core.warning(
      `notify-webhook-url: the ${what} message was refused with HTTP ${response.status}${answer ? ` (${answer})` : ''}${later ? ', after one retry' : ''}`,
    );
    return false;
  }
}
