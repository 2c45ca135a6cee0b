/**
 * The simulator's CloudFormation state: stacks, their resources, events and change sets.
 */
import { randomUUID } from 'node:crypto';
import type { ResolvedParameters } from './parameters.js';
import type { Template } from './template.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface Output {
  OutputKey: string;
  OutputValue: string;
  Description?: string;
  ExportName?: string;
}

export interface ResourceState {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  statusReason?: string;
  timestamp: Date;
  /** Properties as last provisioned, intrinsics resolved: what an update is compared against. */
  properties: Record<string, unknown>;
  deletionPolicy?: string;
}

export interface StackEvent {
  StackId: string;
  EventId: string;
  StackName: string;
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  Timestamp: Date;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  ClientRequestToken?: string;
  OperationId?: string;
}

export type OperationType =
  'CREATE_STACK' | 'UPDATE_STACK' | 'DELETE_STACK' | 'ROLLBACK' | 'CONTINUE_ROLLBACK';

/** A stack operation as DescribeEvents and LastOperations report it. */
export interface OperationRecord {
  OperationId: string;
  OperationType: OperationType;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  changeSetId?: string;
}

/** A template with its inputs: what a change set proposes and what a stack runs. */
export interface Deployment {
  template: Template;
  templateBody: string;
  parameters: ResolvedParameters;
  tags: Tag[];
  capabilities: string[];
  roleArn?: string;
}

export interface ResourceChangeDetail {
  Target: {
    Attribute: string;
    Name?: string;
    RequiresRecreation: string;
    BeforeValue?: string;
    AfterValue?: string;
    AttributeChangeType?: string;
  };
  Evaluation: 'Static' | 'Dynamic';
  ChangeSource: string;
  CausingEntity?: string;
}

export interface ResourceChange {
  Action: 'Add' | 'Modify' | 'Remove';
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType: string;
  Replacement?: 'True' | 'False' | 'Conditional';
  Scope: string[];
  Details: ResourceChangeDetail[];
  BeforeContext?: string;
  AfterContext?: string;
}

export interface ChangeSetRecord {
  id: string;
  name: string;
  stackId: string;
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  executionStatus: string;
  statusReason?: string;
  creationTime: Date;
  description?: string;
  clientToken?: string;
  executionToken?: string;
  deployment: Deployment;
  changes: ResourceChange[];
}

/** Resources to restore and to clean up if an interrupted update rollback is continued. */
export interface RollbackPlan {
  previous: Deployment;
  /** The template the update tried to apply; its dependencies order the cleanup. */
  attempted: Template;
  previousResources: Map<string, ResourceState>;
  previousOutputs: Output[];
  /** Resources the update created, removed again by the rollback's cleanup. */
  created: string[];
  /** Resources the update changed, restored by the rollback. */
  updated: string[];
  /** Replaced resources: the old physical ID comes back, the replacement is deleted. */
  replaced: Map<string, { previous: string; replacement: string }>;
}

export interface StackRecord {
  stackId: string;
  name: string;
  status: string;
  statusReason?: string;
  creationTime: Date;
  lastUpdatedTime?: Date;
  deletionTime?: Date;
  /** Undefined while the stack is only a REVIEW_IN_PROGRESS placeholder. */
  deployed?: Deployment;
  description?: string;
  tags: Tag[];
  resources: Map<string, ResourceState>;
  outputs: Output[];
  events: StackEvent[];
  changeSets: ChangeSetRecord[];
  /** Oldest first; events of an operation carry its OperationId. */
  operations: OperationRecord[];
  disableRollback: boolean;
  pendingRollback?: RollbackPlan;
  /** The running operation, so callers can await a settled stack. */
  operation?: Promise<void>;
}

export const STACK_TYPE = 'AWS::CloudFormation::Stack';

export function stackArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:stack/${name}/${randomUUID()}`;
}

export function changeSetArn(region: string, accountId: string, name: string): string {
  return `arn:aws:cloudformation:${region}:${accountId}:changeSet/${name}/${randomUUID()}`;
}

export function isInProgress(status: string): boolean {
  return status.endsWith('_IN_PROGRESS');
}

function runningOperation(stack: StackRecord): string | undefined {
  const last = stack.operations.at(-1);
  return last?.status === 'IN_PROGRESS' ? last.OperationId : undefined;
}

export function beginOperation(stack: StackRecord, type: OperationType): OperationRecord {
  const operation: OperationRecord = {
    OperationId: randomUUID(),
    OperationType: type,
    status: 'IN_PROGRESS',
  };
  stack.operations.push(operation);
  return operation;
}

/** Ends the running operation, judged by the status the stack has reached. */
export function endOperation(
  stack: StackRecord,
  succeeded = stack.status.endsWith('_COMPLETE'),
): void {
  const last = stack.operations.at(-1);
  if (last?.status === 'IN_PROGRESS') last.status = succeeded ? 'SUCCEEDED' : 'FAILED';
}

/** Appends a stack-level event and moves the stack to `status`. */
export function stackEvent(
  stack: StackRecord,
  status: string,
  reason: string | undefined,
  token: string | undefined,
): void {
  stack.status = status;
  stack.statusReason = reason;
  stack.events.push({
    StackId: stack.stackId,
    EventId: randomUUID(),
    StackName: stack.name,
    LogicalResourceId: stack.name,
    PhysicalResourceId: stack.stackId,
    ResourceType: STACK_TYPE,
    Timestamp: new Date(),
    ResourceStatus: status,
    ResourceStatusReason: reason,
    ClientRequestToken: token,
    OperationId: runningOperation(stack),
  });
}

/** Appends a resource event and moves the resource to `status`. */
export function resourceEvent(
  stack: StackRecord,
  resource: ResourceState,
  status: string,
  reason: string | undefined,
  token: string | undefined,
): void {
  const now = new Date();
  resource.status = status;
  resource.statusReason = reason;
  resource.timestamp = now;
  let eventId = `${resource.logicalId}-${status}-${now.toISOString()}`;
  // Watchers de-duplicate by EventId, so two events in the same millisecond must still differ.
  if (stack.events.slice(-50).some((e) => e.EventId === eventId))
    eventId += `-${randomUUID().slice(0, 8)}`;
  stack.events.push({
    StackId: stack.stackId,
    EventId: eventId,
    StackName: stack.name,
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId ?? '',
    ResourceType: resource.type,
    Timestamp: now,
    ResourceStatus: status,
    ResourceStatusReason: reason,
    ClientRequestToken: token,
    OperationId: runningOperation(stack),
  });
}
