/**
 * Places a stack directly in any state, as if earlier runs (or people) had left it there, so the
 * action's state recovery can be exercised.
 */
import type { CloudFormationService } from './cloudformation.js';
import { dependenciesOf, parseTemplate } from './template.js';
import { topologicalOrder } from './dependency-graph.js';
import { resolveParameters } from './parameters.js';
import { newPhysicalId } from './resource-values.js';
import {
  beginOperation,
  isInProgress,
  resourceEvent,
  stackArn,
  stackEvent,
  type Deployment,
  type OperationType,
  type ResourceState,
  type StackRecord,
  type Tag,
} from './stack-model.js';

export interface SeedStackOptions {
  name: string;
  status: string;
  statusReason?: string;
  tags?: Record<string, string> | Tag[];
  parameters?: Record<string, string>;
  /** Defaults to a one-resource template declaring `parameters` as String parameters. */
  templateBody?: string;
  /** Defaults to the template's Outputs, evaluated, for stacks whose resources exist. */
  outputs?: Record<string, string>;
  /** For *_FAILED states: the resources that failed (default: the one everything else depends on). */
  failedResources?: string[];
  /** For *_IN_PROGRESS states: finish after this long (otherwise the stack stays in progress). */
  settleAfterMs?: number;
  /** The status reached on settling; defaults to the natural end of the in-progress status. */
  finalStatus?: string;
  /** Token of the (imaginary) operation that left the stack like this. */
  clientRequestToken?: string;
  createdAt?: Date;
}

const NATURAL_END: Record<string, string> = {
  CREATE_IN_PROGRESS: 'CREATE_COMPLETE',
  UPDATE_IN_PROGRESS: 'UPDATE_COMPLETE',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_COMPLETE',
  DELETE_IN_PROGRESS: 'DELETE_COMPLETE',
  ROLLBACK_IN_PROGRESS: 'ROLLBACK_COMPLETE',
  UPDATE_ROLLBACK_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE',
  UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_ROLLBACK_COMPLETE',
};

const FAILED_RESOURCE_STATUS: Record<string, string> = {
  DELETE_FAILED: 'DELETE_FAILED',
  ROLLBACK_FAILED: 'DELETE_FAILED',
  UPDATE_ROLLBACK_FAILED: 'UPDATE_FAILED',
  UPDATE_FAILED: 'UPDATE_FAILED',
  CREATE_FAILED: 'CREATE_FAILED',
};

function runningOperationType(status: string): OperationType | undefined {
  if (!isInProgress(status) || status === 'REVIEW_IN_PROGRESS') return undefined;
  if (status.startsWith('UPDATE_ROLLBACK') || status.startsWith('ROLLBACK')) return 'ROLLBACK';
  if (status.startsWith('UPDATE')) return 'UPDATE_STACK';
  return status.startsWith('DELETE') ? 'DELETE_STACK' : 'CREATE_STACK';
}

function defaultTemplate(parameters: Record<string, string>): string {
  return JSON.stringify({
    Parameters: Object.fromEntries(Object.keys(parameters).map((k) => [k, { Type: 'String' }])),
    Resources: { Placeholder: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
  });
}

function tagList(tags: SeedStackOptions['tags']): Tag[] {
  if (!tags) return [];
  return Array.isArray(tags) ? tags : Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function failureReason(status: string, failed: string[]): string | undefined {
  const verb = {
    DELETE_FAILED: 'delete',
    ROLLBACK_FAILED: 'delete',
    UPDATE_ROLLBACK_FAILED: 'update',
    UPDATE_FAILED: 'update',
    CREATE_FAILED: 'create',
  }[status];
  return verb ? `The following resource(s) failed to ${verb}: [${failed.join(', ')}]. ` : undefined;
}

/** The resource most others (transitively) depend on: a VPC, typically, stuck on deletion. */
function mostDependedOn(order: string[], dependsOn: (id: string) => string[]): string[] {
  const closure = (id: string, seen = new Set<string>()): Set<string> => {
    for (const dep of dependsOn(id)) if (!seen.has(dep)) closure(dep, seen.add(dep));
    return seen;
  };
  const counts = new Map<string, number>(order.map((id) => [id, 0]));
  for (const id of order)
    for (const dep of closure(id)) counts.set(dep, (counts.get(dep) ?? 0) + 1);
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best ? [best[0]] : [];
}

export function seedStack(cfn: CloudFormationService, options: SeedStackOptions): StackRecord {
  const given = options.parameters ?? {};
  const body = options.templateBody ?? defaultTemplate(given);
  const template = parseTemplate(body);
  const inputs = Object.entries(given).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
  const parameters = resolveParameters(template, inputs, undefined, cfn.ssm);
  const tags = tagList(options.tags);
  const deployment: Deployment = {
    template,
    templateBody: body,
    parameters,
    tags,
    capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
  };
  const status = options.status;
  const stack: StackRecord = {
    stackId: stackArn(cfn.region, cfn.accountId, options.name),
    name: options.name,
    status,
    creationTime: options.createdAt ?? new Date(Date.now() - 3_600_000),
    deployed: status === 'REVIEW_IN_PROGRESS' ? undefined : deployment,
    tags,
    resources: new Map(),
    outputs: [],
    events: [],
    changeSets: [],
    operations: [],
    disableRollback: false,
  };
  cfn.allStacks.push(stack);
  const token = options.clientRequestToken;
  const running = runningOperationType(status);
  if (running) beginOperation(stack, running);
  let failed: string[] = [];
  if (stack.deployed) {
    const evaluator = cfn.evaluator(stack, deployment);
    const dependsOn = (id: string) => dependenciesOf(template, id);
    const order = topologicalOrder(evaluator.activeResources(), dependsOn);
    const failedStatus = FAILED_RESOURCE_STATUS[status];
    failed = failedStatus ? (options.failedResources ?? mostDependedOn(order, dependsOn)) : [];
    // Resources a failed one depends on could not be touched; under a failed delete, the rest is gone.
    const blocked = new Set<string>();
    const block = (id: string) =>
      dependsOn(id).forEach((dep) => blocked.has(dep) || (blocked.add(dep), block(dep)));
    failed.forEach(block);
    const gone = status === 'ROLLBACK_COMPLETE' || status === 'DELETE_COMPLETE';
    for (const id of order) {
      const declaration = template.Resources[id];
      if (!declaration) continue;
      let properties: Record<string, unknown> = {};
      try {
        properties = evaluator.evaluate(declaration.Properties ?? {}) as Record<string, unknown>;
      } catch {
        // A seeded template may reference values only a real deployment would have.
      }
      const resource: ResourceState = {
        logicalId: id,
        type: declaration.Type,
        physicalId: newPhysicalId(declaration.Type, id, properties, cfn.placement(stack)),
        status: 'NONE',
        timestamp: new Date(),
        properties,
        deletionPolicy: declaration.DeletionPolicy,
      };
      stack.resources.set(id, resource);
      let resourceStatus = status.startsWith('UPDATE') ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE';
      if (gone) resourceStatus = 'DELETE_COMPLETE';
      if (failedStatus && failed.includes(id)) resourceStatus = failedStatus;
      else if (failedStatus === 'DELETE_FAILED' && !blocked.has(id))
        resourceStatus = 'DELETE_COMPLETE';
      resourceEvent(
        stack,
        resource,
        resourceStatus,
        failed.includes(id) ? 'Seeded failure' : undefined,
        token,
      );
    }
    const complete = !gone && !isInProgress(status) && !FAILED_RESOURCE_STATUS[status];
    stack.outputs = options.outputs
      ? Object.entries(options.outputs).map(([OutputKey, OutputValue]) => ({
          OutputKey,
          OutputValue,
        }))
      : complete
        ? cfn.outputsOf(stack, deployment)
        : [];
  }
  if (status === 'DELETE_COMPLETE') stack.deletionTime = new Date();
  stackEvent(stack, status, options.statusReason ?? failureReason(status, failed), token);
  const finalStatus = options.finalStatus ?? NATURAL_END[status];
  if (options.settleAfterMs !== undefined && finalStatus)
    cfn.engine.settle(stack, finalStatus, options.settleAfterMs, token);
  return stack;
}
