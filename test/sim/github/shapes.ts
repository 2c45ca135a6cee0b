/**
 * JSON bodies shaped like GitHub's REST API (api.github.com, version 2022-11-28): the fields and
 * nesting Octokit users read, with URLs pointing back at the fake (API) and the web server.
 */
import type {
  CommentRecord,
  PullRecord,
  ReactionRecord,
  RepoRecord,
  Store,
  UserRecord,
} from './store.js';
import { userFor } from './store.js';

export interface Urls {
  /** The fake's base URL, standing in for https://api.github.com. */
  api: string;
  /** The web URL, https://github.com by default. */
  web: string;
}

export const nodeId = (prefix: string, id: number) =>
  `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;

export function userJson(u: UserRecord, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/users/${encodeURIComponent(u.login)}`;
  const isBot = u.type === 'Bot';
  return {
    login: u.login,
    id: u.id,
    node_id: isBot ? `BOT_kgDO${u.id}` : `U_kgDO${u.id}`,
    avatar_url: isBot
      ? `https://avatars.githubusercontent.com/in/15368?v=4`
      : `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: isBot
      ? `${urls.web}/apps/${u.login.replace(/\[bot\]$/, '')}`
      : `${urls.web}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The GitHub App behind GITHUB_TOKEN, as `performed_via_github_app` shows it. */
function actionsApp(urls: Urls) {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: { login: 'github', id: 9919, type: 'Organization', site_admin: false },
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${urls.web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2019-12-10T19:04:12Z',
    permissions: {
      deployments: 'write',
      issues: 'write',
      pull_requests: 'write',
      metadata: 'read',
    },
    events: [],
  };
}

export const viaApp = (u: UserRecord, urls: Urls) =>
  u.login === 'github-actions[bot]' ? actionsApp(urls) : null;

export function repoJson(r: RepoRecord, urls: Urls, fork = false): Record<string, unknown> {
  const full = `${r.owner}/${r.name}`;
  const api = `${urls.api}/repos/${full}`;
  return {
    id: r.id,
    node_id: `R_kgDO${r.id}`,
    name: r.name,
    full_name: full,
    private: r.private,
    owner: userJson(userFor(r.owner), urls),
    html_url: `${urls.web}/${full}`,
    description: null,
    fork,
    url: api,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    deployments_url: `${api}/deployments`,
    git_url: `git://github.com/${full}.git`,
    ssh_url: `git@github.com:${full}.git`,
    clone_url: `${urls.web}/${full}.git`,
    created_at: r.createdAt,
    updated_at: r.createdAt,
    pushed_at: r.createdAt,
    default_branch: r.defaultBranch,
    visibility: r.private ? 'private' : 'public',
    archived: false,
    disabled: false,
    topics: [],
  };
}

export function labelJson(owner: string, repo: string, name: string, urls: Urls) {
  const id =
    5_000_000_000 + (parseInt(Buffer.from(name).toString('hex').slice(0, 7) || '0', 16) % 1e8);
  return {
    id,
    node_id: `LA_kwDO${id}`,
    url: `${urls.api}/repos/${owner}/${repo}/labels/${encodeURIComponent(name)}`,
    name,
    color: 'ededed',
    default: false,
    description: null,
  };
}

function authorAssociation(store: Store, owner: string, repo: string, u: UserRecord): string {
  if (u.login.toLowerCase() === owner.toLowerCase()) return 'OWNER';
  const p = store.explicitPermission(owner, repo, u.login);
  return p && p !== 'none' ? 'COLLABORATOR' : 'NONE';
}

/** A pull request; `full` adds what only GET /pulls/{n} returns (merged, mergeable, counts…). */
export function pullJson(
  store: Store,
  pr: PullRecord,
  urls: Urls,
  full: boolean,
): Record<string, unknown> {
  const full_name = `${pr.owner}/${pr.repo}`;
  const api = `${urls.api}/repos/${full_name}`;
  const web = `${urls.web}/${full_name}`;
  const baseRepo = store.repo(pr.owner, pr.repo);
  const headRepo = pr.fork ? store.repo(pr.headOwner, pr.repo) : baseRepo;
  const json: Record<string, unknown> = {
    url: `${api}/pulls/${pr.number}`,
    id: pr.id,
    node_id: `PR_kwDO${pr.id}`,
    html_url: `${web}/pull/${pr.number}`,
    diff_url: `${web}/pull/${pr.number}.diff`,
    patch_url: `${web}/pull/${pr.number}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${api}/pulls/${pr.number}/commits`,
    review_comments_url: `${api}/pulls/${pr.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${pr.headSha}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(pr.author, urls),
    body: pr.body,
    labels: pr.labels.map((l) => labelJson(pr.owner, pr.repo, l, urls)),
    milestone: null,
    active_lock_reason: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.mergedAt,
    merge_commit_sha: pr.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${pr.headOwner}:${pr.headRef}`,
      ref: pr.headRef,
      sha: pr.headSha,
      user: userJson(userFor(pr.headOwner), urls),
      repo: repoJson(headRepo, urls, pr.fork),
    },
    base: {
      label: `${pr.owner}:${pr.baseRef}`,
      ref: pr.baseRef,
      sha: pr.baseSha,
      user: userJson(userFor(pr.owner), urls),
      repo: repoJson(baseRepo, urls),
    },
    _links: {
      self: { href: `${api}/pulls/${pr.number}` },
      html: { href: `${web}/pull/${pr.number}` },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      statuses: { href: `${api}/statuses/${pr.headSha}` },
    },
    author_association: authorAssociation(store, pr.owner, pr.repo, pr.author),
    auto_merge: null,
    draft: pr.draft,
  };
  if (!full) return json;
  return {
    ...json,
    merged: pr.merged,
    mergeable: pr.state === 'open' ? true : null,
    rebaseable: pr.state === 'open' ? true : null,
    mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
    merged_by: pr.merged ? userJson(userFor(pr.owner), urls) : null,
    comments: store.commentsOf(pr.owner, pr.repo, pr.number).length,
    review_comments: 0,
    maintainer_can_modify: pr.fork,
    commits: 1,
    additions: 1,
    deletions: 1,
    changed_files: 1,
  };
}

const REACTIONS = ['+1', '-1', 'laugh', 'hooray', 'confused', 'heart', 'rocket', 'eyes'] as const;
export const REACTION_CONTENTS: readonly string[] = REACTIONS;

export function commentJson(store: Store, c: CommentRecord, urls: Urls): Record<string, unknown> {
  const full = `${c.owner}/${c.repo}`;
  const isPull = !!store.pull(c.owner, c.repo, c.issue);
  const reactions = store.reactionsOf(c.id);
  const rollup: Record<string, unknown> = {
    url: `${urls.api}/repos/${full}/issues/comments/${c.id}/reactions`,
    total_count: reactions.length,
  };
  for (const r of REACTIONS) rollup[r] = reactions.filter((x) => x.content === r).length;
  return {
    url: `${urls.api}/repos/${full}/issues/comments/${c.id}`,
    html_url: `${urls.web}/${full}/${isPull ? 'pull' : 'issues'}/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${urls.api}/repos/${full}/issues/${c.issue}`,
    id: c.id,
    node_id: nodeId('IC', c.id),
    user: userJson(c.user, urls),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    author_association: authorAssociation(store, c.owner, c.repo, c.user),
    body: c.body,
    reactions: rollup,
    performed_via_github_app: viaApp(c.user, urls),
  };
}

export function reactionJson(r: ReactionRecord, urls: Urls): Record<string, unknown> {
  return {
    id: r.id,
    node_id: nodeId('REA', r.id),
    user: userJson(r.user, urls),
    content: r.content,
    created_at: r.createdAt,
  };
}
