import type { Change, Parameter, Stack, StackEvent, Tag } from '@aws-sdk/client-cloudformation';
import * as core from '@actions/core';
import { uniqueName } from '../naming.js';
import {
  deleteChangeSet,
  executeChangeSet,
  prepareChangeSet,
  type ChangeSetOutcome,
  type TemplateSource,
} from './change-set.js';
import { deleteOwnedStack, settleStack, watch } from './settle.js';
import { expectedResource, type ExpectedResource } from './operation-progress.js';
import { SUCCESS_STATUS } from './status.js';
import { StackOperationError, type StackTarget } from './target.js';

/** What to deploy, worked out once the stack's starting state is known. */
export interface DeployPlan {
  template: TemplateSource;
  parameters: Parameter[];
  tags: Tag[];
}

export interface DeployRequest {
  /** Called with the stack to update (undefined for a create): an update keeps its snapshot. */
  plan(existing: Stack | undefined): Promise<DeployPlan>;
  /** Looks at a ready change set before it runs; throws to stop it (the replacement guard). */
  review?(changes: Change[], existing: Stack | undefined): void;
}

export interface DeployOutcome {
  operation: 'create' | 'update' | 'none';
  stack: Stack | undefined;
  events: StackEvent[];
  changes: Change[];
}

/** Creates or updates the target's stack through a change set, recovering its state first. */
export async function deployStack(
  target: StackTarget,
  request: DeployRequest,
): Promise<DeployOutcome> {
  const existing = await settleStack(target, 'deploy');
  const plan = await request.plan(existing);
  const operation = existing ? 'update' : 'create';
  const changeSet = await prepareChangeSet(
    target.cfn,
    {
      stackName: target.stackName,
      type: existing ? 'UPDATE' : 'CREATE',
      name: uniqueName('changeset', target.runId),
      template: plan.template,
      parameters: plan.parameters,
      tags: plan.tags,
      roleArn: target.roleArn,
      description: `pr-env ${operation} for ${target.owner.repository}#${target.owner.pr}`,
    },
    target,
  );

  if (changeSet.kind !== 'ready') {
    await discard(target, changeSet, operation);
    if (changeSet.kind === 'empty') {
      core.info(`Stack "${target.stackName}" is already up to date: nothing to change`);
      return { operation: 'none', stack: existing, events: [], changes: [] };
    }
    throw new Error(`Change set for stack "${target.stackName}" failed: ${changeSet.reason}`);
  }

  try {
    request.review?.(changeSet.changes, existing);
  } catch (error) {
    await discard(target, changeSet, operation);
    throw error;
  }

  const token = uniqueName(operation, target.runId);
  await executeChangeSet(target.cfn, changeSet, token);
  // A create's change set lists exactly what it creates; an update's, what it may change.
  const result = await watch(
    target,
    { StackId: changeSet.stackId },
    token,
    operation === 'create' ? expectedOf(changeSet.changes) : undefined,
  );
  if (result.status !== SUCCESS_STATUS[operation]) {
    throw new StackOperationError(
      target.stackName,
      operation,
      result.status,
      result.events,
      changeSet.stackId,
    );
  }
  return { operation, stack: result.stack, events: result.events, changes: changeSet.changes };
}

/** What a create goes through: every resource its change set adds. */
function expectedOf(changes: Change[]): ExpectedResource[] {
  return changes.map((c) =>
    expectedResource(
      c.ResourceChange?.LogicalResourceId ?? '',
      c.ResourceChange?.ResourceType ?? '',
      'create',
    ),
  );
}

/**
 * Removes a change set that will not run. A CREATE change set leaves an empty stack in
 * REVIEW_IN_PROGRESS behind, which would block the next create: that goes too.
 */
async function discard(
  target: StackTarget,
  changeSet: ChangeSetOutcome,
  operation: 'create' | 'update',
): Promise<void> {
  if (operation === 'create') {
    await deleteOwnedStack(target, { StackId: changeSet.stackId });
  } else {
    await deleteChangeSet(target.cfn, changeSet);
  }
}
