/**
 * Runs stack operations the way CloudFormation does: create, update (with cleanup), delete, and
 * the rollbacks that follow a failure, writing the stack and resource events as it goes.
 */
import { isLive, sameValue } from './changes.js';
import { runGraph, sleep } from './dependency-graph.js';
import { ResourceOps, type EngineContext } from './resource-ops.js';
import {
  beginOperation,
  endOperation,
  stackEvent,
  type OperationType,
  type Deployment,
  type Output,
  type ResourceState,
  type RollbackPlan,
  type StackRecord,
} from './stack-model.js';
import { deleteReplaced, deleteResources } from './stack-deletion.js';
import { dependsOnIn } from './template.js';

export type { EngineContext } from './resource-ops.js';

function cloneResources(resources: Map<string, ResourceState>): Map<string, ResourceState> {
  return new Map([...resources].map(([id, r]) => [id, { ...r }]));
}

export class StackEngine {
  constructor(
    private readonly ctx: EngineContext,
    private readonly outputsOf: (stack: StackRecord, deployment: Deployment) => Output[],
  ) {}

  /** Starts `work` in the background; the stack's `operation` resolves when it is done. */
  private start(
    stack: StackRecord,
    type: OperationType | undefined,
    work: () => Promise<void>,
  ): void {
    if (type) beginOperation(stack, type);
    stack.operation = work()
      .then(() => endOperation(stack))
      .catch((error: unknown) => {
        if (!this.ctx.shutdown.aborted)
          console.error('aws simulator: stack operation crashed', error);
      });
  }

  /**
   * The pause between an operation's last resource and the stack's own event that follows it:
   * seconds in CloudFormation (`stackSettleMs`), during which the stack is still in progress.
   */
  private async pauseBeforeStackEvent(): Promise<void> {
    const ms = this.ctx.settleDelay();
    if (ms > 0) await sleep(ms, undefined, { signal: this.ctx.shutdown });
  }

  /** An automatic rollback is an operation of its own, following the one that failed. */
  private beginRollback(stack: StackRecord): void {
    endOperation(stack, false);
    beginOperation(stack, 'ROLLBACK');
  }

  create(
    stack: StackRecord,
    deployment: Deployment,
    token: string | undefined,
    disableRollback: boolean,
  ): void {
    this.start(stack, 'CREATE_STACK', async () => {
      const ops = new ResourceOps(this.ctx, stack, token);
      stack.deployed = deployment;
      stack.tags = deployment.tags;
      stackEvent(stack, 'CREATE_IN_PROGRESS', 'User Initiated', token);
      const template = deployment.template;
      const result = await runGraph({
        ids: this.ctx.evaluator(stack, deployment).activeResources(),
        dependsOn: dependsOnIn(template),
        task: (id, signal) => ops.create(id, deployment, signal),
        onFailure: 'stop',
        shutdown: this.ctx.shutdown,
      });
      if (this.ctx.shutdown.aborted) return;
      if (result.failed.length === 0) {
        await this.pauseBeforeStackEvent();
        stack.outputs = this.outputsOf(stack, deployment);
        stackEvent(stack, 'CREATE_COMPLETE', undefined, token);
        return;
      }
      for (const id of result.cancelled) {
        const resource = stack.resources.get(id);
        if (resource) ops.event(resource, 'CREATE_FAILED', 'Resource creation cancelled');
      }
      const reason = `The following resource(s) failed to create: [${[...result.failed, ...result.cancelled].join(', ')}]. `;
      if (disableRollback) {
        await this.pauseBeforeStackEvent();
        stackEvent(stack, 'CREATE_FAILED', reason, token);
        return;
      }
      this.beginRollback(stack);
      stackEvent(stack, 'ROLLBACK_IN_PROGRESS', `${reason}Rollback requested by user.`, token);
      const undeleted = await deleteResources(ops, stack, { template, undoingCreation: true });
      await this.pauseBeforeStackEvent();
      if (undeleted.length > 0) {
        stackEvent(
          stack,
          'ROLLBACK_FAILED',
          `The following resource(s) failed to delete: [${undeleted.join(', ')}]. `,
          token,
        );
      } else {
        stackEvent(stack, 'ROLLBACK_COMPLETE', undefined, token);
      }
    });
  }

  update(
    stack: StackRecord,
    next: Deployment,
    token: string | undefined,
    disableRollback: boolean,
  ): void {
    this.start(stack, 'UPDATE_STACK', async () => {
      const ops = new ResourceOps(this.ctx, stack, token);
      const previous = stack.deployed ?? next;
      const plan: RollbackPlan = {
        previous,
        attempted: next.template,
        previousResources: cloneResources(stack.resources),
        previousOutputs: stack.outputs,
        created: [],
        updated: [],
        replaced: new Map(),
      };
      stackEvent(stack, 'UPDATE_IN_PROGRESS', 'User Initiated', token);
      stack.deployed = next;
      stack.tags = next.tags;
      const tagsChanged = !sameValue(previous.tags, next.tags);
      const active = this.ctx.evaluator(stack, next).activeResources();
      const live = (id: string) => {
        const resource = stack.resources.get(id);
        return resource !== undefined && isLive(resource);
      };
      const result = await runGraph({
        ids: active,
        dependsOn: dependsOnIn(next.template),
        task: (id, signal) =>
          live(id)
            ? ops.update(id, next, signal, plan, tagsChanged)
            : ops.create(id, next, signal, plan),
        onFailure: 'stop',
        shutdown: this.ctx.shutdown,
      });
      if (this.ctx.shutdown.aborted) return;
      if (result.failed.length > 0) {
        for (const id of result.cancelled) {
          const resource = stack.resources.get(id);
          const creating = plan.created.includes(id);
          if (resource)
            ops.event(
              resource,
              creating ? 'CREATE_FAILED' : 'UPDATE_FAILED',
              creating ? 'Resource creation cancelled' : 'Resource update cancelled',
            );
        }
        const verb = plan.created.includes(result.failed[0] ?? '') ? 'create' : 'update';
        const reason = `The following resource(s) failed to ${verb}: [${result.failed.join(', ')}]. `;
        if (disableRollback) {
          await this.pauseBeforeStackEvent();
          stackEvent(stack, 'UPDATE_FAILED', reason, token);
          return;
        }
        this.beginRollback(stack);
        stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', reason, token);
        stack.pendingRollback = plan;
        await this.rollBackUpdate(stack, ops, token, plan, []);
        return;
      }
      await this.pauseBeforeStackEvent();
      stack.outputs = this.outputsOf(stack, next);
      stackEvent(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', undefined, token);
      const removed = [...plan.previousResources.values()].filter(
        (r) => isLive(r) && !active.includes(r.logicalId),
      );
      await deleteResources(ops, stack, {
        template: previous.template,
        only: removed.map((r) => r.logicalId),
      });
      for (const r of removed) stack.resources.delete(r.logicalId);
      await deleteReplaced(ops, stack, plan, 'previous', next.template);
      stackEvent(stack, 'UPDATE_COMPLETE', undefined, token);
    });
  }

  /** ContinueUpdateRollback, also for stacks seeded in UPDATE_ROLLBACK_FAILED without a plan. */
  continueRollback(stack: StackRecord, token: string | undefined, skip: string[]): void {
    this.start(stack, 'CONTINUE_ROLLBACK', async () => {
      const ops = new ResourceOps(this.ctx, stack, token);
      const previous = stack.deployed;
      if (!previous) return;
      // A seeded UPDATE_ROLLBACK_FAILED stack has no plan: retry what is marked UPDATE_FAILED.
      const plan: RollbackPlan = stack.pendingRollback ?? {
        previous,
        attempted: previous.template,
        previousResources: cloneResources(stack.resources),
        previousOutputs: stack.outputs,
        created: [],
        updated: [...stack.resources.values()]
          .filter((r) => r.status === 'UPDATE_FAILED')
          .map((r) => r.logicalId),
        replaced: new Map(),
      };
      stackEvent(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', undefined, token);
      await this.rollBackUpdate(stack, ops, token, plan, skip);
    });
  }

  private async rollBackUpdate(
    stack: StackRecord,
    ops: ResourceOps,
    token: string | undefined,
    plan: RollbackPlan,
    skip: string[],
  ) {
    const toRevert = plan.updated.filter((id) => !plan.created.includes(id));
    const result = await runGraph({
      ids: toRevert,
      dependsOn: dependsOnIn(plan.previous.template),
      task: (id, signal) => ops.revert(id, plan, skip.includes(id), signal),
      onFailure: 'continue',
      shutdown: this.ctx.shutdown,
    });
    if (this.ctx.shutdown.aborted) return;
    await this.pauseBeforeStackEvent();
    if (result.failed.length > 0) {
      plan.updated = [...result.failed, ...result.blocked];
      stack.pendingRollback = plan;
      const reason = `The following resource(s) failed to update: [${result.failed.join(', ')}]. `;
      stackEvent(stack, 'UPDATE_ROLLBACK_FAILED', reason, token);
      return;
    }
    stack.deployed = plan.previous;
    stack.tags = plan.previous.tags;
    stack.outputs = plan.previousOutputs;
    stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', undefined, token);
    const created = plan.created.filter((id) => {
      const resource = stack.resources.get(id);
      return resource && resource.status !== 'DELETE_COMPLETE';
    });
    await deleteResources(ops, stack, {
      template: plan.attempted,
      only: created,
      undoingCreation: true,
    });
    for (const id of created) stack.resources.delete(id);
    await deleteReplaced(ops, stack, plan, 'replacement', undefined);
    stack.pendingRollback = undefined;
    stackEvent(stack, 'UPDATE_ROLLBACK_COMPLETE', undefined, token);
  }

  delete(stack: StackRecord, token: string | undefined, retain: string[]): void {
    this.start(stack, 'DELETE_STACK', async () => {
      const ops = new ResourceOps(this.ctx, stack, token);
      stackEvent(stack, 'DELETE_IN_PROGRESS', 'User Initiated', token);
      const undeleted = await deleteResources(ops, stack, {
        template: stack.deployed?.template,
        retain,
      });
      if (this.ctx.shutdown.aborted) return;
      await this.pauseBeforeStackEvent();
      if (undeleted.length > 0) {
        stackEvent(
          stack,
          'DELETE_FAILED',
          `The following resource(s) failed to delete: [${undeleted.join(', ')}]. `,
          token,
        );
        return;
      }
      stack.deletionTime = new Date();
      stack.changeSets = [];
      stackEvent(stack, 'DELETE_COMPLETE', undefined, token);
    });
  }

  /** Brings a seeded *_IN_PROGRESS stack to `finalStatus` after `afterMs`, as another run would. */
  settle(
    stack: StackRecord,
    finalStatus: string,
    afterMs: number,
    token: string | undefined,
  ): void {
    this.start(stack, undefined, async () => {
      await sleep(afterMs, undefined, { signal: this.ctx.shutdown });
      if (finalStatus === 'DELETE_COMPLETE' || finalStatus === 'ROLLBACK_COMPLETE') {
        const ops = new ResourceOps(this.ctx, stack, token);
        for (const r of stack.resources.values()) if (isLive(r)) ops.event(r, 'DELETE_COMPLETE');
      }
      if (finalStatus === 'DELETE_COMPLETE') {
        stack.deletionTime = new Date();
        stack.changeSets = [];
      }
      stackEvent(stack, finalStatus, undefined, token);
    });
  }
}
