/**
 * Template parameter resolution and validation, with CloudFormation's error messages.
 */
import { createHash } from 'node:crypto';
import { validationError } from './query-protocol.js';
import type { Template, TemplateParameter } from './template.js';

export interface ParameterInput {
  ParameterKey?: string;
  ParameterValue?: string;
  UsePreviousValue?: string;
}

export interface DescribedParameter {
  ParameterKey: string;
  ParameterValue: string;
  ResolvedValue?: string;
}

export interface ResolvedParameters {
  /** The values as supplied (an SSM path for SSM-typed parameters): what "previous value" means. */
  given: Record<string, string>;
  /** The values intrinsics see: SSM paths resolved, lists split. */
  values: Record<string, string | string[]>;
  described: DescribedParameter[];
}

/** Looks up an SSM parameter for an `AWS::SSM::Parameter::Value<…>` template parameter. */
export type SsmLookup = (path: string, type: string) => string;

const SSM_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;

/** A plausible value for an SSM parameter nobody seeded, e.g. an AMI ID for an image parameter. */
export function plausibleSsmValue(path: string, type: string): string {
  const hash = createHash('sha256').update(path).digest('hex');
  if (type.includes('AWS::EC2::Image::Id')) return `ami-0${hash.slice(0, 16)}`;
  return `ssm-value-${hash.slice(0, 8)}`;
}

function isList(type: string): boolean {
  return (
    type === 'CommaDelimitedList' ||
    /^List<.+>$/.test(type) ||
    /^AWS::SSM::Parameter::Value<List<.+>>$/.test(type)
  );
}

function checkValue(name: string, decl: TemplateParameter, value: string): void {
  const allowed = decl.AllowedValues?.map(String);
  if (allowed && !isList(decl.Type) && !allowed.includes(value)) {
    throw validationError(`Parameter '${name}' must be one of AllowedValues`);
  }
  if (
    decl.AllowedPattern !== undefined &&
    !new RegExp(`^(?:${decl.AllowedPattern})$`).test(value)
  ) {
    throw validationError(`Parameter '${name}' must match pattern ${decl.AllowedPattern}`);
  }
  if (decl.MinLength !== undefined && value.length < Number(decl.MinLength)) {
    throw validationError(`Parameter '${name}' must contain at least ${decl.MinLength} characters`);
  }
  if (decl.MaxLength !== undefined && value.length > Number(decl.MaxLength)) {
    throw validationError(`Parameter '${name}' must contain at most ${decl.MaxLength} characters`);
  }
  if (decl.Type === 'Number') {
    if (value.trim() === '' || !Number.isFinite(Number(value))) {
      throw validationError(`Parameter '${name}' must be a number`);
    }
    if (decl.MinValue !== undefined && Number(value) < Number(decl.MinValue)) {
      throw validationError(`Parameter '${name}' must be a number not less than ${decl.MinValue}`);
    }
    if (decl.MaxValue !== undefined && Number(value) > Number(decl.MaxValue)) {
      throw validationError(
        `Parameter '${name}' must be a number not greater than ${decl.MaxValue}`,
      );
    }
  }
}

/**
 * Merges supplied values, previous values and defaults. `previous` is undefined for a stack that
 * has never been deployed, where UsePreviousValue is meaningless.
 */
export function resolveParameters(
  template: Template,
  inputs: ParameterInput[],
  previous: Record<string, string> | undefined,
  ssm: SsmLookup,
): ResolvedParameters {
  const declared = template.Parameters ?? {};
  const undeclared = inputs
    .map((p) => p.ParameterKey ?? '')
    .filter((key) => !Object.hasOwn(declared, key));
  if (undeclared.length > 0) {
    throw validationError(`Parameters: [${undeclared.join(', ')}] do not exist in the template`);
  }
  const given: Record<string, string> = {};
  for (const input of inputs) {
    const key = input.ParameterKey ?? '';
    if (input.UsePreviousValue === 'true') {
      const old = previous?.[key];
      if (old === undefined) {
        throw validationError(
          `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true for a parameter key not in the previous template`,
        );
      }
      given[key] = old;
    } else if (input.ParameterValue !== undefined) {
      given[key] = input.ParameterValue;
    }
  }
  const missing: string[] = [];
  for (const [name, decl] of Object.entries(declared)) {
    if (given[name] === undefined && decl.Default !== undefined) given[name] = String(decl.Default);
    if (given[name] === undefined) missing.push(name);
  }
  if (missing.length > 0)
    throw validationError(`Parameters: [${missing.join(', ')}] must have values`);

  const values: Record<string, string | string[]> = {};
  const described: DescribedParameter[] = [];
  for (const [name, decl] of Object.entries(declared)) {
    const raw = given[name] ?? '';
    checkValue(name, decl, raw);
    const ssmType = SSM_TYPE.exec(decl.Type)?.[1];
    const resolved = ssmType ? ssm(raw, ssmType) : raw;
    values[name] = isList(decl.Type) ? resolved.split(',').map((s) => s.trim()) : resolved;
    const noEcho = decl.NoEcho === true || decl.NoEcho === 'true';
    described.push({
      ParameterKey: name,
      ParameterValue: noEcho ? '****' : raw,
      ...(ssmType ? { ResolvedValue: resolved } : {}),
    });
  }
  return { given, values, described };
}
