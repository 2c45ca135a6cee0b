/**
 * CloudFormation response shapes (as the SDK's schemas name them) and NextToken paging.
 */
import { validationError } from './query-protocol.js';
import type {
  ChangeSetRecord,
  ResourceChange,
  ResourceState,
  StackEvent,
  StackRecord,
} from './stack-model.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Offset paging with an opaque token bound to what is being listed. */
export function paginate<T>(
  items: T[],
  pageSize: number,
  token: string | undefined,
  scope: string,
): Page<T> {
  let start = 0;
  if (token) {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8') || '{}') as {
      scope?: string;
      at?: number;
    };
    if (decoded.scope !== scope || typeof decoded.at !== 'number')
      throw validationError('Invalid NextToken');
    start = decoded.at;
  }
  const end = start + pageSize;
  const nextToken =
    end < items.length
      ? Buffer.from(JSON.stringify({ scope, at: end })).toString('base64url')
      : undefined;
  return { items: items.slice(start, end), nextToken };
}

/**
 * Newest-first pages of a stack's events. The token remembers how many events existed when
 * paging began, so events written meanwhile do not shift later pages.
 */
export function pageEvents(
  stack: StackRecord,
  pageSize: number,
  token: string | undefined,
): Page<StackEvent> {
  let end = stack.events.length;
  if (token) {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8') || '{}') as {
      stack?: string;
      before?: number;
    };
    if (decoded.stack !== stack.stackId || typeof decoded.before !== 'number')
      throw validationError('Invalid NextToken');
    end = decoded.before;
  }
  const start = Math.max(0, end - pageSize);
  const items = stack.events.slice(start, end).reverse();
  const nextToken =
    start > 0
      ? Buffer.from(JSON.stringify({ stack: stack.stackId, before: start })).toString('base64url')
      : undefined;
  return { items, nextToken };
}

export function stackXml(stack: StackRecord): Record<string, unknown> {
  const deployed = stack.deployed;
  const executed = stack.changeSets.find((cs) => cs.executionStatus.startsWith('EXECUTE'));
  return {
    StackId: stack.stackId,
    StackName: stack.name,
    ChangeSetId: executed?.id,
    Description: deployed?.template.Description,
    Parameters: deployed?.parameters.described ?? [],
    CreationTime: stack.creationTime,
    DeletionTime: stack.deletionTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DisableRollback: stack.disableRollback,
    NotificationARNs: [],
    Capabilities: deployed?.capabilities ?? [],
    Outputs: stack.outputs,
    RoleARN: deployed?.roleArn,
    Tags: stack.tags,
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
    LastOperations: lastOperations(stack),
  };
}

/** The latest operation, preceded by the one it rolled back if it is an automatic rollback. */
function lastOperations(stack: StackRecord): Array<{ OperationType: string; OperationId: string }> {
  const ops = stack.operations.slice(-2).reverse();
  const latest = ops[0]?.OperationType === 'ROLLBACK' ? ops : ops.slice(0, 1);
  return latest.map((op) => ({ OperationType: op.OperationType, OperationId: op.OperationId }));
}

export function stackSummaryXml(stack: StackRecord): Record<string, unknown> {
  return {
    StackId: stack.stackId,
    StackName: stack.name,
    TemplateDescription: stack.deployed?.template.Description,
    CreationTime: stack.creationTime,
    LastUpdatedTime: stack.lastUpdatedTime,
    DeletionTime: stack.deletionTime,
    StackStatus: stack.status,
    StackStatusReason: stack.statusReason,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function stackResourceXml(stack: StackRecord, r: ResourceState): Record<string, unknown> {
  return {
    StackName: stack.name,
    StackId: stack.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId,
    ResourceType: r.type,
    Timestamp: r.timestamp,
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

/**
 * DescribeStackResource's StackResourceDetail: the resource with its Metadata, references
 * resolved (`resolve`), as JSON text. Resolved when asked, as cfn-init reads it.
 */
export function stackResourceDetailXml(
  stack: StackRecord,
  r: ResourceState,
  resolve: (metadata: unknown) => unknown,
): Record<string, unknown> {
  const declared = stack.deployed?.template.Resources[r.logicalId]?.Metadata;
  const { Timestamp, ...resource } = stackResourceXml(stack, r);
  return {
    ...resource,
    LastUpdatedTimestamp: Timestamp,
    Metadata: declared === undefined ? undefined : JSON.stringify(resolve(declared)),
  };
}

export function eventXml(event: StackEvent): Record<string, unknown> {
  return { ...event };
}

function changeXml(change: ResourceChange, includeValues: boolean): Record<string, unknown> {
  const details = change.Details.map((d) => {
    if (includeValues) return d;
    const target = { ...d.Target };
    delete target.BeforeValue;
    delete target.AfterValue;
    delete target.AttributeChangeType;
    return { ...d, Target: target };
  });
  const { BeforeContext, AfterContext, ...rest } = change;
  return {
    Type: 'Resource',
    ResourceChange: {
      ...rest,
      Details: details,
      ...(includeValues ? { BeforeContext, AfterContext } : {}),
    },
  };
}

export function changeSetSummaryXml(cs: ChangeSetRecord): Record<string, unknown> {
  return {
    StackId: cs.stackId,
    StackName: cs.stackName,
    ChangeSetId: cs.id,
    ChangeSetName: cs.name,
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    CreationTime: cs.creationTime,
    Description: cs.description,
    IncludeNestedStacks: false,
  };
}

export function changeSetXml(cs: ChangeSetRecord, includeValues: boolean): Record<string, unknown> {
  const ready = cs.status === 'CREATE_COMPLETE';
  return {
    ChangeSetName: cs.name,
    ChangeSetId: cs.id,
    StackId: cs.stackId,
    StackName: cs.stackName,
    Description: cs.description,
    Parameters: cs.deployment.parameters.described,
    CreationTime: cs.creationTime,
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    NotificationARNs: [],
    RollbackConfiguration: {},
    Capabilities: cs.deployment.capabilities,
    Tags: cs.deployment.tags,
    Changes: ready ? cs.changes.map((c) => changeXml(c, includeValues)) : [],
    IncludeNestedStacks: false,
  };
}
