import { StackStatus } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { isInProgress, isSettled, nextStep, type NextStep } from '../../../src/stack/status.js';

// Every stack status CloudFormation has: deploy and destroy from each.
const EXPECTED: Record<string, { deploy: NextStep; destroy: NextStep }> = {
  CREATE_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  CREATE_FAILED: { deploy: 'update', destroy: 'delete' },
  CREATE_COMPLETE: { deploy: 'update', destroy: 'delete' },
  ROLLBACK_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  ROLLBACK_FAILED: { deploy: 'delete-then-create', destroy: 'delete' },
  ROLLBACK_COMPLETE: { deploy: 'delete-then-create', destroy: 'delete' },
  DELETE_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  DELETE_FAILED: { deploy: 'delete-then-create', destroy: 'delete' },
  DELETE_COMPLETE: { deploy: 'create', destroy: 'nothing' },
  UPDATE_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  UPDATE_COMPLETE: { deploy: 'update', destroy: 'delete' },
  UPDATE_FAILED: { deploy: 'update', destroy: 'delete' },
  UPDATE_ROLLBACK_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  UPDATE_ROLLBACK_FAILED: { deploy: 'continue-rollback', destroy: 'delete' },
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  UPDATE_ROLLBACK_COMPLETE: { deploy: 'update', destroy: 'delete' },
  REVIEW_IN_PROGRESS: { deploy: 'delete-then-create', destroy: 'delete' },
  IMPORT_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  IMPORT_COMPLETE: { deploy: 'update', destroy: 'delete' },
  IMPORT_ROLLBACK_IN_PROGRESS: { deploy: 'wait', destroy: 'wait' },
  IMPORT_ROLLBACK_FAILED: { deploy: 'update', destroy: 'delete' },
  IMPORT_ROLLBACK_COMPLETE: { deploy: 'update', destroy: 'delete' },
};

describe('nextStep', () => {
  it('covers every status the SDK knows', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(StackStatus).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: deploy → %o', (status, { deploy, destroy }) => {
    expect(nextStep(status, 'deploy')).toBe(deploy);
    expect(nextStep(status, 'destroy')).toBe(destroy);
  });

  it('creates when there is no stack, and destroys nothing', () => {
    expect(nextStep(undefined, 'deploy')).toBe('create');
    expect(nextStep(undefined, 'destroy')).toBe('nothing');
  });

  it('never starts an operation on a stack that is busy', () => {
    for (const status of Object.keys(EXPECTED).filter(
      (s) => s.endsWith('_IN_PROGRESS') && s !== 'REVIEW_IN_PROGRESS',
    )) {
      expect(nextStep(status, 'deploy')).toBe('wait');
      expect(nextStep(status, 'destroy')).toBe('wait');
    }
  });
});

describe('isInProgress / isSettled', () => {
  it('treats REVIEW_IN_PROGRESS as settled: nothing will move it on', () => {
    expect(isInProgress('REVIEW_IN_PROGRESS')).toBe(false);
    expect(isSettled('REVIEW_IN_PROGRESS')).toBe(true);
  });

  it('treats cleanup phases as still in progress', () => {
    expect(isInProgress('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(true);
    expect(isSettled('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(false);
    expect(isSettled('UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS')).toBe(false);
  });

  it('is the exact complement for every status', () => {
    for (const status of Object.keys(EXPECTED)) {
      expect(isSettled(status)).toBe(!isInProgress(status));
    }
    expect(isSettled('CREATE_COMPLETE')).toBe(true);
    expect(isSettled('DELETE_FAILED')).toBe(true);
  });
});
