/**
 * Access to the real webhook examples of @octokit/webhooks-examples (api.github.com) and the
 * rewrites that move one to another repository, user, label or number consistently (URLs too).
 * Used by test/fixtures/events.ts.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { WebhookDefinition } from '@octokit/webhooks-examples';

export type Obj = Record<string, unknown>;

export function obj(v: unknown, what = 'value'): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new Error(`fixture: ${what} is not an object`);
  return v as Obj;
}

let definitions: WebhookDefinition[] | undefined;

/** A deep copy of a real example: the first for `name` matching `filter`, preferring user-owned repos. */
export function webhookExample(name: string, filter?: string | ((e: Obj) => boolean)): Obj {
  definitions ??= createRequire(import.meta.url)(
    '@octokit/webhooks-examples',
  ) as WebhookDefinition[];
  const all = (definitions.find((d) => d.name === name)?.examples ?? []) as unknown as Obj[];
  const matching = all.filter((e) =>
    filter === undefined ? true : typeof filter === 'string' ? e.action === filter : filter(e),
  );
  const ex = matching.find((e) => !('organization' in e)) ?? matching[0];
  if (!ex)
    throw new Error(`@octokit/webhooks-examples has no ${name} example for ${String(filter)}`);
  return structuredClone(ex);
}

/** A stable positive id or 40-hex sha derived from a string. */
export const stableId = (s: string) => (parseInt(sha(s).slice(0, 8), 16) % 900_000_000) + 1_000_000;
export const sha = (s: string) => createHash('sha1').update(s).digest('hex');

const NAME = /^[A-Za-z0-9_.-]+$/;
const LOGIN = /^[A-Za-z0-9_.\-[\]]+$/;

function check(value: string, re: RegExp, what: string): string {
  if (!re.test(value)) throw new Error(`fixture: invalid ${what} ${JSON.stringify(value)}`);
  return value;
}

/** Replace every occurrence of `from` in the serialised value (URLs, names). */
export function retarget<T>(v: T, from: string | RegExp, to: string): T {
  const text = JSON.stringify(v);
  return JSON.parse(
    typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to),
  ) as T;
}

export function asUser(template: unknown, login: string): Obj {
  const t = obj(template, 'user');
  const id = login === 'github-actions[bot]' ? 41898282 : stableId(`user:${login}`);
  const u = retarget(
    retarget(t, `/${String(t.login)}`, `/${check(login, LOGIN, 'login')}`),
    `/u/${String(t.id)}?`,
    `/u/${id}?`,
  );
  Object.assign(u, { login, id, node_id: Buffer.from(`04:User${id}`).toString('base64') });
  if (login.endsWith('[bot]')) u.type = 'Bot';
  else if (u.type === 'Bot') u.type = 'User';
  if (typeof u.name === 'string') u.name = login;
  if (typeof u.email === 'string') u.email = `${id}+${login}@users.noreply.github.com`;
  return u;
}

export function asRepo(template: unknown, owner: string, name: string, fork = false): Obj {
  const t = obj(template, 'repository');
  const full = `${owner}/${name}`;
  const r = retarget(t, String(t.full_name), full);
  Object.assign(r, { name, full_name: full, owner: asUser(t.owner, owner), fork });
  if (fork) Object.assign(r, { id: stableId(`repo:${full}`), node_id: `R_kgDO${stableId(full)}` });
  return r;
}

export function labelObj(template: unknown, owner: string, repo: string, name: string): Obj {
  const t = obj(template, 'label');
  const id = stableId(`label:${name}`);
  return {
    ...t,
    id,
    node_id: `LA_kwDO${id}`,
    url: `https://api.github.com/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    ...('description' in t && { description: null }),
  };
}

let label: Obj | undefined;
/** The label object of the pull_request.labeled example. */
export const labelTemplate = (): Obj =>
  (label ??= obj(webhookExample('pull_request', 'labeled').label, 'label'));

/** The example moved to owner/repo: every full name and URL rewritten, `repository` re-owned. */
export function inRepo(ex: Obj, owner: string, repo: string): Obj {
  check(owner, NAME, 'owner');
  check(repo, NAME, 'repo');
  const moved = retarget(ex, String(obj(ex.repository).full_name), `${owner}/${repo}`);
  moved.repository = asRepo(moved.repository, owner, repo);
  return moved;
}

export const renumber = (v: Obj, from: number, to: number) =>
  retarget(v, new RegExp(`/(pulls|pull|issues)/${from}(?=[/.#"?])`, 'g'), `/$1/${to}`);
