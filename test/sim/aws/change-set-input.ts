/**
 * Reading a CreateChangeSet request: whether the stack may take it, and the deployment it
 * proposes (template, parameters, capabilities, tags), checked the way CloudFormation checks them.
 */
import { resolveParameters, type ParameterInput, type SsmLookup } from './parameters.js';
import { QueryError, validationError, type QueryParams } from './query-protocol.js';
import type { ResourceSpec } from './resource-spec.js';
import type { S3Service } from './s3.js';
import { isInProgress, type Deployment, type StackRecord, type Tag } from './stack-model.js';
import { parseTemplate } from './template.js';
import {
  checkTags,
  checkTemplateBodySize,
  checkTemplateTypes,
  requiredCapability,
} from './validation.js';

export interface InputHost {
  spec: ResourceSpec;
  s3: S3Service;
  ssm: SsmLookup;
}

export function cannotUpdate(stack: StackRecord): QueryError {
  return validationError(
    `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`,
  );
}

const NOT_UPDATABLE = new Set([
  'ROLLBACK_COMPLETE',
  'ROLLBACK_FAILED',
  'DELETE_FAILED',
  'CREATE_FAILED',
  'UPDATE_ROLLBACK_FAILED',
  'REVIEW_IN_PROGRESS',
]);

export function checkStackState(
  type: 'CREATE' | 'UPDATE',
  name: string,
  changeSetName: string,
  existing: StackRecord | undefined,
): void {
  if (type === 'CREATE') {
    if (existing && existing.status !== 'REVIEW_IN_PROGRESS') {
      throw validationError(
        `Stack [${name}] already exists and cannot be created again with the changeSet [${changeSetName}].`,
      );
    }
    return;
  }
  if (!existing) throw validationError(`Stack [${name}] does not exist`);
  if (isInProgress(existing.status) || NOT_UPDATABLE.has(existing.status)) {
    throw cannotUpdate(existing);
  }
}

function templateBody(host: InputHost, params: QueryParams, existing?: StackRecord): string {
  const body = params.string('TemplateBody');
  const url = params.string('TemplateURL');
  const previous = params.boolean('UsePreviousTemplate') ? true : undefined;
  if ([body, url, previous].filter((v) => v !== undefined).length !== 1) {
    throw validationError(
      'Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate.',
    );
  }
  if (body !== undefined) {
    checkTemplateBodySize(body);
    return body;
  }
  if (url !== undefined) return host.s3.resolveTemplateUrl(url);
  const previousBody = existing?.deployed?.templateBody;
  if (!previousBody) {
    throw validationError('UsePreviousTemplate can only be used with an existing stack.');
  }
  return previousBody;
}

function checkCapabilities(needed: string | undefined, granted: string[]): void {
  if (!needed) return;
  // Either IAM capability covers unnamed IAM resources.
  const sufficient =
    needed === 'CAPABILITY_IAM' ? ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'] : [needed];
  if (!sufficient.some((c) => granted.includes(c))) {
    throw new QueryError(
      'InsufficientCapabilitiesException',
      `Requires capabilities : [${needed}]`,
    );
  }
}

/** The deployment a change set proposes; `previous` is the stack's for an UPDATE. */
export function readDeployment(
  host: InputHost,
  params: QueryParams,
  existing: StackRecord | undefined,
  previous: Deployment | undefined,
): Deployment {
  const body = templateBody(host, params, existing);
  const template = parseTemplate(body);
  checkTemplateTypes(host.spec, template);
  const parameters = resolveParameters(
    template,
    params.records('Parameters') as ParameterInput[],
    previous?.parameters.given,
    host.ssm,
  );
  const capabilities = params.strings('Capabilities');
  checkCapabilities(requiredCapability(template), capabilities);
  // Without Tags an update keeps the stack's tags; `Tags=` (an empty list) removes them.
  const tags: Tag[] = params.has('Tags')
    ? params.records('Tags').map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }))
    : (existing?.tags ?? []);
  checkTags(tags);
  return {
    template,
    templateBody: body,
    parameters,
    tags,
    capabilities,
    // Without RoleARN, an update runs as the role the stack already has.
    roleArn: params.string('RoleARN') ?? previous?.roleArn,
  };
}
