/**
 * The fake's in-memory state: repositories, pull requests, issue comments, reactions, collaborator
 * permissions and deployments. Plain records; the JSON GitHub would answer is built in shapes.ts.
 */
import { createHash } from 'node:crypto';

export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';
export type UserType = 'User' | 'Bot' | 'Organization';
export type DeploymentState =
  'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface UserRecord {
  login: string;
  id: number;
  type: UserType;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  defaultBranch: string;
  createdAt: string;
}

export interface PullRecord {
  owner: string;
  repo: string;
  number: number;
  id: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  closedAt: string | null;
  mergeCommitSha: string;
  headSha: string;
  headRef: string;
  baseRef: string;
  baseSha: string;
  labels: string[];
  fork: boolean;
  /** Owner of the head repository: the base owner unless the PR comes from a fork. */
  headOwner: string;
  author: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface CommentRecord {
  id: number;
  owner: string;
  repo: string;
  issue: number;
  body: string;
  user: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface ReactionRecord {
  id: number;
  commentId: number;
  content: string;
  user: UserRecord;
  createdAt: string;
}

export interface DeploymentStatusRecord {
  id: number;
  deploymentId: number;
  state: DeploymentState;
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentRecord {
  id: number;
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  task: string;
  payload: unknown;
  environment: string;
  originalEnvironment: string;
  description: string | null;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
  creator: UserRecord;
  createdAt: string;
  updatedAt: string;
  /** Oldest first (the API lists them newest first). */
  statuses: DeploymentStatusRecord[];
}

/** An artifact a workflow run uploaded (actions/upload-artifact v4: an immutable zip). */
export interface ArtifactRecord {
  id: number;
  owner: string;
  repo: string;
  runId: number;
  name: string;
  zip: Buffer;
  headSha: string;
  expired: boolean;
  createdAt: string;
}

/** GitHub's real account for the Actions GITHUB_TOKEN. */
export const ACTIONS_BOT: UserRecord = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' };

/** A stable fake sha (40 hex) for anything GitHub would have a commit for. */
export function fakeSha(...parts: (string | number)[]): string {
  return createHash('sha1').update(parts.join('\0')).digest('hex');
}

export function userFor(login: string, type?: UserType): UserRecord {
  if (login === ACTIONS_BOT.login) return ACTIONS_BOT;
  const id = 1_000_000 + (parseInt(fakeSha('user', login).slice(0, 8), 16) % 90_000_000);
  return { login, id, type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') };
}

/** GitHub timestamps: ISO 8601, second precision, `Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const key = (owner: string, repo: string) => `${owner}/${repo}`.toLowerCase();

export class Store {
  readonly repos = new Map<string, RepoRecord>();
  readonly pulls = new Map<string, PullRecord>();
  readonly comments = new Map<number, CommentRecord>();
  readonly reactions = new Map<number, ReactionRecord>();
  readonly deployments = new Map<number, DeploymentRecord>();
  readonly permissions = new Map<string, Permission>();
  readonly artifacts = new Map<number, ArtifactRecord>();
  private seq = {
    repo: 0,
    pull: 0,
    comment: 0,
    reaction: 0,
    deployment: 0,
    status: 0,
    artifact: 0,
  };

  /** When set, issue comments on a number with no seeded pull request answer 404. */
  strictIssues = false;

  constructor(private readonly clock: () => Date) {}

  issueExists(owner: string, repo: string, n: number): boolean {
    return !this.strictIssues || !!this.pull(owner, repo, n);
  }

  now(): string {
    return isoSeconds(this.clock());
  }

  nextId(kind: keyof Store['seq']): number {
    const base = {
      repo: 700_000_000,
      pull: 1_800_000_000,
      comment: 2_100_000_000,
      reaction: 250_000_000,
      deployment: 1_500_000_000,
      status: 3_200_000_000,
      artifact: 4_100_000_000,
    }[kind];
    return base + ++this.seq[kind];
  }

  /** The repository, created on first reference (public, default branch `main`). */
  repo(owner: string, name: string, init: Partial<RepoRecord> = {}): RepoRecord {
    const k = key(owner, name);
    let r = this.repos.get(k);
    if (!r) {
      r = {
        id: this.nextId('repo'),
        owner,
        name,
        private: false,
        defaultBranch: 'main',
        createdAt: this.now(),
        ...init,
      };
      this.repos.set(k, r);
    } else Object.assign(r, init);
    return r;
  }

  repoById(id: number): RepoRecord | undefined {
    return [...this.repos.values()].find((r) => r.id === id);
  }

  pull(owner: string, repo: string, n: number): PullRecord | undefined {
    return this.pulls.get(`${key(owner, repo)}#${n}`);
  }

  putPull(pr: PullRecord): void {
    this.pulls.set(`${key(pr.owner, pr.repo)}#${pr.number}`, pr);
  }

  pullsOf(owner: string, repo: string): PullRecord[] {
    const k = key(owner, repo);
    return [...this.pulls.values()].filter((p) => key(p.owner, p.repo) === k);
  }

  /** Oldest first, as GitHub lists them. */
  commentsOf(owner: string, repo: string, issue: number): CommentRecord[] {
    const k = key(owner, repo);
    return [...this.comments.values()]
      .filter((c) => c.issue === issue && key(c.owner, c.repo) === k)
      .sort((a, b) => a.id - b.id);
  }

  comment(owner: string, repo: string, id: number): CommentRecord | undefined {
    const c = this.comments.get(id);
    return c && key(c.owner, c.repo) === key(owner, repo) ? c : undefined;
  }

  reactionsOf(commentId: number): ReactionRecord[] {
    return [...this.reactions.values()]
      .filter((r) => r.commentId === commentId)
      .sort((a, b) => a.id - b.id);
  }

  /** Newest first, as GitHub lists them. */
  deploymentsOf(owner: string, repo: string): DeploymentRecord[] {
    const k = key(owner, repo);
    return [...this.deployments.values()]
      .filter((d) => key(d.owner, d.repo) === k)
      .sort((a, b) => b.id - a.id);
  }

  deployment(owner: string, repo: string, id: number): DeploymentRecord | undefined {
    const d = this.deployments.get(id);
    return d && key(d.owner, d.repo) === key(owner, repo) ? d : undefined;
  }

  setPermission(owner: string, repo: string, user: string, p: Permission): void {
    this.permissions.set(`${key(owner, repo)}@${user.toLowerCase()}`, p);
  }

  explicitPermission(owner: string, repo: string, user: string): Permission | undefined {
    return this.permissions.get(`${key(owner, repo)}@${user.toLowerCase()}`);
  }

  /** Explicit grant; else admin for the owner; else `read` on public and `none` on private repos. */
  permission(owner: string, repo: string, user: string): Permission {
    const p = this.explicitPermission(owner, repo, user);
    if (p) return p;
    if (user.toLowerCase() === owner.toLowerCase()) return 'admin';
    return this.repo(owner, repo).private ? 'none' : 'read';
  }

  /** The commit a ref names: a sha, a PR's head or base branch, `refs/pull/N/head`, or a stable fake. */
  resolveRef(owner: string, repo: string, ref: string): string {
    if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
    const pull = /^refs\/pull\/(\d+)\/(head|merge)$/.exec(ref);
    if (pull) {
      const pr = this.pull(owner, repo, Number(pull[1]));
      if (pr) return pull[2] === 'head' ? pr.headSha : pr.mergeCommitSha;
    }
    const branch = ref.replace(/^refs\/heads\//, '');
    const prs = this.pullsOf(owner, repo).sort((a, b) => b.number - a.number);
    const head = prs.find((p) => p.headRef === branch && !p.fork);
    if (head) return head.headSha;
    const base = prs.find((p) => p.baseRef === branch);
    if (base) return base.baseSha;
    return fakeSha(owner, repo, branch);
  }
}
