/**
 * A fake GitHub REST API for tests: an HTTP server on 127.0.0.1 that Octokit (with the retry and
 * throttling plugins) talks to through `GITHUB_API_URL`. State is seeded and inspected in-process.
 *
 *   const gh = await GitHubFake.start();
 *   gh.addPullRequest({ owner: 'o', repo: 'r', number: 7, headSha: 'abc…' });
 *   … run the action with GITHUB_API_URL=gh.url …
 *   gh.comments('o', 'r', 7); gh.deployments('o', 'r'); gh.calls;
 *   await gh.stop();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FailNextOptions,
  PrimaryRateLimitOptions,
  SecondaryRateLimitOptions,
} from './faults.js';
import { Faults, failNextFault, primaryRateLimitFault, secondaryRateLimitFault } from './faults.js';
import { Router } from './http.js';
import { artifactRoutes, BLOB_PREFIX } from './routes/artifacts.js';
import { collaboratorRoutes } from './routes/collaborators.js';
import { commentRoutes } from './routes/comments.js';
import { deploymentRoutes } from './routes/deployments.js';
import { pullRoutes } from './routes/pulls.js';
import type { RecordedCall } from './server.js';
import { createHandler } from './server.js';
import type { Urls } from './shapes.js';
import type {
  ArtifactRecord,
  CommentRecord,
  DeploymentRecord,
  Permission,
  PullRecord,
  ReactionRecord,
  RepoRecord,
  UserRecord,
  UserType,
} from './store.js';
import type { AddCommentOptions, AddPullRequestOptions, UpdatePullRequestOptions } from './seed.js';
import { addComment, addPullRequest, setPullRequestState, updatePullRequest } from './seed.js';
import { ACTIONS_BOT, Store, userFor } from './store.js';

export type * from './store.js';
export type * from './faults.js';
export type * from './seed.js';
export type { RecordedCall } from './server.js';
export { ACTIONS_BOT, fakeSha } from './store.js';
export { MAX_COMMENT_BODY } from './routes/comments.js';
export { testOctokit, unthrottledGroup } from './octokit.js';
export type { TestOctokitOptions } from './octokit.js';

export interface GitHubFakeOptions {
  /** The web URL used in `html_url`s; https://github.com by default. */
  serverUrl?: string;
  /** Clock for created_at/updated_at; the real time by default. */
  now?: () => Date;
  /** Answer 404 to issue comments on numbers with no seeded pull request (lenient by default). */
  strictIssues?: boolean;
  /** Accept only these tokens (others get 401 Bad credentials); any token by default. */
  tokens?: string[];
}

export class GitHubFake {
  /** Every request answered (or dropped), in order. */
  readonly calls: RecordedCall[] = [];
  private readonly store: Store;
  private readonly faults = new Faults();
  private readonly tokenUsers = new Map<string, UserRecord>();
  private server!: Server;
  private baseUrl = '';

  private constructor(opts: GitHubFakeOptions) {
    this.store = new Store(opts.now ?? (() => new Date()));
    this.store.strictIssues = !!opts.strictIssues;
  }

  static async start(opts: GitHubFakeOptions = {}): Promise<GitHubFake> {
    const gh = new GitHubFake(opts);
    const router = new Router();
    pullRoutes(router);
    commentRoutes(router);
    deploymentRoutes(router);
    collaboratorRoutes(router);
    artifactRoutes(router);
    const urls = (): Urls => ({ api: gh.url, web: opts.serverUrl ?? 'https://github.com' });
    const handler = createHandler({
      store: gh.store,
      router,
      faults: gh.faults,
      urls,
      calls: gh.calls,
      blob: (path) =>
        path.startsWith(BLOB_PREFIX)
          ? gh.store.artifacts.get(Number(path.slice(BLOB_PREFIX.length)))?.zip
          : undefined,
      identity: (t) =>
        opts.tokens && !opts.tokens.includes(t) ? undefined : (gh.tokenUsers.get(t) ?? ACTIONS_BOT),
    });
    gh.server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve, reject) => {
      gh.server.once('error', reject);
      gh.server.listen(0, '127.0.0.1', () => resolve());
    });
    gh.baseUrl = `http://127.0.0.1:${(gh.server.address() as AddressInfo).port}`;
    return gh;
  }

  /** Base URL to use as GITHUB_API_URL / Octokit's baseUrl (no trailing slash). */
  get url(): string {
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Forget all state, calls and armed faults. */
  reset(): void {
    const s = this.store;
    for (const m of [
      s.repos,
      s.pulls,
      s.comments,
      s.reactions,
      s.deployments,
      s.permissions,
      s.artifacts,
    ])
      m.clear();
    this.calls.length = 0;
    this.faults.clear();
    this.tokenUsers.clear();
  }

  // ---- seeding -------------------------------------------------------------------------------

  addRepository(o: {
    owner: string;
    repo: string;
    private?: boolean;
    defaultBranch?: string;
  }): RepoRecord {
    const init: Partial<RepoRecord> = {};
    if (o.private !== undefined) init.private = o.private;
    if (o.defaultBranch !== undefined) init.defaultBranch = o.defaultBranch;
    return this.store.repo(o.owner, o.repo, init);
  }

  addPullRequest(o: AddPullRequestOptions): PullRecord {
    return addPullRequest(this.store, o);
  }

  /** Close, merge (closes too) or reopen a pull request. */
  setPullRequestState(
    owner: string,
    repo: string,
    number: number,
    state: 'open' | 'closed' | 'merged',
  ): PullRecord {
    return setPullRequestState(this.store, owner, repo, number, state);
  }

  /** Move the head (a push), relabel, retitle… */
  updatePullRequest(o: UpdatePullRequestOptions): PullRecord {
    return updatePullRequest(this.store, o);
  }

  /** An artifact of workflow run `runId`, as actions/upload-artifact leaves it: a zip. */
  addArtifact(o: {
    owner: string;
    repo: string;
    runId: number;
    name: string;
    zip: Buffer;
    headSha?: string;
    expired?: boolean;
  }): ArtifactRecord {
    const repo = this.store.repo(o.owner, o.repo);
    const record: ArtifactRecord = {
      id: this.store.nextId('artifact'),
      owner: repo.owner,
      repo: repo.name,
      runId: o.runId,
      name: o.name,
      zip: o.zip,
      headSha: o.headSha ?? '0'.repeat(40),
      expired: !!o.expired,
      createdAt: this.store.now(),
    };
    this.store.artifacts.set(record.id, record);
    return record;
  }

  addComment(o: AddCommentOptions): CommentRecord {
    return addComment(this.store, o);
  }

  setPermission(owner: string, repo: string, user: string, permission: Permission): void {
    this.store.setPermission(owner, repo, user, permission);
  }

  /** Requests with this token act as `login` (default: every token is github-actions[bot]). */
  setTokenIdentity(token: string, login: string, type?: UserType): void {
    this.tokenUsers.set(token, userFor(login, type));
  }

  // ---- inspection ----------------------------------------------------------------------------

  pullRequest(owner: string, repo: string, number: number): PullRecord | undefined {
    return this.store.pull(owner, repo, number);
  }

  /** The issue's comments, oldest first. */
  comments(owner: string, repo: string, issue: number): CommentRecord[] {
    return this.store.commentsOf(owner, repo, issue);
  }

  /** Deployments, oldest first, each with `statuses` oldest first. */
  deployments(owner: string, repo: string): DeploymentRecord[] {
    return this.store.deploymentsOf(owner, repo).reverse();
  }

  reactions(commentId: number): ReactionRecord[] {
    return this.store.reactionsOf(commentId);
  }

  /** Recorded calls filtered by method and path. */
  requests(method?: string, path?: RegExp | string): RecordedCall[] {
    return this.calls.filter(
      (c) =>
        (!method || c.method === method.toUpperCase()) &&
        (path === undefined || (typeof path === 'string' ? c.path === path : path.test(c.path))),
    );
  }

  // ---- faults --------------------------------------------------------------------------------

  /** The next matching request(s) fail with `status` (502 by default). */
  failNext(o: FailNextOptions = {}): void {
    this.faults.add(failNextFault(o));
  }

  /** The next matching request(s) get 403 "You have exceeded a secondary rate limit…". */
  secondaryRateLimit(o: SecondaryRateLimitOptions = {}): void {
    this.faults.add(secondaryRateLimitFault(o));
  }

  /** The next matching request(s) get 403 with `x-ratelimit-remaining: 0`. */
  primaryRateLimit(o: PrimaryRateLimitOptions = {}): void {
    this.faults.add(primaryRateLimitFault(o));
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Armed fault occurrences not yet consumed. */
  get pendingFaults(): number {
    return this.faults.pending;
  }
}
