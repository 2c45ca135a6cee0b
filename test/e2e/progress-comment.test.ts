// Progress while a stack builds: a create that takes ~20 s (the database's steps are slow, as in
// AWS) edits the sticky comment before it ends, never more often than the pace, shows the URL as
// soon as the load balancer exists, and logs a progress line between the groups of events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import { CLUSTER, OWNER, REPO, errors, runAction, sha, startWorld, type World } from './harness.js';
import type { RecordedCall } from '../sim/github/server.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({
    resourceDelays: { 'AWS::RDS::DBCluster': 9_000, 'AWS::RDS::DBInstance': 5_000 },
  });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
  });
});
afterAll(async () => world?.stop());

/** The comment writes (create or edit) for a PR, oldest first, with their bodies. */
function commentWrites(pr: number): Array<{ at: number; body: string }> {
  const ours = (c: RecordedCall) =>
    (c.method === 'POST' && c.path === `/repos/${OWNER}/${REPO}/issues/${pr}/comments`) ||
    (c.method === 'PATCH' &&
      /\/issues\/comments\/\d+$/.test(c.path) &&
      world.gh
        .comments(OWNER, REPO, pr)
        .some((comment) => c.path.endsWith(`/comments/${comment.id}`)));
  return world.gh.calls
    .filter((c) => ours(c) && c.status < 300)
    .map((c) => ({ at: c.at, body: String((c.body as { body?: string }).body ?? '') }));
}

/** Seconds between consecutive writes. */
const gaps = (writes: Array<{ at: number }>) => writes.slice(1).map((w, i) => w.at - writes[i]!.at);

// The pace is counted from when each edit starts; a request reaches the fake a few milliseconds
// after that, the first one later still (the GitHub client loads on first use). This margin is
// that measurement's, not the pace's: a feed that edited on every event would miss it by seconds.
const ARRIVAL_MARGIN_MS = 500;

describe('progress in the comment while a stack is created', () => {
  it('edits before the end, at most every 30 s by default, and every PR_ENV_PROGRESS_MS when set', async () => {
    const [byDefault, paced] = await Promise.all([
      runAction(world, {
        eventName: 'pull_request_target',
        payload: pullRequestEvent('opened', {
          owner: OWNER,
          repo: REPO,
          number: 41,
          headSha: sha(1),
        }),
        inputs: { 'source-db-cluster': CLUSTER },
      }),
      runAction(world, {
        eventName: 'pull_request_target',
        payload: pullRequestEvent('opened', {
          owner: OWNER,
          repo: REPO,
          number: 42,
          headSha: sha(2),
        }),
        inputs: { 'source-db-cluster': CLUSTER },
        env: { PR_ENV_PROGRESS_MS: '4000' },
      }),
    ]);
    for (const run of [byDefault, paced]) {
      expect(errors(run)).toEqual([]);
      expect(run.outputs.operation).toBe('create');
      // A create that takes about 20 s, as the test means it to.
      expect(run.durationMs).toBeGreaterThan(18_000);
    }

    // 30 s: one progress edit (a few seconds in), then the final report.
    const writes = commentWrites(41);
    const progress = writes.filter((w) => w.body.includes('⏳ pr-env: creating the environment'));
    expect(progress).toHaveLength(1);
    expect(writes.at(-1)!.body).toContain('✅ pr-env: environment ready for #41');
    expect(writes.indexOf(progress[0]!)).toBeLessThan(writes.length - 1);
    expect(progress[0]!.body).toMatch(/\d+ \/ \d+ resources done/);
    expect(progress[0]!.body).toContain('at most every 30 s');
    expect(world.gh.comments(OWNER, REPO, 41)).toHaveLength(1);

    // 4 s: several edits, none sooner than the pace after the one before.
    const pacedWrites = commentWrites(42);
    const pacedProgress = pacedWrites.filter((w) => w.body.includes('⏳ pr-env:'));
    expect(pacedProgress.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps(pacedProgress)) expect(gap).toBeGreaterThan(4000 - ARRIVAL_MARGIN_MS);
    expect(pacedWrites.at(-1)!.body).toContain('environment ready for #42');
    // What is still in progress, with its age, and the URL well before the end.
    expect(
      pacedProgress.some((w) => /database (restoring|instance \w+ starting), \d+ s/.test(w.body)),
    ).toBe(true);
    const url = paced.outputs['environment-url']!;
    expect(pacedProgress.some((w) => w.body.includes(`The URL is known: ${url}`))).toBe(true);

    // The job log: a compact line at the same pace, outside the events' groups.
    const lines = paced.stdout.split('\n');
    const progressLines = lines.filter(
      (l) => l.startsWith('pr-env: ') && l.includes('resources done'),
    );
    expect(progressLines.length).toBe(pacedProgress.length);
    for (const line of progressLines) {
      const at = lines.indexOf(line);
      expect(lines[at - 1]).toBe('::endgroup::');
      expect(lines[at + 1]).toBe(`::group::Stack events: pr-env-shop-pr-42 (continued)`);
    }
    // Every event is still logged, inside a group.
    expect(paced.stdout).toMatch(/CREATE_COMPLETE\s+DBReaderInstance \(AWS::RDS::DBInstance\)/);
    expect(paced.stdout.split('::group::').length).toBe(paced.stdout.split('::endgroup::').length);
  }, 90_000);
});
