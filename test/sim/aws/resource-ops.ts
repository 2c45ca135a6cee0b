/**
 * One resource's part in a stack operation: the events CloudFormation writes for it, the time it
 * takes, and the failures injected into it.
 */
import { changedProperties, replaces } from './changes.js';
import { TaskFailure, sleep } from './dependency-graph.js';
import type { ResourceFaults } from './faults.js';
import type { Evaluator } from './intrinsics.js';
import type { ResourceProvider } from './resource-provider.js';
import type { ResourceSpec } from './resource-spec.js';
import { customNameOf, newPhysicalId, type Placement } from './resource-values.js';
import {
  resourceEvent,
  type Deployment,
  type ResourceState,
  type RollbackPlan,
  type StackRecord,
} from './stack-model.js';

export interface EngineContext {
  spec: ResourceSpec;
  faults: ResourceFaults;
  provider: ResourceProvider;
  shutdown: AbortSignal;
  delayFor(logicalId: string, type: string): number;
  /** The pause between an operation's last resource and the stack's final event. */
  settleDelay(): number;
  placement(stack: StackRecord): Placement;
  /** An evaluator of `deployment` that resolves resources from the stack as it is right now. */
  evaluator(stack: StackRecord, deployment: Deployment): Evaluator;
}

export class ResourceOps {
  constructor(
    private readonly ctx: EngineContext,
    private readonly stack: StackRecord,
    private readonly token: string | undefined,
  ) {}

  get shutdown(): AbortSignal {
    return this.ctx.shutdown;
  }

  event(resource: ResourceState, status: string, reason?: string): void {
    resourceEvent(this.stack, resource, status, reason, this.token);
  }

  private async wait(resource: ResourceState, signal: AbortSignal): Promise<void> {
    await sleep(this.ctx.delayFor(resource.logicalId, resource.type), undefined, { signal });
  }

  private fail(resource: ResourceState, status: string, reason: string): never {
    this.event(resource, status, reason);
    throw new TaskFailure(reason);
  }

  /** Evaluates a resource's properties, turning template errors into a resource failure. */
  private properties(
    deployment: Deployment,
    id: string,
    resource: ResourceState,
    failStatus: string,
  ) {
    try {
      const declared = deployment.template.Resources[id]?.Properties ?? {};
      return this.ctx.evaluator(this.stack, deployment).evaluate(declared) as Record<
        string,
        unknown
      >;
    } catch (error) {
      return this.fail(
        resource,
        failStatus,
        error instanceof Error ? error.message : String(error),
      );
    }
  }

  async create(
    id: string,
    deployment: Deployment,
    signal: AbortSignal,
    plan?: RollbackPlan,
  ): Promise<void> {
    const declaration = deployment.template.Resources[id];
    if (!declaration) return;
    const resource: ResourceState = {
      logicalId: id,
      type: declaration.Type,
      status: 'NOT_STARTED',
      timestamp: new Date(),
      properties: {},
      deletionPolicy: declaration.DeletionPolicy,
    };
    this.stack.resources.set(id, resource);
    plan?.created.push(id);
    this.event(resource, 'CREATE_IN_PROGRESS');
    resource.properties = this.properties(deployment, id, resource, 'CREATE_FAILED');
    resource.physicalId = newPhysicalId(
      resource.type,
      id,
      resource.properties,
      this.ctx.placement(this.stack),
    );
    this.event(resource, 'CREATE_IN_PROGRESS', 'Resource creation Initiated');
    await this.wait(resource, signal);
    const failure =
      this.ctx.faults.take(this.stack.name, id, 'create') ?? this.ctx.provider.create(resource);
    if (failure) this.fail(resource, 'CREATE_FAILED', failure);
    this.event(resource, 'CREATE_COMPLETE');
  }

  async update(
    id: string,
    deployment: Deployment,
    signal: AbortSignal,
    plan: RollbackPlan,
    tagsChanged: boolean,
  ): Promise<void> {
    const resource = this.stack.resources.get(id);
    const declaration = deployment.template.Resources[id];
    if (!resource || !declaration) return;
    const after = this.properties(deployment, id, resource, 'UPDATE_FAILED');
    const changes = changedProperties(this.ctx.spec, resource.type, resource.properties, after);
    resource.deletionPolicy = declaration.DeletionPolicy;
    const retagged = tagsChanged && this.ctx.spec.get(resource.type)?.taggable !== false;
    if (changes.length === 0 && !retagged) return;
    plan.updated.push(id);
    const replacing = replaces(changes);
    const previousName = customNameOf(resource.type, resource.properties);
    resource.properties = after;
    if (replacing) {
      this.event(
        resource,
        'UPDATE_IN_PROGRESS',
        'Requested update requires the creation of a new physical resource; hence creating one.',
      );
      // The replacement is created before the old resource goes, so it cannot reuse the name.
      if (previousName !== undefined && previousName === customNameOf(resource.type, after)) {
        this.fail(
          resource,
          'UPDATE_FAILED',
          `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${previousName} and update the stack again.`,
        );
      }
      const previous = resource.physicalId ?? '';
      resource.physicalId = newPhysicalId(resource.type, id, after, this.ctx.placement(this.stack));
      plan.replaced.set(id, { previous, replacement: resource.physicalId });
      this.event(resource, 'UPDATE_IN_PROGRESS', 'Resource creation Initiated');
    } else {
      this.event(resource, 'UPDATE_IN_PROGRESS');
    }
    await this.wait(resource, signal);
    const failure =
      this.ctx.faults.take(this.stack.name, id, 'update') ??
      (replacing ? this.ctx.provider.create(resource) : undefined);
    if (failure) this.fail(resource, 'UPDATE_FAILED', failure);
    this.event(resource, 'UPDATE_COMPLETE');
  }

  /** Puts a resource back the way it was before the update being rolled back. */
  async revert(id: string, plan: RollbackPlan, skip: boolean, signal: AbortSignal): Promise<void> {
    const resource = this.stack.resources.get(id);
    const previous = plan.previousResources.get(id);
    if (!resource || !previous) return;
    if (skip) {
      this.event(resource, 'UPDATE_COMPLETE', 'Resource skipped during rollback');
      return;
    }
    resource.physicalId = previous.physicalId;
    resource.properties = previous.properties;
    resource.deletionPolicy = previous.deletionPolicy;
    this.event(resource, 'UPDATE_IN_PROGRESS');
    await this.wait(resource, signal);
    const failure = this.ctx.faults.take(this.stack.name, id, 'rollback');
    if (failure) this.fail(resource, 'UPDATE_FAILED', failure);
    this.event(resource, 'UPDATE_COMPLETE');
  }

  /** Deletes (or, under a Retain policy, skips) a resource; `resource` may be a detached old copy. */
  async remove(resource: ResourceState, policy: string, signal: AbortSignal): Promise<void> {
    if (policy === 'Retain') {
      this.event(resource, 'DELETE_SKIPPED');
      return;
    }
    const blocked = this.ctx.provider.deletionBlocker(this.stack, resource);
    this.event(resource, 'DELETE_IN_PROGRESS');
    await this.wait(resource, signal);
    const failure =
      this.ctx.faults.take(this.stack.name, resource.logicalId, 'delete') ??
      blocked ??
      this.ctx.provider.delete(this.stack, resource, policy);
    if (failure) this.fail(resource, 'DELETE_FAILED', failure);
    this.event(resource, 'DELETE_COMPLETE');
  }
}
