/**
 * Validates a CloudFormation template (JSON form, as `parseTemplate` returns it) against the
 * official resource specification, as shipped in `@aws-cdk/aws-service-spec`.
 *
 * That package holds `db.json.gz`, a dehydrated `@cdklabs/tskb` graph database: entity
 * collections `resource` (1,800+ CloudFormation types, each with `properties` and `attributes`)
 * and `typeDefinition` (the nested property types), linked by `{ type: 'ref', reference:
 * { $ref: id } }`. Its loader rebuilds the database and its indexes (about a second), so the spec
 * is loaded once per test file and shared.
 *
 * Checks (every problem is reported, not just the first):
 * - template sections, parameter declarations, and parameter defaults against their own
 *   AllowedPattern / AllowedValues / MinValue / MaxValue / MinLength / MaxLength;
 * - resource types exist; resource attributes (DependsOn, Condition, policies) are well formed;
 * - every property is known for its type, recursing into nested property types, arrays, maps,
 *   unions and both branches of `Fn::If`; required properties are present; literal primitives
 *   have the right shape;
 * - every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable (`${X}`, `${X.Attr}`) and `DependsOn` points at a
 *   parameter, resource or pseudo parameter; `Fn::GetAtt` attributes exist on the target type;
 * - conditions used by resources, outputs, `Fn::If` and `Condition` are defined; a resource that
 *   only exists under a condition is only referenced under that same condition;
 * - `Fn::FindInMap` maps exist; intrinsic function names are real.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, ResourceProperties } from '@aws-cdk/service-spec-types';
import type { CfnTemplate } from '../../src/template/cfn-yaml.js';

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

/** The CloudFormation resource specification, with the lookups the validator needs. */
export class CfnSpec {
  constructor(private readonly db: SpecDatabase) {}

  /** The spec of a resource type, or undefined if CloudFormation has no such type. */
  resource(cloudFormationType: string): Resource | undefined {
    return this.db.lookup('resource', 'cloudFormationType', 'equals', cloudFormationType)[0];
  }

  /** The properties of a nested property type (`{ type: 'ref' }`). */
  typeDefinition(type: Extract<PropertyType, { type: 'ref' }>): {
    name: string;
    properties: ResourceProperties;
  } {
    return this.db.get('typeDefinition', type.reference);
  }

  /** Number of resource types in the spec. */
  get resourceTypeCount(): number {
    return this.db.all('resource').length;
  }
}

let cached: Promise<CfnSpec> | undefined;

/** Loads the specification once per process. */
export function loadCfnSpec(): Promise<CfnSpec> {
  cached ??= loadAwsServiceSpec().then((db) => new CfnSpec(db));
  return cached;
}

export const PSEUDO_PARAMETERS: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

const INTRINSIC_FUNCTIONS = new Set([
  'Fn::Base64',
  'Fn::Cidr',
  'Fn::FindInMap',
  'Fn::GetAtt',
  'Fn::GetAZs',
  'Fn::ImportValue',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::Sub',
  'Fn::Transform',
  'Fn::And',
  'Fn::Equals',
  'Fn::If',
  'Fn::Not',
  'Fn::Or',
  'Fn::ToJsonString',
  'Fn::Length',
]);

const TEMPLATE_SECTIONS = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
]);

const PARAMETER_KEYS = new Set([
  'Type',
  'Default',
  'Description',
  'AllowedValues',
  'AllowedPattern',
  'ConstraintDescription',
  'MinLength',
  'MaxLength',
  'MinValue',
  'MaxValue',
  'NoEcho',
]);

const PARAMETER_TYPE =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::SSM::Parameter::Name|AWS::[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+|List<AWS::[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+>|AWS::SSM::Parameter::Value<.+>)$/;

const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'CreationPolicy',
  'UpdatePolicy',
  'Metadata',
]);

const DELETION_POLICIES = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);

/** Allowed keys of the CreationPolicy / UpdatePolicy attributes, nested. */
type PolicyShape = { [key: string]: PolicyShape | true };
const CREATION_POLICY: PolicyShape = {
  AutoScalingCreationPolicy: { MinSuccessfulInstancesPercent: true },
  ResourceSignal: { Count: true, Timeout: true },
  StartFleet: true,
};
const UPDATE_POLICY: PolicyShape = {
  AutoScalingReplacingUpdate: { WillReplace: true },
  AutoScalingRollingUpdate: {
    MaxBatchSize: true,
    MinActiveInstancesPercent: true,
    MinInstancesInService: true,
    MinSuccessfulInstancesPercent: true,
    PauseTime: true,
    SuspendProcesses: true,
    WaitOnResourceSignals: true,
  },
  AutoScalingScheduledAction: { IgnoreUnmodifiedGroupSizeProperties: true },
  CodeDeployLambdaAliasUpdate: {
    AfterAllowTrafficHook: true,
    ApplicationName: true,
    BeforeAllowTrafficHook: true,
    DeploymentGroupName: true,
  },
  EnableVersionUpgrade: true,
  UseOnlineResharding: true,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The single key of an intrinsic function object (`Ref`, `Fn::*`), or undefined. */
export function intrinsicName(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/**
 * Variables of an `Fn::Sub` string: `${X}` and `${X.Attr}`; `${!Literal}` is an escape.
 * Returns each as [name, attribute?].
 */
export function subVariables(text: string): Array<[string, string | undefined]> {
  const variables: Array<[string, string | undefined]> = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const body = (match[1] ?? '').trim();
    if (body.startsWith('!')) continue;
    const dot = body.indexOf('.');
    variables.push(dot < 0 ? [body, undefined] : [body.slice(0, dot), body.slice(dot + 1)]);
  }
  return variables;
}

/** Normalises the two forms of `Fn::GetAtt` (`[res, attr]` or `"res.attr"`). */
export function getAttTarget(args: unknown): [string, unknown] | undefined {
  if (typeof args === 'string') {
    const dot = args.indexOf('.');
    return dot < 0 ? undefined : [args.slice(0, dot), args.slice(dot + 1)];
  }
  if (Array.isArray(args) && args.length === 2 && typeof args[0] === 'string') {
    return [args[0], args[1]];
  }
  return undefined;
}

/** Tests a parameter value against CloudFormation's AllowedPattern (which must match it whole). */
export function matchesAllowedPattern(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}

/**
 * Validates a template against the specification. Returns one message per problem, each prefixed
 * with the path of the offending value; an empty array means the template is valid.
 */
export function validateTemplate(template: CfnTemplate, spec: CfnSpec): string[] {
  return new Validator(template, spec).run();
}

class Validator {
  private readonly problems: string[] = [];
  private readonly parameters: Record<string, unknown>;
  private readonly resources: Record<string, unknown>;
  private readonly conditions: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;
  /** The resource type whose properties are being checked, for messages. */
  private resourceType = '';

  constructor(
    private readonly template: CfnTemplate,
    private readonly spec: CfnSpec,
  ) {
    const section = (value: unknown) => (isRecord(value) ? value : {});
    this.parameters = section(template.Parameters);
    this.resources = section(template.Resources);
    this.conditions = section(template.Conditions);
    this.mappings = section(template.Mappings);
  }

  run(): string[] {
    for (const key of Object.keys(this.template)) {
      if (!TEMPLATE_SECTIONS.has(key)) this.report(key, 'unknown template section');
    }
    if (Object.keys(this.resources).length === 0) this.report('Resources', 'no resources');
    for (const [name, parameter] of Object.entries(this.parameters)) {
      this.checkParameter(`Parameters.${name}`, parameter);
    }
    for (const [name, condition] of Object.entries(this.conditions)) {
      this.checkReferences(`Conditions.${name}`, condition, { inConditions: true });
    }
    for (const [name, resource] of Object.entries(this.resources)) {
      this.checkResource(name, resource);
    }
    const outputs = isRecord(this.template.Outputs) ? this.template.Outputs : {};
    for (const [name, output] of Object.entries(outputs)) {
      const path = `Outputs.${name}`;
      if (!isRecord(output) || !('Value' in output)) {
        this.report(path, 'an output needs a Value');
        continue;
      }
      const condition = this.checkConditionName(`${path}.Condition`, output.Condition);
      this.checkReferences(`${path}.Value`, output.Value, { scopeCondition: condition });
      if (output.Export !== undefined) {
        this.checkReferences(`${path}.Export`, output.Export, { scopeCondition: condition });
      }
    }
    return this.problems;
  }

  private report(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  // ---------------------------------------------------------------- parameters

  private checkParameter(path: string, parameter: unknown): void {
    if (!isRecord(parameter)) {
      this.report(path, 'a parameter must be a mapping');
      return;
    }
    for (const key of Object.keys(parameter)) {
      if (!PARAMETER_KEYS.has(key)) this.report(`${path}.${key}`, 'unknown parameter key');
    }
    const type = parameter.Type;
    if (typeof type !== 'string' || !PARAMETER_TYPE.test(type)) {
      this.report(`${path}.Type`, `unknown parameter type ${JSON.stringify(type)}`);
    }
    if (typeof parameter.AllowedPattern === 'string') {
      try {
        new RegExp(parameter.AllowedPattern, 'u');
      } catch (error) {
        this.report(`${path}.AllowedPattern`, `not a valid pattern: ${String(error)}`);
        return;
      }
    }
    if (parameter.Default !== undefined) {
      for (const problem of parameterValueProblems(parameter, parameter.Default)) {
        this.report(`${path}.Default`, problem);
      }
    }
  }

  // ---------------------------------------------------------------- resources

  private checkResource(name: string, resource: unknown): void {
    const path = `Resources.${name}`;
    if (!/^[A-Za-z0-9]+$/.test(name)) this.report(path, 'logical IDs must be alphanumeric');
    if (!isRecord(resource)) {
      this.report(path, 'a resource must be a mapping');
      return;
    }
    for (const key of Object.keys(resource)) {
      if (!RESOURCE_KEYS.has(key)) this.report(`${path}.${key}`, 'unknown resource attribute');
    }
    const condition = this.checkConditionName(`${path}.Condition`, resource.Condition);
    const dependsOn = resource.DependsOn;
    const targets =
      dependsOn === undefined ? [] : Array.isArray(dependsOn) ? dependsOn : [dependsOn];
    for (const target of targets) {
      if (typeof target !== 'string' || !(target in this.resources)) {
        this.report(`${path}.DependsOn`, `${JSON.stringify(target)} is not a resource`);
      } else {
        this.checkConditionalTarget(`${path}.DependsOn`, target, condition ? [condition] : []);
      }
    }
    for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
      const value = resource[policy];
      if (value !== undefined && !DELETION_POLICIES.has(String(value))) {
        this.report(`${path}.${policy}`, `unknown policy ${JSON.stringify(value)}`);
      }
    }
    if (resource.CreationPolicy !== undefined) {
      this.checkShape(`${path}.CreationPolicy`, resource.CreationPolicy, CREATION_POLICY);
    }
    if (resource.UpdatePolicy !== undefined) {
      this.checkShape(`${path}.UpdatePolicy`, resource.UpdatePolicy, UPDATE_POLICY);
    }
    const scope = { scopeCondition: condition };
    for (const key of ['Properties', 'Metadata', 'CreationPolicy', 'UpdatePolicy'] as const) {
      if (resource[key] !== undefined) this.checkReferences(`${path}.${key}`, resource[key], scope);
    }

    const type = resource.Type;
    if (typeof type !== 'string') {
      this.report(`${path}.Type`, 'missing resource type');
      return;
    }
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return;
    const resourceSpec = this.spec.resource(type);
    if (!resourceSpec) {
      this.report(`${path}.Type`, `unknown resource type ${type}`);
      return;
    }
    this.resourceType = type;
    const properties = resource.Properties ?? {};
    if (!isRecord(properties)) {
      this.report(`${path}.Properties`, 'must be a mapping');
      return;
    }
    this.checkObject(`${path}.Properties`, properties, resourceSpec.properties, type);
  }

  private checkShape(path: string, value: unknown, shape: PolicyShape): void {
    if (!isRecord(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const allowed = shape[key];
      if (allowed === undefined) this.report(`${path}.${key}`, 'unknown key');
      else if (allowed !== true) this.checkShape(`${path}.${key}`, child, allowed);
    }
  }

  // ---------------------------------------------------------------- properties

  private checkObject(
    path: string,
    value: Record<string, unknown>,
    properties: ResourceProperties,
    owner: string,
  ): void {
    for (const [key, child] of Object.entries(value)) {
      const property = properties[key];
      if (!property) {
        this.report(`${path}.${key}`, `unknown property "${key}" of ${owner}`);
        continue;
      }
      this.checkValue(`${path}.${key}`, child, property.type);
    }
    for (const [key, property] of Object.entries(properties)) {
      if (property.required && !(key in value)) {
        this.report(path, `required property "${key}" of ${owner} is missing`);
      }
    }
  }

  private checkValue(path: string, value: unknown, type: PropertyType): void {
    const intrinsic = intrinsicName(value);
    if (intrinsic === 'Fn::If') {
      const args = (value as Record<string, unknown>)[intrinsic];
      if (Array.isArray(args) && args.length === 3) {
        args.slice(1).forEach((branch: unknown, index) => {
          if (!isNoValue(branch)) this.checkValue(`${path}[Fn::If ${index + 1}]`, branch, type);
        });
      }
      return;
    }
    if (intrinsic) return; // resolved at deploy time; its references are checked separately
    for (const problem of this.typeProblems(path, value, type)) this.problems.push(problem);
  }

  /** Problems of `value` against `type`, without recording them (unions try each member). */
  private typeProblems(path: string, value: unknown, type: PropertyType): string[] {
    const nested = new Validator(this.template, this.spec);
    nested.resourceType = this.resourceType;
    const problem = (message: string) => [`${path}: ${message}`];
    switch (type.type) {
      case 'string':
        return ['string', 'number', 'boolean'].includes(typeof value)
          ? []
          : problem(`expected a string, got ${describe(value)}`);
      case 'integer':
      case 'number':
        return typeof value === 'number' || (typeof value === 'string' && isNumeric(value))
          ? []
          : problem(`expected a number, got ${describe(value)}`);
      case 'boolean':
        return typeof value === 'boolean' || value === 'true' || value === 'false'
          ? []
          : problem(`expected a boolean, got ${describe(value)}`);
      case 'array':
        if (!Array.isArray(value)) return problem(`expected a list, got ${describe(value)}`);
        value.forEach((item, index) => nested.checkValue(`${path}[${index}]`, item, type.element));
        return nested.problems;
      case 'map':
        if (!isRecord(value)) return problem(`expected a mapping, got ${describe(value)}`);
        for (const [key, item] of Object.entries(value)) {
          nested.checkValue(`${path}.${key}`, item, type.element);
        }
        return nested.problems;
      case 'ref': {
        if (!isRecord(value)) return problem(`expected a mapping, got ${describe(value)}`);
        const definition = this.spec.typeDefinition(type);
        nested.checkObject(
          path,
          value,
          definition.properties,
          `${this.resourceType}.${definition.name}`,
        );
        return nested.problems;
      }
      case 'tag':
        return isRecord(value) && 'Key' in value && 'Value' in value
          ? []
          : problem('expected a tag {Key, Value}');
      case 'union': {
        let best: string[] | undefined;
        for (const member of type.types) {
          const found = this.typeProblems(path, value, member);
          if (found.length === 0) return [];
          if (!best || found.length < best.length) best = found;
        }
        return best ?? [];
      }
      default:
        return []; // json, date-time, null: any literal goes
    }
  }

  // ---------------------------------------------------------------- references

  private checkConditionName(path: string, name: unknown): string | undefined {
    if (name === undefined) return undefined;
    if (typeof name !== 'string' || !(name in this.conditions)) {
      this.report(path, `condition ${JSON.stringify(name)} is not defined`);
      return undefined;
    }
    return name;
  }

  /** The conditions that hold where these do: each, and the conditions an Fn::And of it names. */
  private implied(holding: string[]): Set<string> {
    const found = new Set<string>();
    const visit = (name: string) => {
      if (found.has(name)) return;
      found.add(name);
      const definition = this.conditions[name];
      const members = isRecord(definition) ? definition['Fn::And'] : undefined;
      if (!Array.isArray(members)) return;
      for (const member of members) {
        if (isRecord(member) && typeof member.Condition === 'string') visit(member.Condition);
      }
    };
    holding.forEach(visit);
    return found;
  }

  /** A resource with a Condition may only be used where that condition holds. */
  private checkConditionalTarget(path: string, target: string, holding: string[]): void {
    const resource = this.resources[target];
    const needed = isRecord(resource) ? resource.Condition : undefined;
    if (typeof needed === 'string' && !this.implied(holding).has(needed)) {
      this.report(path, `${target} only exists if ${needed}: use it under that condition`);
    }
  }

  private checkReferences(
    path: string,
    value: unknown,
    context: { inConditions?: boolean; scopeCondition?: string | undefined; locals?: Set<string> },
    holding: string[] = context.scopeCondition ? [context.scopeCondition] : [],
  ): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        this.checkReferences(`${path}[${index}]`, item, context, holding),
      );
      return;
    }
    if (!isRecord(value)) return;
    const keys = Object.keys(value);
    const [key] = keys;
    if (keys.length === 1 && key === 'Condition' && context.inConditions) {
      this.checkConditionName(`${path}.Condition`, value.Condition);
      return;
    }
    const intrinsic = intrinsicName(value);
    if (!intrinsic) {
      for (const [childKey, child] of Object.entries(value)) {
        this.checkReferences(`${path}.${childKey}`, child, context, holding);
      }
      return;
    }
    const args = value[intrinsic];
    const at = `${path}.${intrinsic}`;
    switch (intrinsic) {
      case 'Ref':
        this.checkRefTarget(at, args, context, holding);
        return;
      case 'Fn::GetAtt': {
        const target = getAttTarget(args);
        if (!target) {
          this.report(at, 'expected [resource, attribute] or "resource.attribute"');
          return;
        }
        this.checkGetAtt(at, target[0], target[1], holding);
        if (typeof target[1] !== 'string') this.checkReferences(at, target[1], context, holding);
        return;
      }
      case 'Fn::Sub':
        this.checkSub(at, args, context, holding);
        return;
      case 'Fn::If': {
        if (!Array.isArray(args) || args.length !== 3) {
          this.report(at, 'expected [condition, value if true, value if false]');
          return;
        }
        const condition = this.checkConditionName(at, args[0]);
        this.checkReferences(
          `${at}[1]`,
          args[1],
          context,
          condition ? [...holding, condition] : holding,
        );
        this.checkReferences(`${at}[2]`, args[2], context, holding);
        return;
      }
      case 'Fn::FindInMap':
        if (Array.isArray(args) && typeof args[0] === 'string' && !(args[0] in this.mappings)) {
          this.report(at, `mapping ${args[0]} is not defined`);
        }
        this.checkReferences(at, args, context, holding);
        return;
      default:
        if (!INTRINSIC_FUNCTIONS.has(intrinsic)) {
          this.report(at, `unknown intrinsic function ${intrinsic}`);
          return;
        }
        this.checkReferences(at, args, context, holding);
    }
  }

  private checkRefTarget(
    path: string,
    target: unknown,
    context: { inConditions?: boolean; locals?: Set<string> },
    holding: string[],
  ): void {
    if (typeof target !== 'string') {
      this.report(path, 'Ref needs a name');
      return;
    }
    if (context.locals?.has(target)) return;
    if (target in this.parameters || PSEUDO_PARAMETERS.has(target)) return;
    if (target in this.resources && !context.inConditions) {
      this.checkConditionalTarget(path, target, holding);
      return;
    }
    this.report(path, `${target} is not a parameter, resource or pseudo parameter`);
  }

  private checkGetAtt(path: string, resourceName: string, attribute: unknown, holding: string[]) {
    const resource = this.resources[resourceName];
    if (!isRecord(resource)) {
      this.report(path, `${resourceName} is not a resource`);
      return;
    }
    this.checkConditionalTarget(path, resourceName, holding);
    const type = String(resource.Type);
    if (typeof attribute !== 'string') return; // computed attribute name
    if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return;
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return;
    const spec = this.spec.resource(type);
    if (spec && !(attribute in spec.attributes)) {
      this.report(path, `${type} has no attribute "${attribute}"`);
    }
  }

  private checkSub(
    path: string,
    args: unknown,
    context: { inConditions?: boolean; locals?: Set<string> },
    holding: string[],
  ): void {
    let text: unknown = args;
    let locals = new Set<string>();
    if (Array.isArray(args)) {
      const [body, variables] = args as [unknown, unknown];
      text = body;
      if (args.length !== 2 || !isRecord(variables)) {
        this.report(path, 'expected a string or [string, {variables}]');
        return;
      }
      locals = new Set(Object.keys(variables));
      this.checkReferences(`${path}[1]`, variables, context, holding);
    }
    if (typeof text !== 'string') {
      this.report(path, 'the template of Fn::Sub must be a string');
      return;
    }
    for (const [name, attribute] of subVariables(text)) {
      if (locals.has(name)) continue;
      if (attribute === undefined) {
        this.checkRefTarget(`${path} \${${name}}`, name, context, holding);
      } else if (name.includes('::')) {
        this.report(path, `\${${name}.${attribute}} is not a valid variable`);
      } else {
        this.checkGetAtt(`${path} \${${name}.${attribute}}`, name, attribute, holding);
      }
    }
  }
}

/** Why `value` is not acceptable for `parameter` (empty when it is). */
export function parameterValueProblems(
  parameter: Record<string, unknown>,
  value: unknown,
): string[] {
  const problems: string[] = [];
  const text = String(value);
  const { AllowedPattern, AllowedValues, MinValue, MaxValue, MinLength, MaxLength, Type } =
    parameter;
  if (Array.isArray(AllowedValues) && !AllowedValues.map(String).includes(text)) {
    problems.push(`${JSON.stringify(text)} is not one of ${JSON.stringify(AllowedValues)}`);
  }
  if (typeof AllowedPattern === 'string' && !matchesAllowedPattern(AllowedPattern, text)) {
    problems.push(`${JSON.stringify(text)} does not match ${AllowedPattern}`);
  }
  if (Type === 'Number') {
    if (!isNumeric(text)) problems.push(`${JSON.stringify(text)} is not a number`);
    if (MinValue !== undefined && Number(text) < Number(MinValue)) {
      problems.push(`${text} is below MinValue ${String(MinValue)}`);
    }
    if (MaxValue !== undefined && Number(text) > Number(MaxValue)) {
      problems.push(`${text} is above MaxValue ${String(MaxValue)}`);
    }
  }
  if (MinLength !== undefined && text.length < Number(MinLength)) {
    problems.push(`${JSON.stringify(text)} is shorter than MinLength ${String(MinLength)}`);
  }
  if (MaxLength !== undefined && text.length > Number(MaxLength)) {
    problems.push(`${JSON.stringify(text)} is longer than MaxLength ${String(MaxLength)}`);
  }
  return problems;
}

function isNoValue(value: unknown): boolean {
  return isRecord(value) && value.Ref === 'AWS::NoValue';
}

function isNumeric(text: string): boolean {
  return text.trim() !== '' && Number.isFinite(Number(text));
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}
