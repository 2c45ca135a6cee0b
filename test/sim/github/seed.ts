/** Seeding the fake's state directly, as if things had happened on GitHub before the test. */
import type { CommentRecord, PullRecord, Store, UserType } from './store.js';
import { ACTIONS_BOT, fakeSha, isoSeconds, userFor } from './store.js';

export interface AddPullRequestOptions {
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  draft?: boolean;
  headRef?: string;
  baseRef?: string;
  baseSha?: string;
  labels?: string[];
  /** The head is a fork owned by `forkOwner` (default `fork-owner`). */
  fork?: boolean;
  forkOwner?: string;
  /** PR author's login; the fork owner for forks, else `octocat`. */
  author?: string;
  title?: string;
  body?: string;
}

export interface AddCommentOptions {
  owner: string;
  repo: string;
  issue: number;
  body: string;
  /** Author's login; github-actions[bot] by default. A login ending in `[bot]` is a Bot. */
  user?: string;
  userType?: UserType;
  createdAt?: Date;
}

export interface UpdatePullRequestOptions {
  owner: string;
  repo: string;
  number: number;
  headSha?: string;
  labels?: string[];
  title?: string;
  body?: string;
  draft?: boolean;
}

export function addPullRequest(store: Store, o: AddPullRequestOptions): PullRecord {
  const repo = store.repo(o.owner, o.repo);
  const now = store.now();
  const forkOwner = o.fork ? (o.forkOwner ?? 'fork-owner') : repo.owner;
  const baseRef = o.baseRef ?? repo.defaultBranch;
  const pr: PullRecord = {
    owner: repo.owner,
    repo: repo.name,
    number: o.number,
    id: store.nextId('pull'),
    title: o.title ?? `Pull request #${o.number}`,
    body: o.body ?? '',
    state: o.state ?? 'open',
    draft: o.draft ?? false,
    merged: false,
    mergedAt: null,
    closedAt: null,
    mergeCommitSha: fakeSha(repo.owner, repo.name, 'merge', o.number, o.headSha),
    headSha: o.headSha,
    headRef: o.headRef ?? `feature-${o.number}`,
    baseRef,
    baseSha: o.baseSha ?? fakeSha(repo.owner, repo.name, baseRef),
    labels: [...(o.labels ?? [])],
    fork: !!o.fork,
    headOwner: forkOwner,
    author: userFor(o.author ?? (o.fork ? forkOwner : 'octocat')),
    createdAt: now,
    updatedAt: now,
  };
  if (o.fork) store.repo(forkOwner, repo.name);
  store.putPull(pr);
  if (pr.state === 'closed' || o.merged)
    setPullRequestState(store, o.owner, o.repo, o.number, o.merged ? 'merged' : 'closed');
  return pr;
}

export function setPullRequestState(
  store: Store,
  owner: string,
  repo: string,
  number: number,
  state: 'open' | 'closed' | 'merged',
): PullRecord {
  const pr = mustPull(store, owner, repo, number);
  const now = store.now();
  pr.state = state === 'open' ? 'open' : 'closed';
  pr.merged = state === 'merged';
  pr.mergedAt = state === 'merged' ? now : null;
  pr.closedAt = state === 'open' ? null : now;
  pr.updatedAt = now;
  return pr;
}

export function updatePullRequest(store: Store, o: UpdatePullRequestOptions): PullRecord {
  const pr = mustPull(store, o.owner, o.repo, o.number);
  if (o.headSha !== undefined) {
    pr.headSha = o.headSha;
    pr.mergeCommitSha = fakeSha(pr.owner, pr.repo, 'merge', pr.number, o.headSha);
  }
  if (o.labels !== undefined) pr.labels = [...o.labels];
  if (o.title !== undefined) pr.title = o.title;
  if (o.body !== undefined) pr.body = o.body;
  if (o.draft !== undefined) pr.draft = o.draft;
  pr.updatedAt = store.now();
  return pr;
}

export function addComment(store: Store, o: AddCommentOptions): CommentRecord {
  const repo = store.repo(o.owner, o.repo);
  const at = o.createdAt ? isoSeconds(o.createdAt) : store.now();
  const c: CommentRecord = {
    id: store.nextId('comment'),
    owner: repo.owner,
    repo: repo.name,
    issue: o.issue,
    body: o.body,
    user: userFor(o.user ?? ACTIONS_BOT.login, o.userType),
    createdAt: at,
    updatedAt: at,
  };
  store.comments.set(c.id, c);
  return c;
}

function mustPull(store: Store, owner: string, repo: string, number: number): PullRecord {
  const pr = store.pull(owner, repo, number);
  if (!pr) throw new Error(`GitHubFake: no pull request ${owner}/${repo}#${number}`);
  return pr;
}
