import {
  ContinueUpdateRollbackCommand,
  DeleteStackCommand,
  DescribeStackResourcesCommand,
  ListChangeSetsCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import * as core from '@actions/core';
import { uniqueName } from '../naming.js';
import { assertOwnedBy, describeStack } from './describe.js';
import { expectedResource, type ExpectedResource } from './operation-progress.js';
import { isInProgress, nextStep, type Goal } from './status.js';
import { StackOperationError, type StackTarget } from './target.js';
import { watchOperation } from './watch.js';

/**
 * Brings an existing stack to a state the goal can start from: waits out another run's
 * operation, continues a failed rollback, and clears a stack that can only be recreated.
 * Returns the stack to update or delete, or undefined when there is none (any more).
 * Every stack is checked for pr-env's ownership tags before anything is done to it.
 */
export async function settleStack(target: StackTarget, goal: Goal): Promise<Stack | undefined> {
  for (;;) {
    const stack = await describeStack(target.cfn, target.stackName);
    if (!stack) return undefined;
    assertOwnedBy(stack, target.owner);
    const status = stack.StackStatus ?? '';
    switch (nextStep(status, goal)) {
      case 'wait':
        core.info(`Stack "${target.stackName}" is ${status}: waiting for that operation to end`);
        await waitWhileInProgress(target);
        break;
      case 'continue-rollback':
        core.info(`Stack "${target.stackName}" is ${status}: continuing its rollback`);
        await continueRollback(target, stack);
        break;
      case 'delete-then-create':
        if (status === 'REVIEW_IN_PROGRESS' && (await isBeingCreated(target, stack))) {
          core.info(`Stack "${target.stackName}" is being created by another run: waiting for it`);
          await pause(target, 'wait for another run to create it', status);
          break;
        }
        core.info(
          `Stack "${target.stackName}" is ${status}: it can only be recreated, deleting it first`,
        );
        await deleteOwnedStack(target, stack);
        return undefined;
      case 'create':
      case 'nothing':
        return undefined;
      case 'update':
      case 'delete':
        return stack;
    }
  }
}

async function waitWhileInProgress(target: StackTarget): Promise<void> {
  const { clock, poll } = target;
  let interval = poll.fastMs;
  for (;;) {
    const stack = await describeStack(target.cfn, target.stackName);
    const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
    if (!isInProgress(status)) return;
    if (clock.now() >= target.deadline) {
      throw new StackOperationError(
        target.stackName,
        'wait for another operation',
        `still ${status} (timed out)`,
        [],
      );
    }
    await clock.sleep(Math.min(interval, Math.max(0, target.deadline - clock.now())));
    interval = Math.min(interval * 2, poll.slowMs);
  }
}

// A CREATE change set younger than this may still be executed by the run that made it.
const FRESH_CHANGE_SET_MS = 5 * 60_000;

/**
 * Whether a REVIEW_IN_PROGRESS stack is another run's create in the making (its change set still
 * being computed, or ready and fresh) rather than a shell an interrupted run left behind.
 */
async function isBeingCreated(target: StackTarget, stack: Stack): Promise<boolean> {
  const { Summaries = [] } = await target.cfn.send(
    new ListChangeSetsCommand({ StackName: stack.StackId }),
  );
  const now = target.clock.now();
  return Summaries.some(
    (cs) =>
      cs.Status === 'CREATE_PENDING' ||
      cs.Status === 'CREATE_IN_PROGRESS' ||
      cs.ExecutionStatus === 'EXECUTE_IN_PROGRESS' ||
      (cs.ExecutionStatus === 'AVAILABLE' &&
        now - (cs.CreationTime?.getTime() ?? 0) < FRESH_CHANGE_SET_MS),
  );
}

async function pause(target: StackTarget, what: string, status: string): Promise<void> {
  if (target.clock.now() >= target.deadline) {
    throw new StackOperationError(target.stackName, what, `still ${status} (timed out)`, []);
  }
  await target.clock.sleep(
    Math.min(target.poll.slowMs, Math.max(0, target.deadline - target.clock.now())),
  );
}

async function continueRollback(target: StackTarget, stack: Stack): Promise<void> {
  const token = uniqueName('rollback', target.runId);
  await target.cfn.send(
    new ContinueUpdateRollbackCommand({
      StackName: stack.StackId,
      RoleARN: target.roleArn,
      ClientRequestToken: token,
    }),
  );
  const result = await watch(target, stack, token);
  if (result.status !== 'UPDATE_ROLLBACK_COMPLETE') {
    throw new StackOperationError(
      target.stackName,
      'rollback',
      result.status,
      result.events,
      stack.StackId,
    );
  }
}

/** Enough of a stack to act on it by ID. */
export type StackRef = Pick<Stack, 'StackId'>;

export interface DeleteOutcome {
  status: string;
  stackId?: string;
}

/**
 * Deletes a stack already checked for ownership and waits for it to be gone. A DELETE_FAILED is
 * retried once (a dependency that was still draining often lets go); after that, the error names
 * what remains, since orphaned resources keep billing.
 */
export async function deleteOwnedStack(
  target: StackTarget,
  stack: StackRef,
): Promise<DeleteOutcome> {
  for (let attempt = 1; ; attempt++) {
    const toDelete = await resourcesToDelete(target, stack);
    const token = uniqueName('delete', target.runId);
    await target.cfn.send(
      new DeleteStackCommand({
        StackName: stack.StackId,
        RoleARN: target.roleArn,
        ClientRequestToken: token,
      }),
    );
    const result = await watch(target, stack, token, toDelete);
    if (result.status === 'DELETE_COMPLETE')
      return { status: result.status, stackId: stack.StackId };
    if (attempt === 1 && result.status === 'DELETE_FAILED') {
      core.warning(`Deleting stack "${target.stackName}" failed; trying once more`);
      continue;
    }
    const remaining = await remainingResources(target, stack);
    const error = new StackOperationError(
      target.stackName,
      'delete',
      result.status,
      result.events,
      stack.StackId,
    );
    error.message +=
      remaining.length > 0 ? `. Resources still there (and billing): ${remaining.join(', ')}` : '';
    throw error;
  }
}

/** Follows one of the target's operations (going through `expectedResources`, if known) to its end. */
export function watch(
  target: StackTarget,
  stack: StackRef,
  token: string,
  expectedResources?: ExpectedResource[],
) {
  return watchOperation(target.cfn, {
    stackId: stack.StackId ?? target.stackName,
    stackName: target.stackName,
    token,
    expectedResources,
    deadline: target.deadline,
    poll: target.poll,
    clock: target.clock,
    onEvent: target.onEvent,
    sideReads: target.sideReads,
    pollCfn: target.pollCfn,
  });
}

/**
 * The resources a delete will go through, so the watcher knows when the last is in flight.
 * Unknown (undefined) if the stack cannot be read: the watcher then paces without it.
 */
async function resourcesToDelete(
  target: StackTarget,
  stack: StackRef,
): Promise<ExpectedResource[] | undefined> {
  try {
    const { StackResources = [] } = await target.cfn.send(
      new DescribeStackResourcesCommand({ StackName: stack.StackId }),
    );
    return StackResources.filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE').map((r) =>
      expectedResource(r.LogicalResourceId ?? '', r.ResourceType ?? '', 'delete'),
    );
  } catch {
    return undefined;
  }
}

async function remainingResources(target: StackTarget, stack: StackRef): Promise<string[]> {
  try {
    const { StackResources = [] } = await target.cfn.send(
      new DescribeStackResourcesCommand({ StackName: stack.StackId }),
    );
    return StackResources.filter((r) => r.ResourceStatus !== 'DELETE_COMPLETE').map(
      (r) =>
        `${r.LogicalResourceId} (${r.ResourceType}${r.PhysicalResourceId ? ` ${r.PhysicalResourceId}` : ''})`,
    );
  } catch {
    return [];
  }
}
