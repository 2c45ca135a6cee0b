/**
 * Request checks CloudFormation applies before anything else, with its exact wording.
 */
import { isCustomType, type ResourceSpec } from './resource-spec.js';
import { validationError } from './query-protocol.js';
import type { Tag } from './stack-model.js';
import type { Template } from './template.js';

export const MAX_TEMPLATE_BODY_BYTES = 51_200;

function constraint(value: string, field: string, rule: string): never {
  throw validationError(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: ${rule}`,
  );
}

export function checkTemplateBodySize(body: string): void {
  if (Buffer.byteLength(body, 'utf8') > MAX_TEMPLATE_BODY_BYTES) {
    constraint(
      body,
      'templateBody',
      `Member must have length less than or equal to ${MAX_TEMPLATE_BODY_BYTES}`,
    );
  }
}

/** Stack and change-set names; a stack may also be named by its ARN. */
export function checkName(
  field: 'stackName' | 'changeSetName',
  value: string,
  allowArn: boolean,
): void {
  const pattern = allowArn
    ? '[a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*'
    : '[a-zA-Z][-a-zA-Z0-9]*';
  if (!new RegExp(`^(?:${pattern})$`).test(value)) {
    constraint(value, field, `Member must satisfy regular expression pattern: ${pattern}`);
  }
  if (value.length > 128 && !value.startsWith('arn:')) {
    constraint(value, field, 'Member must have length less than or equal to 128');
  }
}

export function checkTags(tags: Tag[]): void {
  if (tags.length > 50)
    constraint(JSON.stringify(tags), 'tags', 'Member must have length less than or equal to 50');
  tags.forEach((tag, i) => {
    if (tag.Key.length < 1 || tag.Key.length > 128) {
      constraint(
        tag.Key,
        `tags.${i + 1}.member.key`,
        'Member must have length less than or equal to 128',
      );
    }
    if (tag.Value.length > 256) {
      constraint(
        tag.Value,
        `tags.${i + 1}.member.value`,
        'Member must have length less than or equal to 256',
      );
    }
  });
}

/** Resource types the specification does not know are rejected, when the full spec is loaded. */
export function checkTemplateTypes(spec: ResourceSpec, template: Template): void {
  if (!spec.complete) return;
  const unknown = Object.values(template.Resources)
    .map((r) => r.Type)
    .filter((type) => !isCustomType(type) && !spec.get(type));
  if (unknown.length > 0) {
    throw validationError(
      `Template format error: Unrecognized resource types: [${[...new Set(unknown)].join(', ')}]`,
    );
  }
}

const IAM_NAMES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};
const IAM_TYPES = new Set([
  ...Object.keys(IAM_NAMES),
  'AWS::IAM::Policy',
  'AWS::IAM::AccessKey',
  'AWS::IAM::UserToGroupAddition',
]);

/** The capability a template's IAM resources require, if any. */
export function requiredCapability(template: Template): string | undefined {
  let needed: string | undefined;
  for (const resource of Object.values(template.Resources)) {
    if (!IAM_TYPES.has(resource.Type)) continue;
    const nameProp = IAM_NAMES[resource.Type];
    if (nameProp && resource.Properties?.[nameProp] !== undefined) return 'CAPABILITY_NAMED_IAM';
    needed = 'CAPABILITY_IAM';
  }
  return needed;
}

/** ValidateTemplate's answer. */
export function templateSummary(template: Template): Record<string, unknown> {
  const capability = requiredCapability(template);
  const iamTypes = Object.values(template.Resources)
    .map((r) => r.Type)
    .filter((type) => IAM_TYPES.has(type));
  return {
    Parameters: Object.entries(template.Parameters ?? {}).map(([key, p]) => ({
      ParameterKey: key,
      DefaultValue: p.Default === undefined ? undefined : String(p.Default),
      NoEcho: p.NoEcho === true || p.NoEcho === 'true',
      Description: p.Description,
    })),
    Description: template.Description,
    Capabilities: capability ? [capability] : [],
    CapabilitiesReason: capability
      ? `The following resource(s) require capabilities: [${[...new Set(iamTypes)].join(', ')}]`
      : undefined,
  };
}
