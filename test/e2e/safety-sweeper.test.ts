// Issue 4, item 7: the scheduled sweeper deletes this repository's environments whose PR is
// closed or whose TTL has passed, and leaves every other stack alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleEvent } from '../fixtures/events.js';
import {
  OWNER,
  REPO,
  REPOSITORY,
  errors,
  runAction,
  sha,
  startWorld,
  type ActionRun,
  type World,
} from './harness.js';

const MARKER = '<!-- pr-env:sticky-comment -->';
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let world: World;

/** The newest stack of that name, deleted or not. */
const stackNamed = (name: string) =>
  world.aws
    .stacks()
    .filter((s) => s.name === name)
    .at(-1);

const ours = (pr: number, expiresAt: string) => ({
  'pr-env:repository': REPOSITORY,
  'pr-env:pull-request': String(pr),
  'pr-env:head-sha': sha(pr),
  'pr-env:expires-at': expiresAt,
});

// Every kind of stack a sweep meets in an account: what it must delete, then what it must keep.
const DELETE = {
  closed: { name: `pr-env-${REPO}-pr-501`, pr: 501, why: 'PR #501 is closed' },
  expired: { name: `pr-env-${REPO}-pr-502`, pr: 502, why: 'expired at' },
  merged: { name: `staging-${REPO}-pr-506`, pr: 506, why: 'PR #506 is closed' },
};
const KEEP = {
  openUnexpired: `pr-env-${REPO}-pr-503`,
  openNeverExpires: `pr-env-${REPO}-pr-504`,
  unreadablePr: `pr-env-${REPO}-pr-505`,
  otherRepository: `pr-env-${REPO}-pr-501-other`,
  unmanaged: `pr-env-${REPO}-pr-507`,
  repositoryTagOnly: `shared-${REPO}-network`,
};

let run: ActionRun;
let since: number;
const keptStatus = new Map<string, string>();

beforeAll(async () => {
  // Two stacks a page: the sweeper must follow NextToken to see them all.
  world = await startWorld({ describeStacksPageSize: 2 });
  const now = Date.now();
  const seed = (name: string, tags: Record<string, string>, status = 'CREATE_COMPLETE') =>
    world.aws.seedStack({ name, status, tags });

  seed(DELETE.closed.name, ours(501, iso(now + 48 * HOUR)));
  seed(DELETE.expired.name, ours(502, iso(now - HOUR)), 'UPDATE_COMPLETE');
  seed(DELETE.merged.name, ours(506, 'never'));
  seed(KEEP.openUnexpired, ours(503, iso(now + HOUR)));
  seed(KEEP.openNeverExpires, ours(504, 'never'));
  seed(KEEP.unreadablePr, ours(505, iso(now + HOUR)));
  seed(KEEP.otherRepository, { ...ours(501, iso(now - HOUR)), 'pr-env:repository': 'other/shop' });
  seed(KEEP.unmanaged, { team: 'data' });
  seed(KEEP.repositoryTagOnly, { 'pr-env:repository': REPOSITORY });
  // An environment deleted long ago: already gone, nothing to do or say.
  seed(`pr-env-${REPO}-pr-500`, ours(500, iso(now - HOUR)), 'DELETE_COMPLETE');

  for (const pr of [501, 502, 503, 504, 506, 500]) {
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
  }
  world.gh.setPullRequestState(OWNER, REPO, 501, 'closed');
  world.gh.setPullRequestState(OWNER, REPO, 506, 'merged');
  world.gh.setPullRequestState(OWNER, REPO, 500, 'closed');
  // The sticky comments the deploys left: the sweeper edits them rather than adding more.
  for (const pr of [501, 502, 506]) {
    world.gh.addComment({ owner: OWNER, repo: REPO, issue: pr, body: `${MARKER}\nready` });
  }
  for (const name of Object.values(KEEP)) keptStatus.set(name, stackNamed(name)!.status);

  since = world.aws.calls.length;
  run = await runAction(world, {
    eventName: 'schedule',
    payload: scheduleEvent({ owner: OWNER, repo: REPO }),
    inputs: { deployment: 'false' },
  });
});
afterAll(async () => world?.stop());

describe('the sweeper on a mix of stacks', () => {
  it('succeeds, having read every page of stacks', () => {
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    const pages = world.aws.calls
      .slice(since)
      .filter((c) => c.action === 'DescribeStacks' && c.params.StackName === undefined);
    expect(pages.length).toBeGreaterThanOrEqual(5);
    expect(pages.slice(1).every((c) => typeof c.params.NextToken === 'string')).toBe(true);
  });

  it('deletes the environments of closed PRs and expired ones', () => {
    for (const { name } of Object.values(DELETE)) {
      expect(stackNamed(name)?.status, name).toBe('DELETE_COMPLETE');
    }
  });

  it('leaves every other stack alone: open PRs’, other repositories’, unmanaged ones', () => {
    const untouched = Object.values(KEEP).map((name) => [name, stackNamed(name)?.status]);
    expect(untouched).toEqual(Object.values(KEEP).map((name) => [name, keptStatus.get(name)]));
    const kept = new RegExp(Object.values(KEEP).join('|'));
    const mutating = world.aws.mutatingCalls().filter((c) => kept.test(JSON.stringify(c.params)));
    expect(mutating).toEqual([]);
    // Nothing at all but deletes: the sweeper never creates or updates.
    expect(new Set(world.aws.mutatingCalls().map((c) => c.action))).toEqual(
      new Set(['DeleteStack']),
    );
  });

  it('keeps, with a warning, an environment whose PR it cannot read', () => {
    expect(run.stdout).toMatch(/^::warning::Keeping the environment of #505: /m);
  });

  it('reports what it deleted and kept in the job summary', () => {
    for (const { name, pr, why } of Object.values(DELETE)) {
      const row = run.summary.split('\n').find((line) => line.includes(`\`${name}\``));
      expect(row, name).toContain(`#${pr}`);
      expect(row).toContain(why);
      expect(row).toContain('| deleted |');
    }
    for (const name of [KEEP.openUnexpired, KEEP.openNeverExpires, KEEP.unreadablePr]) {
      const row = run.summary.split('\n').find((line) => line.includes(`\`${name}\``));
      expect(row, name).toContain('| kept |');
    }
    for (const name of [KEEP.otherRepository, KEEP.unmanaged, KEEP.repositoryTagOnly]) {
      expect(run.summary).not.toContain(name);
    }
    expect(run.summary).toContain('3 environment(s) deleted, 3 kept');
  });

  it('tells each swept PR, in its sticky comment, what happened and why', () => {
    for (const { pr, why, name } of Object.values(DELETE)) {
      const comments = world.gh.comments(OWNER, REPO, pr);
      expect(comments).toHaveLength(1);
      expect(comments[0]!.body).toContain('Deleted by the sweeper');
      expect(comments[0]!.body).toContain(why);
      expect(comments[0]!.body).toContain(name);
    }
    for (const pr of [500, 503, 504, 505]) expect(world.gh.comments(OWNER, REPO, pr)).toEqual([]);
  });
});
