import { createHash, randomBytes } from 'node:crypto';

/** CloudFormation: a letter, then letters, digits and hyphens, at most 128 characters. */
export const STACK_NAME_MAX = 128;

export const TAG = {
  repository: 'pr-env:repository',
  pullRequest: 'pr-env:pull-request',
  headSha: 'pr-env:head-sha',
  expiresAt: 'pr-env:expires-at',
} as const;

function sanitise(text: string): string {
  return text
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `<prefix>-<repo>-pr-<n>`, valid for CloudFormation whatever the repository is called. A repository
 * name too long to fit is cut and given a short hash of the full name, so two long names that
 * share a beginning still get different stacks.
 */
export function stackName(prefix: string, repo: string, pr: number): string {
  const head = sanitise(prefix) || 'pr-env';
  const tail = `-pr-${pr}`;
  const name = sanitise(repo) || 'repo';
  const room = STACK_NAME_MAX - head.length - tail.length - 1;
  if (name.length <= room) return `${head}-${name}${tail}`;
  const hash = createHash('sha256').update(repo).digest('hex').slice(0, 8);
  const cut = name.slice(0, room - hash.length - 1).replace(/-+$/, '');
  return `${head}-${cut}-${hash}${tail}`;
}

/** The GitHub deployment environment of a PR. */
export function environmentName(pr: number): string {
  return `pr-${pr}`;
}

/** When an environment created now expires, as an ISO timestamp, or `never` for a TTL of 0. */
export function expiresAt(now: Date, ttlHours: number): string {
  if (ttlHours <= 0) return 'never';
  return new Date(now.getTime() + ttlHours * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The expiry after `/pr-env extend [hours]`: `hours` more than the current expiry, or than now for
 * one already past (an environment the sweeper has not reached yet). An environment that never
 * expires keeps never. Pure.
 */
export function extendedExpiry(current: string | undefined, now: Date, hours: number): string {
  if (current === 'never') return 'never';
  const at = Date.parse(current ?? '');
  const base = Number.isFinite(at) && at > now.getTime() ? new Date(at) : now;
  return expiresAt(base, hours);
}

export interface TagInput {
  repository: string;
  pr: number;
  headSha: string;
  expiresAt: string;
  extra: Record<string, string>;
}

/** The stack's tags: the ownership tags the guard checks, then the user's own. */
export function stackTags(input: TagInput): { Key: string; Value: string }[] {
  return [
    { Key: TAG.repository, Value: input.repository },
    { Key: TAG.pullRequest, Value: String(input.pr) },
    { Key: TAG.headSha, Value: input.headSha },
    { Key: TAG.expiresAt, Value: input.expiresAt },
    ...Object.entries(input.extra).map(([Key, Value]) => ({ Key, Value })),
  ];
}

/**
 * A name no other run will pick: change-set names and client request tokens must be unique per
 * operation (a fixed name collides with a change set an earlier, cancelled run left behind).
 * Both allow letters, digits and hyphens, starting with a letter.
 */
export function uniqueName(kind: string, runId: string | number | undefined): string {
  const run = runId ? `-${sanitise(String(runId))}` : '';
  return `pr-env-${kind}${run}-${randomBytes(4).toString('hex')}`.slice(0, 128);
}
