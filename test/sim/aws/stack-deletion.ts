/**
 * Deleting a stack's resources: in reverse dependency order, honouring deletion policies, with a
 * failure blocking only the resources it depends on (as CloudFormation's delete does).
 */
import { dependents, runGraph } from './dependency-graph.js';
import { effectivePolicy } from './resource-provider.js';
import type { ResourceOps } from './resource-ops.js';
import type { ResourceState, RollbackPlan, StackRecord } from './stack-model.js';
import { dependsOnIn, type Template } from './template.js';

export interface DeletionScope {
  /** The template whose dependencies order the deletion (reversed). */
  template: Template | undefined;
  /** Resources to skip (DeleteStack's RetainResources). */
  retain?: string[];
  /** Default: every resource still present. */
  only?: string[];
  /** Rolling back resources this operation created: RetainExceptOnCreate then deletes. */
  undoingCreation?: boolean;
}

function policyFor(resource: ResourceState, scope: DeletionScope): string {
  if (scope.retain?.includes(resource.logicalId)) return 'Retain';
  const policy = effectivePolicy(resource.type, resource.deletionPolicy);
  if (policy === 'RetainExceptOnCreate') return scope.undoingCreation ? 'Delete' : 'Retain';
  return policy;
}

/** Deletes the resources in scope; returns the logical IDs that failed to delete. */
export async function deleteResources(
  ops: ResourceOps,
  stack: StackRecord,
  scope: DeletionScope,
): Promise<string[]> {
  const ids = (scope.only ?? [...stack.resources.keys()]).filter((id) => {
    const status = stack.resources.get(id)?.status;
    return status !== undefined && status !== 'DELETE_COMPLETE' && status !== 'DELETE_SKIPPED';
  });
  const result = await runGraph({
    ids,
    dependsOn: dependents(ids, dependsOnIn(scope.template)),
    task: async (id, signal) => {
      const resource = stack.resources.get(id);
      if (resource) await ops.remove(resource, policyFor(resource, scope), signal);
    },
    onFailure: 'continue',
    shutdown: ops.shutdown,
  });
  return result.failed;
}

/**
 * Deletes what replacements left behind: after an update the old physical resources (under
 * UpdateReplacePolicy), after a rollback the new ones. Failures here do not fail the stack.
 */
export async function deleteReplaced(
  ops: ResourceOps,
  stack: StackRecord,
  plan: RollbackPlan,
  which: 'previous' | 'replacement',
  template: Template | undefined,
): Promise<void> {
  await Promise.all(
    [...plan.replaced].map(async ([id, ids]) => {
      const current = stack.resources.get(id);
      if (!current) return;
      const detached: ResourceState = { ...current, physicalId: ids[which] };
      const policy =
        which === 'replacement'
          ? 'Delete'
          : effectivePolicy(current.type, template?.Resources[id]?.UpdateReplacePolicy);
      await ops.remove(detached, policy, ops.shutdown).catch(() => {});
    }),
  );
}
