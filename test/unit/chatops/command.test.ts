import { describe, expect, it } from 'vitest';
import { parseComment } from '../../../src/chatops/command.js';
import { decideChatOps, toCommentEvent, type CommentEvent } from '../../../src/chatops/event.js';
import { helpText, refusalText } from '../../../src/chatops/help.js';
import { permissionVerdict } from '../../../src/chatops/permission.js';
import { issueCommentEvent } from '../../fixtures/events.js';

describe('parseComment', () => {
  it.each([
    ['/pr-env deploy', { kind: 'command', command: 'deploy' }],
    ['/pr-env destroy', { kind: 'command', command: 'destroy' }],
    ['/pr-env plan', { kind: 'command', command: 'plan' }],
    ['/pr-env refresh-data', { kind: 'command', command: 'refresh-data' }],
    ['/pr-env scrub', { kind: 'command', command: 'scrub' }],
    ['/pr-env sleep', { kind: 'command', command: 'sleep' }],
    ['/pr-env wake', { kind: 'command', command: 'wake' }],
    ['/pr-env extend', { kind: 'command', command: 'extend' }],
    ['/pr-env extend 48', { kind: 'command', command: 'extend', hours: 48 }],
    ['/pr-env extend 1.5h', { kind: 'command', command: 'extend', hours: 1.5 }],
    ['  /PR-ENV   Sleep  ', { kind: 'command', command: 'sleep' }],
    ['LGTM, thanks!\n\n/pr-env wake\n/pr-env destroy', { kind: 'command', command: 'wake' }],
    ['/pr-env', { kind: 'help' }],
    ['/pr-env help', { kind: 'help' }],
  ])('%j → %j', (body, expected) => {
    expect(parseComment(body)).toMatchObject(expected);
  });

  it.each([
    ['/pr-env deploy-now', /`deploy-now` is not a pr-env command: expected one of `deploy`, /],
    [
      '/pr-env extend soon',
      /`soon` is not a number of hours: expected a number above 0 and at most 720/,
    ],
    ['/pr-env extend 0', /`0` is not a number of hours/],
    ['/pr-env extend 721', /`721` is not a number of hours/],
    ['/pr-env extend 2 3', /takes one number of hours at most/],
    ['/pr-env sleep now', /`sleep` takes no arguments/],
    ['/pr-env scrub again', /`scrub` takes no arguments/],
  ])('%j asks for help, naming the problem', (body, problem) => {
    const parsed = parseComment(body);
    expect(parsed.kind).toBe('help');
    expect(parsed.kind === 'help' && parsed.problem).toMatch(problem);
  });

  it.each([
    'please /pr-env deploy',
    '> /pr-env destroy',
    '`/pr-env destroy`',
    '```\n/pr-env destroy\n```',
    '~~~sh\n/pr-env destroy\n~~~',
    '/pr-envdeploy',
    'no command here',
  ])('%j is not a command', (body) => {
    expect(parseComment(body)).toEqual({ kind: 'none' });
  });

  it('reads a command after a closed code block', () => {
    expect(parseComment('```\n/pr-env destroy\n```\n/pr-env plan')).toMatchObject({
      command: 'plan',
    });
  });
});

describe('decideChatOps', () => {
  const event = (over: Partial<CommentEvent> = {}): CommentEvent => ({
    action: 'created',
    number: 7,
    isPullRequest: true,
    body: '/pr-env sleep',
    commentId: 1,
    user: 'alice',
    userType: 'User',
    ...over,
  });

  it('acts on a new command on a pull request by a person', () => {
    expect(decideChatOps(event())).toMatchObject({
      act: true,
      prNumber: 7,
      parsed: { kind: 'command', command: 'sleep' },
    });
  });

  it.each([
    [{ action: 'edited' }, /only a new comment/],
    [{ isPullRequest: false }, /#7 is an issue, not a pull request/],
    [{ user: 'github-actions[bot]', userType: 'Bot' }, /bot github-actions\[bot\]/],
    [{ user: 'renovate', userType: 'Bot' }, /bot renovate/],
    [{ body: `<!-- pr-env:reply -->\n/pr-env deploy` }, /written by pr-env itself/],
    [{ body: 'nice work' }, /no \/pr-env command/],
  ])('ignores %j', (over, reason) => {
    const decision = decideChatOps(event(over as Partial<CommentEvent>));
    expect(decision.act).toBe(false);
    expect(!decision.act && decision.reason).toMatch(reason);
  });

  it('reads the real issue_comment payload, which carries issue.pull_request and not the PR', () => {
    const payload = issueCommentEvent({
      owner: 'o',
      repo: 'r',
      number: 9,
      body: '/pr-env wake',
      user: 'bob',
      commentId: 42,
    });
    expect(toCommentEvent(payload)).toMatchObject({
      action: 'created',
      number: 9,
      isPullRequest: true,
      body: '/pr-env wake',
      commentId: 42,
      user: 'bob',
      userType: 'User',
    });
    const onIssue = issueCommentEvent({
      owner: 'o',
      repo: 'r',
      number: 9,
      body: 'x',
      user: 'bob',
      isPullRequest: false,
    });
    expect(toCommentEvent(onIssue)?.isPullRequest).toBe(false);
  });
});

describe('permissionVerdict', () => {
  it.each([
    [{ permission: 'admin', role_name: 'admin' }, true],
    [{ permission: 'write', role_name: 'maintain' }, true],
    [{ permission: 'write', role_name: 'write' }, true],
    [{ permission: 'read', role_name: 'triage' }, false],
    [{ permission: 'read', role_name: 'read' }, false],
    [{ permission: 'none' }, false],
    // A custom role: its flags decide, whatever its name.
    [
      { permission: 'read', role_name: 'release-manager', user: { permissions: { push: true } } },
      true,
    ],
    [{ permission: 'write', role_name: 'auditor', user: { permissions: { push: false } } }, false],
  ])('%j → %s', (response, allowed) => {
    expect(permissionVerdict(response).allowed).toBe(allowed);
  });

  it('names the role to refuse with', () => {
    expect(permissionVerdict({ permission: 'read', role_name: 'triage' }).role).toBe('triage');
  });
});

describe('replies', () => {
  it('lists every command, none on a line of its own that could be read as a command', () => {
    const text = helpText('`x` is not a pr-env command');
    for (const c of [
      'deploy',
      'destroy',
      'plan',
      'refresh-data',
      'scrub',
      'sleep',
      'wake',
      'extend [hours]',
      'help',
    ]) {
      expect(text).toContain(`\`/pr-env ${c}\``);
    }
    expect(text).toContain('⚠️ `x` is not a pr-env command.');
    expect(parseComment(text)).toEqual({ kind: 'none' });
    expect(parseComment(refusalText('bob', 'read', '/pr-env destroy'))).toEqual({ kind: 'none' });
  });

  it('refuses politely, naming the role and the command', () => {
    expect(refusalText('bob', 'read', '/pr-env destroy')).toContain(
      'Sorry @bob, `/pr-env destroy` needs write access to this repository, and yours is `read`.',
    );
  });
});
