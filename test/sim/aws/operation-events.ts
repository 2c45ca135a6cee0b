/**
 * DescribeEvents: a stack's events grouped by operation, optionally only the failures, which is
 * how newer clients find the root cause of a failed deployment.
 */
import { paginate } from './cloudformation-views.js';
import { validationError, type QueryParams } from './query-protocol.js';
import { STACK_TYPE, type StackEvent, type StackRecord } from './stack-model.js';

export interface EventLookup {
  findStack(nameOrId: string): StackRecord | undefined;
  stacks(): StackRecord[];
  pageSize: number;
}

function eventType(event: StackEvent): string {
  if (event.ResourceType === STACK_TYPE) return 'STACK_EVENT';
  return event.ResourceStatus.endsWith('_FAILED') ? 'PROVISIONING_ERROR' : 'PROGRESS_EVENT';
}

function stacksFor(params: QueryParams, lookup: EventLookup): StackRecord[] {
  const stackName = params.string('StackName');
  const changeSet = params.string('ChangeSetName');
  const operationId = params.string('OperationId');
  if (!stackName && !changeSet && !operationId) {
    throw validationError('One of ChangeSetName, OperationId or StackName must be specified.');
  }
  if (stackName) {
    const stack = lookup.findStack(stackName);
    if (!stack) throw validationError(`Stack [${stackName}] does not exist`);
    return [stack];
  }
  return lookup.stacks();
}

export function describeEvents(params: QueryParams, lookup: EventLookup): Record<string, unknown> {
  const changeSet = params.string('ChangeSetName');
  const operationId = params.string('OperationId');
  const filters = params.raw.Filters as { FailedEvents?: string } | undefined;
  const failedOnly = filters?.FailedEvents === 'true';
  const events = stacksFor(params, lookup).flatMap((stack) => {
    const operations = new Map(stack.operations.map((op) => [op.OperationId, op]));
    const wanted = [...operations.values()].filter(
      (op) =>
        (!operationId || op.OperationId === operationId) &&
        (!changeSet ||
          op.changeSetId === changeSet ||
          stack.changeSets.some((cs) => cs.name === changeSet && cs.id === op.changeSetId)),
    );
    const ids = new Set(wanted.map((op) => op.OperationId));
    return stack.events
      .filter(
        (e) =>
          e.OperationId !== undefined && (ids.has(e.OperationId) || (!operationId && !changeSet)),
      )
      .filter((e) => !failedOnly || e.ResourceStatus.endsWith('_FAILED'))
      .map((e) => {
        const operation = operations.get(e.OperationId ?? '');
        return {
          ...e,
          OperationType: operation?.OperationType,
          OperationStatus: operation?.status,
          EventType: eventType(e),
        };
      })
      .reverse();
  });
  const scope = `DescribeEvents:${params.string('StackName') ?? ''}:${changeSet ?? ''}:${operationId ?? ''}:${failedOnly}`;
  const page = paginate(events, lookup.pageSize, params.string('NextToken'), scope);
  return { OperationEvents: page.items, NextToken: page.nextToken };
}
