import type { Stack } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { ownedStacks, sweepVerdict } from '../../../src/run/sweep-decision.js';

const stack = (name: string, tags: Record<string, string>): Stack => ({
  StackName: name,
  StackStatus: 'CREATE_COMPLETE',
  CreationTime: new Date(),
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});
const now = new Date('2026-11-23T12:00:00Z');

describe('ownedStacks', () => {
  it("keeps only this repository's pr-env stacks", () => {
    const stacks = [
      stack('mine', { 'pr-env:repository': 'o/r', 'pr-env:pull-request': '3' }),
      stack('other-repo', { 'pr-env:repository': 'o/other', 'pr-env:pull-request': '3' }),
      stack('unmanaged', { team: 'data' }),
      stack('bad-pr-tag', { 'pr-env:repository': 'o/r', 'pr-env:pull-request': 'x' }),
    ];
    expect(ownedStacks(stacks, 'o/r').map((s) => [s.stack.StackName, s.pr])).toEqual([['mine', 3]]);
  });
});

describe('sweepVerdict', () => {
  const unexpired = stack('a', { 'pr-env:expires-at': '2026-11-24T00:00:00Z' });
  const expired = stack('b', { 'pr-env:expires-at': '2026-11-23T11:59:59Z' });
  const never = stack('c', { 'pr-env:expires-at': 'never' });

  it('deletes the environment of a closed PR', () => {
    expect(sweepVerdict(unexpired, 3, 'closed', now)).toMatchObject({
      action: 'delete',
      reason: 'PR #3 is closed',
    });
  });

  it('deletes an expired environment even while its PR is open', () => {
    expect(sweepVerdict(expired, 4, 'open', now)).toMatchObject({
      action: 'delete',
      reason: 'expired at 2026-11-23T11:59:59Z',
    });
  });

  it('keeps an open, unexpired environment and one that never expires', () => {
    expect(sweepVerdict(unexpired, 5, 'open', now).action).toBe('keep');
    expect(sweepVerdict(never, 6, 'open', now).action).toBe('keep');
  });

  it('keeps an environment whose PR could not be read, unless it has expired', () => {
    expect(sweepVerdict(unexpired, 7, 'unknown', now)).toMatchObject({
      action: 'keep',
      reason: 'PR #7 could not be read',
    });
    expect(sweepVerdict(expired, 7, 'unknown', now).action).toBe('delete');
  });
});
