/** What to do next with a stack, given its status and what the run wants. Pure. */
export type NextStep =
  'create' | 'update' | 'wait' | 'continue-rollback' | 'delete-then-create' | 'delete' | 'nothing';

export type Goal = 'deploy' | 'destroy';

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS') && status !== 'REVIEW_IN_PROGRESS';
}

// A failed create leaves a stack that can only be deleted; a never-executed CREATE change set
// leaves an empty REVIEW_IN_PROGRESS shell; both block a new CREATE change set of the same name.
const RECREATE = new Set([
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'REVIEW_IN_PROGRESS',
  'DELETE_FAILED',
]);

export function nextStep(status: string | undefined, goal: Goal): NextStep {
  if (status === undefined || status === 'DELETE_COMPLETE') {
    return goal === 'deploy' ? 'create' : 'nothing';
  }
  if (isInProgress(status)) return 'wait';
  if (goal === 'destroy') return 'delete';
  if (status === 'UPDATE_ROLLBACK_FAILED') return 'continue-rollback';
  if (RECREATE.has(status)) return 'delete-then-create';
  return 'update';
}

/** The status each kind of operation ends in when it succeeded. */
export const SUCCESS_STATUS = {
  create: 'CREATE_COMPLETE',
  update: 'UPDATE_COMPLETE',
  delete: 'DELETE_COMPLETE',
  'continue-rollback': 'UPDATE_ROLLBACK_COMPLETE',
} as const;

export type OperationKind = keyof typeof SUCCESS_STATUS;

/** A status no operation will move on from by itself. */
export function isSettled(status: string): boolean {
  return !status.endsWith('_IN_PROGRESS') || status === 'REVIEW_IN_PROGRESS';
}
