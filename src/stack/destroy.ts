import { deleteOwnedStack, settleStack } from './settle.js';
import type { StackTarget } from './target.js';

export interface DestroyOutcome {
  operation: 'delete' | 'none';
  status: string;
  stackId?: string;
}

/** Deletes the target's stack if there is one, after waiting out any operation in progress. */
export async function destroyStack(target: StackTarget): Promise<DestroyOutcome> {
  const stack = await settleStack(target, 'destroy');
  if (!stack) return { operation: 'none', status: 'DELETE_COMPLETE' };
  const outcome = await deleteOwnedStack(target, stack);
  return { operation: 'delete', ...outcome };
}
