/**
 * notify-webhook-url: an incoming webhook's address, which is a credential (anyone holding it
 * may post to the channel). https only; plain http only to this machine, for a local relay or a
 * test server, so that a message never crosses a network in the clear.
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The URL, or a message saying what is wrong with it; the message never repeats the URL. */
export function parseWebhookUrl(raw: string): { url: URL } | { problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'is not a URL: expected https://hooks.slack.com/services/… (from a secret)' };
  }
  if (url.protocol === 'https:') return { url };
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return { url };
  return {
    problem: `uses ${url.protocol.replace(':', '')}: expected an https URL (http only to 127.0.0.1, localhost or [::1])`,
  };
}
