/**
 * CreateChangeSet, DescribeChangeSet, ListChangeSets, ExecuteChangeSet and DeleteChangeSet.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { previewChanges, sameValue } from './changes.js';
import { changeSetSummaryXml, changeSetXml } from './cloudformation-views.js';
import { unknownValue, type Evaluator } from './intrinsics.js';
import {
  cannotUpdate,
  checkStackState,
  readDeployment,
  type InputHost,
} from './change-set-input.js';
import { QueryError, validationError, type QueryParams } from './query-protocol.js';
import type { StackEngine } from './stack-engine.js';
import type { Resolver } from './stack-evaluation.js';
import {
  changeSetArn,
  isInProgress,
  type ChangeSetRecord,
  type Deployment,
  type StackRecord,
  type Tag,
} from './stack-model.js';
import type { Template } from './template.js';
import { checkName } from './validation.js';

/** What the change-set handlers need from the CloudFormation service. */
export interface ChangeSetHost extends InputHost {
  region: string;
  accountId: string;
  changeSetDelayMs: number;
  shutdown: AbortSignal;
  engine: StackEngine;
  liveStack(nameOrId: string): StackRecord | undefined;
  stacks(): StackRecord[];
  /** A REVIEW_IN_PROGRESS stack for a first change set; `register` makes it visible. */
  placeholderStack(name: string, tags: Tag[]): StackRecord;
  register(stack: StackRecord): void;
  evaluator(stack: StackRecord, deployment: Deployment, resolver?: Resolver): Evaluator;
  attribute(stack: StackRecord, resourceId: string, attribute: string): unknown;
}

export const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

export class ChangeSets {
  constructor(private readonly host: ChangeSetHost) {}

  create(params: QueryParams): Record<string, unknown> {
    const name = params.string('StackName') ?? '';
    const csName = params.string('ChangeSetName') ?? '';
    checkName('stackName', name, true);
    checkName('changeSetName', csName, false);
    const type = params.string('ChangeSetType') ?? 'UPDATE';
    if (type !== 'CREATE' && type !== 'UPDATE') {
      throw validationError(`ChangeSetType ${type} is not supported by the simulator`);
    }
    const existing = this.host.liveStack(name);
    const token = params.string('ClientToken');
    const same = existing?.changeSets.find((cs) => cs.name === csName);
    if (same && token !== undefined && same.clientToken === token)
      return { Id: same.id, StackId: same.stackId };
    if (same)
      throw new QueryError('AlreadyExistsException', `ChangeSet [${csName}] already exists`);
    checkStackState(type, name, csName, existing);
    const previous = type === 'UPDATE' ? existing?.deployed : undefined;
    const deployment = readDeployment(this.host, params, existing, previous);
    const tags = deployment.tags;

    const stack = existing ?? this.host.placeholderStack(name, tags);
    const { changes, unchanged } = this.preview(stack, previous, deployment);
    // Only a change set that passed every check leaves a stack behind.
    if (!existing) this.host.register(stack);
    if (stack.status === 'REVIEW_IN_PROGRESS') stack.tags = tags;
    const cs: ChangeSetRecord = {
      id: changeSetArn(this.host.region, this.host.accountId, csName),
      name: csName,
      stackId: stack.stackId,
      stackName: stack.name,
      type,
      status: 'CREATE_PENDING',
      executionStatus: 'UNAVAILABLE',
      creationTime: new Date(),
      description: params.string('Description'),
      clientToken: token,
      deployment,
      changes,
    };
    stack.changeSets.push(cs);
    void this.progress(cs, unchanged);
    return { Id: cs.id, StackId: stack.stackId };
  }

  /** Computes the resource changes now, so template errors surface as ValidationErrors. */
  private preview(stack: StackRecord, previous: Deployment | undefined, next: Deployment) {
    const empty: Template = { Resources: {} };
    const changes = previewChanges({
      spec: this.host.spec,
      previousTemplate: previous?.template ?? empty,
      previousParameters: previous?.parameters.given ?? {},
      nextTemplate: next.template,
      nextParameters: next.parameters.given,
      resources: previous ? stack.resources : new Map(),
      tagsChanged: previous !== undefined && !sameValue(previous.tags, next.tags),
      includeValues: true,
      evaluator: (resolver) => this.host.evaluator(stack, next, resolver),
      attribute: (resource, attribute) => this.host.attribute(stack, resource.logicalId, attribute),
    });
    // Outputs must evaluate too; resources are unknown at this point, which is fine for a check.
    const outputsCheck = this.host.evaluator(stack, next, {
      ref: (id) => unknownValue(id),
      getAtt: (id, attribute) => unknownValue(id, attribute),
    });
    for (const output of Object.values(next.template.Outputs ?? {})) {
      if (output.Condition === undefined || outputsCheck.condition(output.Condition))
        outputsCheck.evaluate(output.Value);
    }
    const unchanged =
      previous !== undefined &&
      changes.length === 0 &&
      sameValue(previous.parameters.given, next.parameters.given) &&
      sameValue(previous.tags, next.tags) &&
      sameValue(previous.template.Outputs ?? {}, next.template.Outputs ?? {});
    return { changes, unchanged };
  }

  private async progress(cs: ChangeSetRecord, unchanged: boolean): Promise<void> {
    const step = this.host.changeSetDelayMs / 2;
    try {
      await sleep(step, undefined, { signal: this.host.shutdown });
      if (cs.status !== 'CREATE_PENDING') return;
      cs.status = 'CREATE_IN_PROGRESS';
      await sleep(step, undefined, { signal: this.host.shutdown });
    } catch {
      return;
    }
    if (unchanged) {
      cs.status = 'FAILED';
      cs.statusReason = NO_CHANGES;
    } else {
      cs.status = 'CREATE_COMPLETE';
      cs.executionStatus = 'AVAILABLE';
    }
  }

  find(params: QueryParams): { cs: ChangeSetRecord; stack: StackRecord } {
    const csName = params.string('ChangeSetName') ?? '';
    const stackName = params.string('StackName');
    const notFound = () =>
      new QueryError('ChangeSetNotFound', `ChangeSet [${csName}] does not exist`, 404);
    if (csName.startsWith('arn:')) {
      const stack = stackName ? this.host.liveStack(stackName) : undefined;
      for (const s of stack ? [stack] : this.host.stacks()) {
        const cs = s.changeSets.find((c) => c.id === csName);
        if (cs) return { cs, stack: s };
      }
      throw notFound();
    }
    if (!stackName)
      throw validationError(
        'StackName must be specified if ChangeSetName is not specified as an ARN.',
      );
    const stack = this.host.liveStack(stackName);
    const cs = stack?.changeSets.find((c) => c.name === csName);
    if (!stack || !cs) throw notFound();
    return { cs, stack };
  }

  describe(params: QueryParams): Record<string, unknown> {
    return changeSetXml(this.find(params).cs, params.boolean('IncludePropertyValues') === true);
  }

  list(params: QueryParams): Record<string, unknown> {
    const name = params.string('StackName') ?? '';
    const stack = this.host.liveStack(name);
    if (!stack) throw validationError(`Stack [${name}] does not exist`);
    return { Summaries: stack.changeSets.map(changeSetSummaryXml) };
  }

  execute(params: QueryParams): Record<string, unknown> {
    const { cs, stack } = this.find(params);
    const token = params.string('ClientRequestToken');
    if (cs.executionStatus !== 'AVAILABLE') {
      // A retried request with the same token is answered as the first one was.
      if (token !== undefined && cs.executionToken === token) return {};
      throw new QueryError(
        'InvalidChangeSetStatus',
        `ChangeSet [${cs.id}] cannot be executed in its current execution status of [${cs.executionStatus}]`,
      );
    }
    if (isInProgress(stack.status) && stack.status !== 'REVIEW_IN_PROGRESS')
      throw cannotUpdate(stack);
    cs.executionStatus = 'EXECUTE_IN_PROGRESS';
    cs.executionToken = token;
    // CloudFormation drops a stack's other change sets once one is executed.
    stack.changeSets = [cs];
    const disableRollback = params.boolean('DisableRollback') === true;
    stack.disableRollback = disableRollback;
    if (cs.type === 'CREATE') {
      this.host.engine.create(stack, cs.deployment, token, disableRollback);
    } else {
      stack.lastUpdatedTime = new Date();
      this.host.engine.update(stack, cs.deployment, token, disableRollback);
    }
    const operation = stack.operations.at(-1);
    if (operation) operation.changeSetId = cs.id;
    void stack.operation?.then(() => {
      cs.executionStatus =
        /(CREATE|UPDATE)_COMPLETE$/.test(stack.status) && !stack.status.includes('ROLLBACK')
          ? 'EXECUTE_COMPLETE'
          : 'EXECUTE_FAILED';
    });
    return {};
  }

  /**
   * UpdateStack: the change set CloudFormation makes and runs at once, with the same checks (state,
   * template, parameters, capabilities, tags) and `No updates are to be performed.` for none.
   */
  updateStack(params: QueryParams): Record<string, unknown> {
    const name = params.string('StackName') ?? '';
    const stack = this.host.liveStack(name);
    if (!stack) throw validationError(`Stack [${name}] does not exist`);
    checkStackState('UPDATE', name, '', stack);
    const deployment = readDeployment(this.host, params, stack, stack.deployed);
    if (this.preview(stack, stack.deployed, deployment).unchanged) {
      throw validationError('No updates are to be performed.');
    }
    const disableRollback = params.boolean('DisableRollback') === true;
    stack.disableRollback = disableRollback;
    stack.lastUpdatedTime = new Date();
    this.host.engine.update(
      stack,
      deployment,
      params.string('ClientRequestToken'),
      disableRollback,
    );
    return { StackId: stack.stackId };
  }

  delete(params: QueryParams): Record<string, unknown> {
    const { cs, stack } = this.find(params);
    if (cs.executionStatus === 'EXECUTE_IN_PROGRESS') {
      throw new QueryError(
        'InvalidChangeSetStatus',
        `Cannot delete ChangeSet in status ${cs.executionStatus}`,
      );
    }
    stack.changeSets = stack.changeSets.filter((c) => c !== cs);
    return {};
  }
}
