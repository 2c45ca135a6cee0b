import type { Stack } from '@aws-sdk/client-cloudformation';
import { TAG } from '../naming.js';
import { tagsOf } from '../stack/describe.js';

export type SweepVerdict =
  { action: 'delete'; pr: number; reason: string } | { action: 'keep'; pr: number; reason: string };

/** This repository's pr-env stacks among all the stacks of the account and region. Pure. */
export function ownedStacks(stacks: Stack[], repository: string): { stack: Stack; pr: number }[] {
  return stacks.flatMap((stack) => {
    const tags = tagsOf(stack);
    const pr = Number(tags[TAG.pullRequest]);
    if (tags[TAG.repository] !== repository || !Number.isInteger(pr) || pr < 1) return [];
    return [{ stack, pr }];
  });
}

/**
 * Whether the sweeper deletes a stack: its PR is closed (the `closed` event never fired or
 * failed), or its `pr-env:expires-at` has passed. A PR whose state could not be read is kept:
 * the sweeper never deletes on a guess. Pure.
 */
export function sweepVerdict(
  stack: Stack,
  pr: number,
  prState: 'open' | 'closed' | 'unknown',
  now: Date,
): SweepVerdict {
  if (prState === 'closed') return { action: 'delete', pr, reason: `PR #${pr} is closed` };
  const expires = tagsOf(stack)[TAG.expiresAt];
  const expiry = expires && expires !== 'never' ? Date.parse(expires) : NaN;
  if (Number.isFinite(expiry) && expiry <= now.getTime()) {
    return { action: 'delete', pr, reason: `expired at ${expires}` };
  }
  if (prState === 'unknown') return { action: 'keep', pr, reason: `PR #${pr} could not be read` };
  return {
    action: 'keep',
    pr,
    reason: Number.isFinite(expiry)
      ? `PR #${pr} is open; expires at ${expires}`
      : `PR #${pr} is open`,
  };
}
