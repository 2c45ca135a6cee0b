import { describe, expect, it } from 'vitest';
import {
  issueCommentEvent,
  pullRequestEvent,
  pushEvent,
  scheduleEvent,
  webhookExample,
  workflowDispatchEvent,
} from '../fixtures/events.js';

const owner = 'acme';
const repo = 'shop';
const headSha = '1234567890abcdef1234567890abcdef12345678';

/** Paths of every object key, arrays collapsed to their first element. */
function shape(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.length ? shape(v[0], `${prefix}[]`) : [];
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [`${prefix}.${k}`, ...shape(x, `${prefix}.${k}`)]);
}

describe('pull_request fixtures', () => {
  it('patches number, head, base, repository and labels of the real example', () => {
    const ev = pullRequestEvent('opened', {
      owner,
      repo,
      number: 42,
      headSha,
      headRef: 'feat/db',
      labels: ['preview'],
    });
    expect(ev).toMatchObject({
      action: 'opened',
      number: 42,
      repository: { name: repo, full_name: `${owner}/${repo}`, owner: { login: owner } },
      pull_request: {
        number: 42,
        state: 'open',
        merged: false,
        html_url: `https://github.com/${owner}/${repo}/pull/42`,
        url: `https://api.github.com/repos/${owner}/${repo}/pulls/42`,
        statuses_url: `https://api.github.com/repos/${owner}/${repo}/statuses/${headSha}`,
        head: {
          sha: headSha,
          ref: 'feat/db',
          label: `${owner}:feat/db`,
          repo: { full_name: `${owner}/${repo}`, fork: false },
        },
        base: { ref: 'main', repo: { full_name: `${owner}/${repo}`, owner: { login: owner } } },
        labels: [{ name: 'preview' }],
        user: { login: owner },
      },
      sender: { login: owner },
    });
    const text = JSON.stringify(ev);
    expect(text).not.toContain('Hello-World');
    expect(text).not.toContain('Codertocat/');
    expect(text).not.toMatch(/\/pulls?\/2\b/);
  });

  it('keeps the real example’s shape', () => {
    const real = webhookExample('pull_request', 'synchronize');
    const ev = pullRequestEvent('synchronize', { owner, repo, number: 3, headSha, labels: ['x'] });
    expect(new Set(shape(ev))).toEqual(new Set(shape(real)));
    expect(real.number).toBe(2); // the example itself is untouched
  });

  it('describes a fork PR with a fork head repository', () => {
    const ev = pullRequestEvent('opened', {
      owner,
      repo,
      number: 5,
      headSha,
      fork: true,
      forkOwner: 'mallory',
    });
    const pr = ev.pull_request;
    expect(pr.head.repo).toMatchObject({
      full_name: `mallory/${repo}`,
      fork: true,
      owner: { login: 'mallory' },
      html_url: `https://github.com/mallory/${repo}`,
    });
    expect(pr.head.repo?.id).not.toBe(ev.repository.id);
    expect(pr.base.repo).toMatchObject({ full_name: `${owner}/${repo}`, fork: false });
    expect(pr.head.label).toBe(`mallory:${pr.head.ref}`);
    expect(pr.user.login).toBe('mallory');
    expect(ev.sender.login).toBe('mallory');
    expect(pr.author_association).toBe('CONTRIBUTOR');
  });

  it('closed: merged or not', () => {
    const merged = pullRequestEvent('closed', { owner, repo, number: 9, headSha, merged: true });
    expect(merged.pull_request).toMatchObject({ state: 'closed', merged: true });
    expect(merged.pull_request.merged_at).toEqual(expect.any(String));
    const closed = pullRequestEvent('closed', { owner, repo, number: 9, headSha });
    expect(closed.pull_request).toMatchObject({ state: 'closed', merged: false, merged_at: null });
    expect(closed.pull_request.closed_at).toEqual(expect.any(String));
  });

  it('labeled / unlabeled carry `label` and the resulting labels', () => {
    const on = pullRequestEvent('labeled', {
      owner,
      repo,
      number: 1,
      headSha,
      labels: ['a'],
      label: 'deploy',
    });
    expect(on.action).toBe('labeled');
    if (on.action !== 'labeled') throw new Error('unreachable');
    expect(on.label?.name).toBe('deploy');
    expect(on.label?.url).toBe(`https://api.github.com/repos/${owner}/${repo}/labels/deploy`);
    expect(on.pull_request.labels.map((l) => l.name)).toEqual(['a', 'deploy']);
    const off = pullRequestEvent('unlabeled', {
      owner,
      repo,
      number: 1,
      headSha,
      labels: ['a', 'deploy'],
      label: 'deploy',
    });
    if (off.action !== 'unlabeled') throw new Error('unreachable');
    expect(off.label?.name).toBe('deploy');
    expect(off.pull_request.labels.map((l) => l.name)).toEqual(['a']);
    expect(() => pullRequestEvent('labeled', { owner, repo, number: 1, headSha })).toThrow(/label/);
  });

  it('synchronize has before/after; reopened is open', () => {
    const ev = pullRequestEvent('synchronize', {
      owner,
      repo,
      number: 4,
      headSha,
      before: 'f'.repeat(40),
    });
    expect(ev).toMatchObject({ before: 'f'.repeat(40), after: headSha });
    expect(
      pullRequestEvent('reopened', { owner, repo, number: 4, headSha }).pull_request.state,
    ).toBe('open');
  });
});

describe('other events', () => {
  it('issue_comment on a pull request', () => {
    const ev = issueCommentEvent({
      owner,
      repo,
      number: 8,
      body: '/deploy',
      user: 'alice',
      labels: ['preview'],
    });
    expect(ev).toMatchObject({
      action: 'created',
      issue: {
        number: 8,
        html_url: `https://github.com/${owner}/${repo}/pull/8`,
        pull_request: { url: `https://api.github.com/repos/${owner}/${repo}/pulls/8` },
      },
      comment: {
        body: '/deploy',
        user: { login: 'alice', type: 'User' },
        author_association: 'NONE',
      },
      sender: { login: 'alice' },
      repository: { full_name: `${owner}/${repo}` },
    });
    expect(new Set(shape(ev))).toEqual(
      new Set([
        ...shape(webhookExample('issue_comment', 'created')),
        ...shape({ issue: ev.issue }).filter((p) => p.startsWith('.issue.pull_request')),
      ]),
    );
    const onIssue = issueCommentEvent({
      owner,
      repo,
      number: 8,
      body: 'x',
      user: owner,
      isPullRequest: false,
    });
    expect(onIssue.issue).not.toHaveProperty('pull_request');
    expect(onIssue.comment.author_association).toBe('OWNER');
  });

  it('workflow_dispatch with inputs', () => {
    const ev = workflowDispatchEvent({ owner, repo, inputs: { 'pr-number': '12' } });
    expect(ev).toMatchObject({
      inputs: { 'pr-number': '12' },
      ref: 'refs/heads/main',
      repository: { full_name: `${owner}/${repo}`, name: repo, owner: { login: owner } },
      sender: { login: owner },
    });
    expect(JSON.stringify(ev)).not.toMatch(/octo-repo|octo-org/);
  });

  it('schedule: legacy `{ schedule }` or with repository', () => {
    expect(scheduleEvent({ cron: '*/30 * * * *' })).toEqual({ schedule: '*/30 * * * *' });
    expect(scheduleEvent({ owner, repo })).toMatchObject({
      schedule: '0 * * * *',
      repository: { full_name: `${owner}/${repo}` },
    });
  });

  it('push to a branch', () => {
    const ev = pushEvent({ owner, repo, after: headSha, ref: 'refs/heads/main' });
    expect(ev).toMatchObject({
      ref: 'refs/heads/main',
      after: headSha,
      created: false,
      head_commit: { id: headSha, url: `https://github.com/${owner}/${repo}/commit/${headSha}` },
      repository: { full_name: `${owner}/${repo}` },
    });
    expect(new Set(shape(ev))).toEqual(
      new Set(shape(webhookExample('push', (e) => String(e.ref).startsWith('refs/heads/')))),
    );
  });
});
