/**
 * CloudFormation over the Query protocol: stack state, lookups and the read-side actions.
 * Change sets live in change-sets.ts, operations in stack-engine.ts, evaluation in
 * stack-evaluation.ts.
 */
import { ChangeSets, type ChangeSetHost } from './change-sets.js';
import {
  eventXml,
  pageEvents,
  paginate,
  stackResourceDetailXml,
  stackResourceXml,
  stackSummaryXml,
  stackXml,
} from './cloudformation-views.js';
import type { ResourceFaults } from './faults.js';
import { describeEvents } from './operation-events.js';
import type { Evaluator } from './intrinsics.js';
import { plausibleSsmValue } from './parameters.js';
import { QueryError, validationError, type QueryParams } from './query-protocol.js';
import type { ResourceProvider } from './resource-provider.js';
import type { ResourceSpec } from './resource-spec.js';
import type { Placement } from './resource-values.js';
import type { S3Service } from './s3.js';
import { StackEngine } from './stack-engine.js';
import { StackEvaluation, type Resolver } from './stack-evaluation.js';
import {
  isInProgress,
  stackArn,
  stackEvent,
  type Deployment,
  type Output,
  type StackRecord,
  type Tag,
} from './stack-model.js';
import { parseTemplate } from './template.js';
import { checkTemplateBodySize, templateSummary } from './validation.js';

export const CFN_NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

export interface CloudFormationOptions {
  region: string;
  accountId: string;
  changeSetDelayMs: number;
  describeStacksPageSize: number;
  stackEventsPageSize: number;
  shutdown: AbortSignal;
  delayFor(logicalId: string, type: string): number;
  settleDelay(): number;
}

export class CloudFormationService implements ChangeSetHost {
  /** Every stack ever created, deleted ones included (they stay visible by ARN). */
  readonly allStacks: StackRecord[] = [];
  readonly ssmParameters = new Map<string, string>();
  readonly engine: StackEngine;
  private readonly changeSets: ChangeSets;
  private readonly evaluation: StackEvaluation;

  constructor(
    private readonly options: CloudFormationOptions,
    readonly spec: ResourceSpec,
    faults: ResourceFaults,
    provider: ResourceProvider,
    readonly s3: S3Service,
  ) {
    this.evaluation = new StackEvaluation(
      spec,
      options.region,
      options.accountId,
      () => this.allStacks,
    );
    this.engine = new StackEngine(
      {
        spec,
        faults,
        provider,
        shutdown: options.shutdown,
        delayFor: options.delayFor,
        settleDelay: options.settleDelay,
        placement: (stack) => this.placement(stack),
        evaluator: (stack, deployment) => this.evaluator(stack, deployment),
      },
      (stack, deployment) => this.outputsOf(stack, deployment),
    );
    this.changeSets = new ChangeSets(this);
  }

  get region(): string {
    return this.options.region;
  }
  get accountId(): string {
    return this.options.accountId;
  }
  get changeSetDelayMs(): number {
    return this.options.changeSetDelayMs;
  }
  get shutdown(): AbortSignal {
    return this.options.shutdown;
  }

  readonly ssm = (path: string, type: string): string =>
    this.ssmParameters.get(path) ?? plausibleSsmValue(path, type);

  stacks(): StackRecord[] {
    return this.allStacks;
  }

  /** By ARN (deleted stacks included) or by name (the current, undeleted stack of that name). */
  findStack(nameOrId: string): StackRecord | undefined {
    if (nameOrId.startsWith('arn:')) return this.allStacks.find((s) => s.stackId === nameOrId);
    return this.allStacks.find((s) => s.name === nameOrId && s.status !== 'DELETE_COMPLETE');
  }

  liveStack(nameOrId: string): StackRecord | undefined {
    const stack = this.findStack(nameOrId);
    return stack && stack.status !== 'DELETE_COMPLETE' ? stack : undefined;
  }

  private requireStack(nameOrId: string | undefined): StackRecord {
    const stack = nameOrId ? this.findStack(nameOrId) : undefined;
    if (!stack) throw validationError(`Stack with id ${nameOrId ?? ''} does not exist`);
    return stack;
  }

  placeholderStack(name: string, tags: Tag[]): StackRecord {
    return {
      stackId: stackArn(this.region, this.accountId, name),
      name,
      status: 'REVIEW_IN_PROGRESS',
      creationTime: new Date(),
      tags,
      resources: new Map(),
      outputs: [],
      events: [],
      changeSets: [],
      operations: [],
      disableRollback: false,
    };
  }

  register(stack: StackRecord): void {
    stackEvent(stack, 'REVIEW_IN_PROGRESS', 'User Initiated', undefined);
    this.allStacks.push(stack);
  }

  placement(stack: StackRecord): Placement {
    return this.evaluation.placement(stack);
  }

  attribute(stack: StackRecord, resourceId: string, attribute: string): unknown {
    return this.evaluation.attribute(stack, resourceId, attribute);
  }

  evaluator(stack: StackRecord, deployment: Deployment, resolver?: Resolver): Evaluator {
    return this.evaluation.evaluator(stack, deployment, resolver);
  }

  outputsOf(stack: StackRecord, deployment: Deployment): Output[] {
    return this.evaluation.outputsOf(stack, deployment);
  }

  handle(params: QueryParams): Record<string, unknown> | undefined {
    switch (params.action) {
      case 'CreateChangeSet':
        return this.changeSets.create(params);
      case 'DescribeChangeSet':
        return this.changeSets.describe(params);
      case 'ListChangeSets':
        return this.changeSets.list(params);
      case 'ExecuteChangeSet':
        return this.changeSets.execute(params);
      case 'DeleteChangeSet':
        return this.changeSets.delete(params);
      case 'UpdateStack':
        return this.changeSets.updateStack(params);
      case 'DescribeStacks':
        return this.describeStacks(params);
      case 'DescribeStackEvents':
        return this.describeStackEvents(params);
      case 'DescribeEvents':
        return describeEvents(params, {
          findStack: (nameOrId) => this.findStack(nameOrId),
          stacks: () => this.allStacks,
          pageSize: this.options.stackEventsPageSize,
        });
      case 'DescribeStackResources':
        return this.describeStackResources(params);
      case 'DescribeStackResource':
        return this.describeStackResource(params);
      case 'ListStacks':
        return this.listStacks(params);
      case 'GetTemplate':
        return this.getTemplate(params);
      case 'ValidateTemplate':
        return this.validateTemplate(params);
      case 'DeleteStack':
        return this.deleteStack(params);
      case 'ContinueUpdateRollback':
        return this.continueUpdateRollback(params);
      default:
        throw new QueryError(
          'InvalidAction',
          `Could not find operation ${params.action} for version 2010-05-15`,
        );
    }
  }

  private describeStacks(params: QueryParams): Record<string, unknown> {
    const name = params.string('StackName');
    if (name) return { Stacks: [stackXml(this.requireStack(name))] };
    const live = this.allStacks.filter((s) => s.status !== 'DELETE_COMPLETE').reverse();
    const page = paginate(
      live,
      this.options.describeStacksPageSize,
      params.string('NextToken'),
      'DescribeStacks',
    );
    return { Stacks: page.items.map(stackXml), NextToken: page.nextToken };
  }

  private describeStackEvents(params: QueryParams): Record<string, unknown> {
    const name = params.string('StackName') ?? '';
    const stack = this.findStack(name);
    if (!stack) throw validationError(`Stack [${name}] does not exist`);
    const page = pageEvents(stack, this.options.stackEventsPageSize, params.string('NextToken'));
    return { StackEvents: page.items.map(eventXml), NextToken: page.nextToken };
  }

  private describeStackResources(params: QueryParams): Record<string, unknown> {
    const physical = params.string('PhysicalResourceId');
    const stack = physical
      ? this.allStacks.find((s) => [...s.resources.values()].some((r) => r.physicalId === physical))
      : this.requireStack(params.string('StackName'));
    if (!stack) throw validationError(`Stack for ${physical ?? ''} does not exist`);
    const logical = params.string('LogicalResourceId');
    const resources = [...stack.resources.values()].filter(
      (r) => !logical || r.logicalId === logical,
    );
    return { StackResources: resources.map((r) => stackResourceXml(stack, r)) };
  }

  private describeStackResource(params: QueryParams): Record<string, unknown> {
    const stack = this.requireStack(params.string('StackName'));
    const id = params.string('LogicalResourceId') ?? '';
    const resource = stack.resources.get(id);
    if (!resource || !stack.deployed) {
      throw validationError(`Resource ${id} does not exist for stack ${stack.name}`);
    }
    const evaluator = this.evaluator(stack, stack.deployed);
    return {
      StackResourceDetail: stackResourceDetailXml(stack, resource, (m) => evaluator.evaluate(m)),
    };
  }

  private listStacks(params: QueryParams): Record<string, unknown> {
    const filter = params.strings('StackStatusFilter');
    const stacks = [...this.allStacks]
      .reverse()
      .filter((s) => filter.length === 0 || filter.includes(s.status));
    const page = paginate(stacks, 100, params.string('NextToken'), 'ListStacks');
    return { StackSummaries: page.items.map(stackSummaryXml), NextToken: page.nextToken };
  }

  private getTemplate(params: QueryParams): Record<string, unknown> {
    const stack = this.requireStack(params.string('StackName'));
    const csName = params.string('ChangeSetName');
    const cs = csName
      ? stack.changeSets.find((c) => c.name === csName || c.id === csName)
      : undefined;
    if (csName && !cs)
      throw new QueryError('ChangeSetNotFound', `ChangeSet [${csName}] does not exist`, 404);
    const body = cs?.deployment.templateBody ?? stack.deployed?.templateBody ?? '{}';
    return { TemplateBody: body, StagesAvailable: ['Original', 'Processed'] };
  }

  private validateTemplate(params: QueryParams): Record<string, unknown> {
    const url = params.string('TemplateURL');
    const body = params.string('TemplateBody') ?? (url ? this.s3.resolveTemplateUrl(url) : '');
    checkTemplateBodySize(body);
    return templateSummary(parseTemplate(body));
  }

  private deleteStack(params: QueryParams): Record<string, unknown> {
    const stack = this.findStack(params.string('StackName') ?? '');
    // Deleting a stack that does not exist (any more) succeeds, as in CloudFormation.
    if (!stack || stack.status === 'DELETE_COMPLETE' || stack.status === 'DELETE_IN_PROGRESS')
      return {};
    if (isInProgress(stack.status) && stack.status !== 'REVIEW_IN_PROGRESS') {
      throw validationError(
        `Stack [${stack.stackId}] cannot be deleted while in status ${stack.status}`,
      );
    }
    const retain = params.strings('RetainResources');
    if (retain.length > 0 && stack.status !== 'DELETE_FAILED') {
      throw validationError(
        `Invalid operation on stack [${stack.stackId}]: RetainResources can only be specified when the stack is in the DELETE_FAILED state`,
      );
    }
    this.engine.delete(stack, params.string('ClientRequestToken'), retain);
    return {};
  }

  private continueUpdateRollback(params: QueryParams): Record<string, unknown> {
    const stack = this.requireStack(params.string('StackName'));
    if (stack.status !== 'UPDATE_ROLLBACK_FAILED') {
      throw validationError(
        `Stack [${stack.stackId}] is in ${stack.status} state and cannot continue update rollback`,
      );
    }
    this.engine.continueRollback(
      stack,
      params.string('ClientRequestToken'),
      params.strings('ResourcesToSkip'),
    );
    return {};
  }
}
