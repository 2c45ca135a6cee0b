// Issue 6, item 1: ChatOps. Each command from a writer, run through an issue_comment event against
// the simulators; a reader refused; help and unknown commands answered; bots, edits and plain
// issues ignored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER, OWNER, REPO, comment, errors, sha, startWorld, type World } from './harness.js';

const MARKER = '<!-- pr-env:sticky-comment -->';
const PR = 31;
const STACK = `pr-env-${REPO}-pr-${PR}`;
const HOUR = 3_600_000;

let world: World;

beforeAll(async () => {
  world = await startWorld({ resourceDelayMs: 5, changeSetDelayMs: 5 });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 5 * HOUR),
  });
  world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: PR, headSha: sha(310) });
  world.gh.setPermission(OWNER, REPO, 'alice', 'write');
  world.gh.setPermission(OWNER, REPO, 'bob', 'read');
});
afterAll(async () => world?.stop());

const sticky = () => world.gh.comments(OWNER, REPO, PR).filter((c) => c.body.includes(MARKER));
const replies = () =>
  world.gh.comments(OWNER, REPO, PR).filter((c) => c.body.includes('<!-- pr-env:reply -->'));

function say(
  body: string,
  user = 'alice',
  event: { isPullRequest?: boolean; authorAssociation?: string } = {},
) {
  // GitHub deployments are another test's subject; their writes only slow this one down.
  const inputs = { 'source-db-cluster': CLUSTER, deployment: 'false' };
  return comment(world, { pr: PR, body, user, event, inputs });
}

describe('commands from a user with write access', () => {
  it('plan: shows the change set of a create, creating nothing', async () => {
    const { run, reactions } = await say('Can we see it first?\n/pr-env plan');
    expect(errors(run)).toEqual([]);
    expect(reactions()).toEqual(['+1']);
    expect(world.aws.stack(STACK)).toBeUndefined();
    expect(run.outputs['has-changes']).toBe('true');
    const [comment] = sticky();
    expect(comment?.body).toContain('📋 pr-env: plan for #31');
    expect(comment?.body).toContain('**Command**: [`/pr-env plan`]');
    expect(comment?.body).toContain('by @alice');
  });

  it('deploy: creates the environment at the head read from the API, with its cost', async () => {
    const { run, reactions } = await say('/pr-env deploy');
    expect(errors(run)).toEqual([]);
    expect(reactions()).toEqual(['+1']);
    expect(world.gh.requests('GET', `/repos/${OWNER}/${REPO}/pulls/${PR}`).length).toBeGreaterThan(
      0,
    );
    const stack = world.aws.stack(STACK);
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect(stack?.parameters.AppVersion).toBe(sha(310));
    const body = sticky()[0]?.body ?? '';
    expect(body).toContain('✅ pr-env: environment ready for #31');
    expect(body).toContain('**Environment**: ☀️ **awake**');
    expect(body).toContain('awake **$0.2589/h** ($6.21/day) ← now');
    expect(body).toContain('**Command**: [`/pr-env deploy`]');
    expect(sticky()).toHaveLength(1);
  });

  it('refresh-data: moves the database to the newest snapshot', async () => {
    world.aws.addSnapshot({
      cluster: CLUSTER,
      id: 'rds:prod-db-2026-11-23-03-00',
      createdAt: new Date(Date.now() - HOUR),
    });
    const before = world.aws.stack(STACK)?.parameters.DBSnapshotIdentifier;
    const { run, reactions } = await say('/pr-env refresh-data');
    expect(errors(run)).toEqual([]);
    expect(reactions()).toEqual(['+1']);
    expect(before).toMatch(/rds:prod-db-2026-11-22-03-00$/);
    expect(world.aws.stack(STACK)?.parameters.DBSnapshotIdentifier).toMatch(
      /rds:prod-db-2026-11-23-03-00$/,
    );
    expect(sticky()[0]?.body).toContain('the newest available snapshot');
  });

  it('extend N: adds N hours to the expiry the environment has', async () => {
    const before = Date.parse(world.aws.stack(STACK)?.tags['pr-env:expires-at'] ?? '');
    expect(before).toBeGreaterThan(Date.now());
    const { run, reactions } = await say('/pr-env extend 100');
    expect(errors(run)).toEqual([]);
    expect(reactions()).toEqual(['+1']);
    const expires = Date.parse(world.aws.stack(STACK)?.tags['pr-env:expires-at'] ?? '');
    expect(expires).toBe(before + 100 * HOUR);
    // Tags only: the template, the parameters and the version stay.
    expect(world.aws.stack(STACK)?.parameters.AppVersion).toBe(sha(310));
    const body = sticky()[0]?.body ?? '';
    expect(body).toContain('⏳ pr-env: expiry extended for #31');
    expect(body).toContain(
      `Expiry moved to ${new Date(expires).toISOString().replace('.000', '')} (100 h after ${new Date(before).toISOString().replace('.000', '')})`,
    );
  });

  it('extend: with no hours, adds ttl-hours (the default TTL, 72 h) to the expiry', async () => {
    const before = Date.parse(world.aws.stack(STACK)?.tags['pr-env:expires-at'] ?? '');
    const { run } = await say('/pr-env extend');
    expect(errors(run)).toEqual([]);
    const expires = Date.parse(world.aws.stack(STACK)?.tags['pr-env:expires-at'] ?? '');
    expect(expires).toBe(before + 72 * HOUR);
  });

  it('help: answers the commenter, leaving the sticky comment alone', async () => {
    const stickyBefore = sticky()[0]?.body;
    const { run, reactions } = await say('/pr-env help');
    expect(errors(run)).toEqual([]);
    expect(reactions()).toEqual(['+1']);
    expect(replies().at(-1)?.body).toContain('`/pr-env extend [hours]`');
    expect(sticky()[0]?.body).toBe(stickyBefore);
  });

  it('an unknown command gets the help text with the problem, and 👎', async () => {
    const { run, reactions } = await say('/pr-env frobnicate');
    expect(run.exitCode).toBe(0);
    expect(reactions()).toEqual(['-1']);
    expect(replies().at(-1)?.body).toContain(
      '⚠️ `frobnicate` is not a pr-env command: expected one of `deploy`',
    );
  });

  it('destroy: deletes the environment and says so', async () => {
    const { run, reactions } = await say('/pr-env destroy');
    expect(errors(run)).toEqual([]);
    expect(reactions()).toEqual(['+1']);
    expect(world.aws.stack(STACK)).toBeUndefined();
    expect(sticky()[0]?.body).toContain('🧹 pr-env: environment destroyed for #31');
  });
});

describe('who may run commands', () => {
  it.each([
    // bob's comment claims OWNER: pr-env asks the API, never the comment's author_association.
    ['bob', 'read', 'OWNER'],
  ])('refuses %s (%s) politely, changing nothing', async (user, role, authorAssociation) => {
    const mutating = world.aws.mutatingCalls().length;
    const stickyBefore = sticky()[0]?.body;
    const { run, reactions } = await say('/pr-env deploy', user, { authorAssociation });
    expect(run.exitCode).toBe(0);
    expect(reactions()).toEqual(['-1']);
    expect(world.aws.mutatingCalls().length).toBe(mutating);
    expect(
      world.gh.requests('GET', `/repos/${OWNER}/${REPO}/collaborators/${user}/permission`),
    ).toHaveLength(1);
    expect(replies().at(-1)?.body).toContain(
      `Sorry @${user}, \`/pr-env deploy\` needs write access to this repository, and yours is \`${role}\`.`,
    );
    expect(sticky()[0]?.body).toBe(stickyBefore);
  });
});

describe('comments that are not commands', () => {
  it.each([
    ['a bot', { user: 'dependabot[bot]' }],
    ['an issue that is not a pull request', { isPullRequest: false }],
    ['a comment without a command', { body: 'Looks good, /pr-env later maybe' }],
  ])('ignores %s: no reaction, no AWS call, no comment', async (_, over) => {
    const awsCalls = world.aws.calls.length;
    const comments = world.gh.comments(OWNER, REPO, PR).length;
    const { run, reactions } = await say(
      (over as { body?: string }).body ?? '/pr-env destroy',
      (over as { user?: string }).user ?? 'alice',
      { isPullRequest: (over as { isPullRequest?: boolean }).isPullRequest },
    );
    expect(errors(run)).toEqual([]);
    expect(run.stdout).toContain('Ignored: ');
    expect(reactions()).toEqual([]);
    expect(world.aws.calls.length).toBe(awsCalls);
    expect(world.gh.comments(OWNER, REPO, PR).length).toBe(comments + 1); // the comment itself
  });
});
