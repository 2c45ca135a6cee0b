import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isFork,
  toEventInfo,
  toPullRequestInfo,
  type EventInfo,
  type PullRequestInfo,
} from '../../../src/github/event.js';
import { readRunnerContext } from '../../../src/github/runner.js';
import { decideIntent, type IntentOptions } from '../../../src/intent.js';
import { skipNote } from '../../../src/run/skip.js';

const REPO = 'acme/shop';

function pr(overrides: Partial<PullRequestInfo> = {}): PullRequestInfo {
  return {
    number: 12,
    headSha: 'a'.repeat(40),
    headRepository: REPO,
    baseRepository: REPO,
    state: 'open',
    labels: [],
    ...overrides,
  };
}

function prEvent(
  action: string,
  pull: Partial<PullRequestInfo> = {},
  extra: Partial<EventInfo> = {},
): EventInfo {
  return { name: 'pull_request', action, repository: REPO, pullRequest: pr(pull), ...extra };
}

const auto: IntentOptions = { command: 'auto', allowForks: false };
const fork = { headRepository: 'stranger/shop' };

describe('decideIntent under command auto', () => {
  it.each(['opened', 'reopened', 'synchronize'])('deploys on pull_request.%s', (action) => {
    const intent = decideIntent(prEvent(action), auto);
    expect(intent).toMatchObject({
      kind: 'deploy',
      prNumber: 12,
      reason: `pull_request.${action}`,
    });
    expect(intent.kind === 'deploy' && intent.pullRequest?.headSha).toBe('a'.repeat(40));
  });

  it('treats pull_request_target like pull_request', () => {
    const event = { ...prEvent('synchronize'), name: 'pull_request_target' };
    expect(decideIntent(event, auto)).toMatchObject({ kind: 'deploy', prNumber: 12 });
    expect(decideIntent({ ...event, action: 'closed' }, auto)).toMatchObject({
      kind: 'destroy',
      prNumber: 12,
    });
  });

  it('destroys on pull_request.closed', () => {
    expect(decideIntent(prEvent('closed', { state: 'closed' }), auto)).toEqual({
      kind: 'destroy',
      prNumber: 12,
      reason: 'pull_request.closed',
    });
  });

  it.each(['edited', 'ready_for_review', 'converted_to_draft', 'assigned'])(
    'does nothing on pull_request.%s',
    (action) => {
      expect(decideIntent(prEvent(action), auto)).toEqual({
        kind: 'skip',
        prNumber: 12,
        because: 'event',
        reason: `Nothing to do for pull_request.${action}`,
      });
    },
  );

  it('prefers the event PR over the pr-number input', () => {
    expect(decideIntent(prEvent('opened'), { ...auto, prNumber: 99 })).toMatchObject({
      prNumber: 12,
    });
  });

  describe('labels', () => {
    const labelled: IntentOptions = { ...auto, requireLabel: 'preview' };

    it('deploys when the required label is added', () => {
      const event = prEvent('labeled', { labels: ['preview'] }, { label: 'preview' });
      expect(decideIntent(event, labelled)).toMatchObject({ kind: 'deploy', prNumber: 12 });
    });

    it('deploys on labeled even when the payload labels lag behind the event label', () => {
      const event = prEvent('labeled', { labels: [] }, { label: 'preview' });
      expect(decideIntent(event, labelled)).toMatchObject({ kind: 'deploy' });
    });

    it('destroys when the required label is removed', () => {
      const event = prEvent('unlabeled', { labels: [] }, { label: 'preview' });
      expect(decideIntent(event, labelled)).toMatchObject({ kind: 'destroy', prNumber: 12 });
    });

    it.each(['labeled', 'unlabeled'])('ignores another label being %s', (action) => {
      const event = prEvent(action, { labels: ['preview', 'bug'] }, { label: 'bug' });
      expect(decideIntent(event, labelled)).toMatchObject({ kind: 'skip', because: 'event' });
    });

    it.each(['labeled', 'unlabeled'])('ignores %s when no label is required', (action) => {
      const event = prEvent(action, { labels: ['preview'] }, { label: 'preview' });
      expect(decideIntent(event, auto)).toMatchObject({ kind: 'skip', because: 'event' });
    });

    it('skips a push to a PR without the required label, saying which label', () => {
      const intent = decideIntent(prEvent('synchronize', { labels: ['bug'] }), labelled);
      expect(intent).toMatchObject({ kind: 'skip', because: 'label', prNumber: 12 });
      expect(intent.reason).toContain('"preview"');
    });

    it('deploys a push to a PR that carries the required label', () => {
      expect(
        decideIntent(prEvent('synchronize', { labels: ['bug', 'preview'] }), labelled),
      ).toMatchObject({
        kind: 'deploy',
      });
    });

    it('does not deploy a closed PR when the label is added to it', () => {
      // GitHub sends pull_request.labeled for closed PRs too; deploying would recreate an
      // environment that no later close event will ever remove.
      const event = prEvent(
        'labeled',
        { state: 'closed', labels: ['preview'] },
        { label: 'preview' },
      );
      expect(decideIntent(event, labelled).kind).not.toBe('deploy');
    });

    it('still destroys a closed PR that lacks the label', () => {
      expect(decideIntent(prEvent('closed', { labels: [] }), labelled)).toMatchObject({
        kind: 'destroy',
      });
    });
  });

  describe('forks', () => {
    it('skips a fork PR when allow-forks is false, naming the fork', () => {
      const intent = decideIntent(prEvent('opened', fork), auto);
      expect(intent).toMatchObject({ kind: 'skip', because: 'fork', prNumber: 12 });
      expect(intent.reason).toContain('stranger/shop');
    });

    it('skips a PR whose head repository is gone (a deleted fork)', () => {
      const intent = decideIntent(prEvent('synchronize', { headRepository: undefined }), auto);
      expect(intent).toMatchObject({ kind: 'skip', because: 'fork' });
      expect(intent.reason).toContain('(deleted)');
    });

    it('deploys a fork PR when allow-forks is true', () => {
      expect(decideIntent(prEvent('opened', fork), { ...auto, allowForks: true })).toMatchObject({
        kind: 'deploy',
      });
    });

    it('still destroys a closed fork PR', () => {
      expect(decideIntent(prEvent('closed', fork), auto)).toMatchObject({
        kind: 'destroy',
        prNumber: 12,
      });
    });

    it('gates a fork before the label', () => {
      const event = prEvent('labeled', { ...fork, labels: ['preview'] }, { label: 'preview' });
      expect(decideIntent(event, { ...auto, requireLabel: 'preview' })).toMatchObject({
        because: 'fork',
      });
    });
  });

  describe('events without a pull request', () => {
    it('deploys the pr-number PR on workflow_dispatch, without gating it', () => {
      const event: EventInfo = { name: 'workflow_dispatch', repository: REPO };
      expect(decideIntent(event, { ...auto, prNumber: 5, requireLabel: 'preview' })).toEqual({
        kind: 'deploy',
        prNumber: 5,
        pullRequest: undefined,
        reason: 'workflow_dispatch',
      });
    });

    it('requires pr-number on workflow_dispatch', () => {
      const event: EventInfo = { name: 'workflow_dispatch', repository: REPO };
      expect(() => decideIntent(event, auto)).toThrow(
        '"pr-number" is required for workflow_dispatch: expected the number of the PR to deploy',
      );
    });

    it('sweeps on schedule, with or without a PR number', () => {
      const event: EventInfo = { name: 'schedule', repository: REPO };
      expect(decideIntent(event, auto)).toMatchObject({ kind: 'sweep' });
      expect(decideIntent(event, { ...auto, prNumber: 3 })).toMatchObject({ kind: 'sweep' });
    });

    it('asks for pr-number on any other event', () => {
      const event: EventInfo = { name: 'push', repository: REPO };
      expect(() => decideIntent(event, auto)).toThrow(
        'Event "push" carries no pull request: set "pr-number" to the PR to deploy',
      );
      expect(decideIntent(event, { ...auto, prNumber: 8 })).toMatchObject({
        kind: 'deploy',
        prNumber: 8,
      });
    });

    it('does not read a PR from a pull_request event whose payload has none', () => {
      const event: EventInfo = { name: 'pull_request', action: 'opened', repository: REPO };
      expect(() => decideIntent(event, auto)).toThrow('carries no pull request');
    });
  });
});

describe('decideIntent with an explicit command', () => {
  const dispatch: EventInfo = { name: 'workflow_dispatch', repository: REPO };

  it('destroys the named PR', () => {
    expect(decideIntent(dispatch, { command: 'destroy', prNumber: 4, allowForks: false })).toEqual({
      kind: 'destroy',
      prNumber: 4,
      reason: 'command destroy on workflow_dispatch',
    });
  });

  it('requires a PR to destroy', () => {
    expect(() => decideIntent(dispatch, { command: 'destroy', allowForks: false })).toThrow(
      'expected the number of the PR to destroy',
    );
  });

  it('plans the named PR', () => {
    expect(
      decideIntent(dispatch, { command: 'plan', prNumber: 4, allowForks: false }),
    ).toMatchObject({
      kind: 'plan',
      prNumber: 4,
    });
  });

  it('sweeps without a PR', () => {
    expect(decideIntent(dispatch, { command: 'sweep', allowForks: false })).toEqual({
      kind: 'sweep',
      reason: 'command sweep on workflow_dispatch',
    });
  });

  it('overrides what the event would do', () => {
    expect(decideIntent(prEvent('edited'), { command: 'deploy', allowForks: false })).toMatchObject(
      {
        kind: 'deploy',
        reason: 'command deploy on pull_request.edited',
      },
    );
    expect(
      decideIntent(prEvent('opened'), { command: 'destroy', allowForks: false }),
    ).toMatchObject({
      kind: 'destroy',
    });
  });

  it('still refuses to deploy a fork from its own event', () => {
    expect(
      decideIntent(prEvent('opened', fork), { command: 'deploy', allowForks: false }),
    ).toMatchObject({
      kind: 'skip',
      because: 'fork',
    });
  });
});

describe('skipNote', () => {
  it('tells a maintainer how to deploy a fork', () => {
    const intent = decideIntent(prEvent('opened', fork), auto);
    if (intent.kind !== 'skip') throw new Error('expected a skip');
    const note = skipNote(intent)!;
    expect(note).toContain(intent.reason);
    expect(note).toContain('pr-number: 12');
    expect(note).toContain('workflow_dispatch');
  });

  it('tells the author to add the label', () => {
    const intent = decideIntent(prEvent('opened'), { ...auto, requireLabel: 'preview' });
    if (intent.kind !== 'skip') throw new Error('expected a skip');
    expect(skipNote(intent)).toMatch(/Add the label/);
  });

  it('says nothing for an irrelevant event', () => {
    const intent = decideIntent(prEvent('edited'), auto);
    if (intent.kind !== 'skip') throw new Error('expected a skip');
    expect(skipNote(intent)).toBeUndefined();
  });
});

describe('toEventInfo / toPullRequestInfo / isFork', () => {
  const payload = {
    action: 'labeled',
    label: { name: 'preview' },
    pull_request: {
      number: 31,
      title: 'Faster checkout',
      state: 'open',
      html_url: 'https://github.com/acme/shop/pull/31',
      head: { sha: 'b'.repeat(40), repo: { full_name: 'acme/shop' } },
      base: { repo: { full_name: 'acme/shop' } },
      labels: [{ name: 'preview' }, { name: 'bug' }],
    },
  };

  it('reads what the intent needs from a webhook payload', () => {
    expect(toEventInfo('pull_request', payload, REPO)).toEqual({
      name: 'pull_request',
      action: 'labeled',
      repository: REPO,
      label: 'preview',
      pullRequest: {
        number: 31,
        headSha: 'b'.repeat(40),
        headRepository: 'acme/shop',
        baseRepository: 'acme/shop',
        state: 'open',
        labels: ['preview', 'bug'],
        htmlUrl: 'https://github.com/acme/shop/pull/31',
      },
      subject: {
        number: 31,
        title: 'Faster checkout',
        url: 'https://github.com/acme/shop/pull/31',
      },
    });
  });

  it('takes a PR comment’s issue as the subject, for messages, but not as a PR event', () => {
    const info = toEventInfo(
      'issue_comment',
      {
        action: 'created',
        issue: {
          number: 9,
          title: 'Try the cart',
          html_url: 'https://github.com/acme/shop/pull/9',
          pull_request: { url: 'https://api.github.com/repos/acme/shop/pulls/9' },
        },
      },
      REPO,
    );
    expect(info.pullRequest).toBeUndefined();
    expect(info.subject).toEqual({
      number: 9,
      title: 'Try the cart',
      url: 'https://github.com/acme/shop/pull/9',
    });
    // A comment on an issue (not a PR) has no subject.
    expect(toEventInfo('issue_comment', { issue: { number: 3 } }, REPO).subject).toBeUndefined();
  });

  it('reads a closed PR as closed', () => {
    const closed = { ...payload.pull_request, state: 'closed' };
    expect(toPullRequestInfo(closed)?.state).toBe('closed');
  });

  it('has no PR for an event that carries none', () => {
    const info = toEventInfo('workflow_dispatch', { inputs: { 'pr-number': '3' } }, REPO);
    expect(info.pullRequest).toBeUndefined();
    expect(info.action).toBeUndefined();
    expect(info.label).toBeUndefined();
  });

  it('survives payloads of the wrong shape', () => {
    expect(toEventInfo('push', null, REPO)).toEqual({ name: 'push', repository: REPO });
    expect(toPullRequestInfo({ number: '31' })).toBeUndefined();
    expect(toPullRequestInfo({ number: 2, labels: 'x', head: 5 })).toMatchObject({
      number: 2,
      headSha: '',
      headRepository: undefined,
      labels: [],
    });
  });

  it('counts a head in another repository, or none at all, as a fork', () => {
    expect(isFork(pr())).toBe(false);
    expect(isFork(pr({ headRepository: 'stranger/shop' }))).toBe(true);
    expect(isFork(pr({ headRepository: undefined }))).toBe(true);
  });
});

describe('readRunnerContext', () => {
  function eventFile(content: string): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-runner-'));
    const file = path.join(dir, 'event.json');
    writeFileSync(file, content);
    return file;
  }

  it('reads the event, run ID with attempt, and run URL from the environment', () => {
    const context = readRunnerContext({
      GITHUB_REPOSITORY: REPO,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: eventFile(
        JSON.stringify({ action: 'opened', pull_request: { number: 9 } }),
      ),
      GITHUB_RUN_ID: '1234',
      GITHUB_RUN_ATTEMPT: '2',
      GITHUB_SERVER_URL: 'https://ghe.example.com',
    });
    expect(context.repository).toBe(REPO);
    expect(context.event).toMatchObject({
      name: 'pull_request',
      action: 'opened',
      pullRequest: { number: 9 },
    });
    expect(context.runId).toBe('1234-2');
    expect(context.runUrl).toBe('https://ghe.example.com/acme/shop/actions/runs/1234');
  });

  it('works without an event file or run ID', () => {
    const context = readRunnerContext({ GITHUB_REPOSITORY: REPO, GITHUB_EVENT_NAME: 'schedule' });
    expect(context.event).toEqual({ name: 'schedule', repository: REPO });
    expect(context.runId).toBeUndefined();
    expect(context.runUrl).toBeUndefined();
  });

  it('refuses a repository that is not owner/repo', () => {
    expect(() => readRunnerContext({ GITHUB_REPOSITORY: 'shop' })).toThrow(
      'GITHUB_REPOSITORY is "shop"',
    );
    expect(() => readRunnerContext({})).toThrow('expected owner/repo');
  });

  it('names the event file it could not parse', () => {
    const file = eventFile('{ not json');
    expect(() => readRunnerContext({ GITHUB_REPOSITORY: REPO, GITHUB_EVENT_PATH: file })).toThrow(
      file,
    );
  });
});
