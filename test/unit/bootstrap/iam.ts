/**
 * Just enough of CloudFormation and IAM to test templates/bootstrap.yml without AWS:
 *
 * - `resolveTemplate` evaluates the intrinsic functions of a parsed template for a set of
 *   parameter values (conditions, `Fn::If` with `AWS::NoValue`, `Ref`, `Fn::GetAtt`, `Fn::Sub`,
 *   `Fn::Join`, `Fn::Select`, `Fn::Split`), giving each resource a plausible physical name and ARN, so that the policies
 *   can be read as IAM will read them;
 * - `evaluate` decides an IAM request against identity-policy statements the way IAM does for a
 *   single policy set: an explicit Deny wins, then any Allow, otherwise an implicit deny.
 *   Actions match case-insensitively and resources case-sensitively, with `*` and `?` wildcards;
 *   the condition operators the template uses are evaluated (an unknown one throws, so a test
 *   can never pass by ignoring a condition).
 */
import type { CfnTemplate } from '../../../src/template/cfn-yaml.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PARTITION = 'aws';

const NO_VALUE = Symbol('AWS::NoValue');

type Json = unknown;
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export interface ResolveOptions {
  /** Values of the template's parameters; missing ones take their Default. */
  parameters: Record<string, string>;
  /** The setup stack's own name (AWS::StackName). */
  stackName?: string;
}

export interface ResolvedTemplate {
  parameters: Record<string, string>;
  conditions: Record<string, boolean>;
  /** Resources whose Condition holds, with every intrinsic function evaluated. */
  resources: Record<
    string,
    { Type: string; Properties: Record<string, Json>; [key: string]: Json }
  >;
  outputs: Record<string, string>;
  /** What `Ref` and `Fn::GetAtt` of each resource resolve to. */
  physical: Record<string, { ref: string; attributes: Record<string, string> }>;
  stackId: string;
}

/** A CloudFormation-style generated name: <stack>-<LogicalId>-<SUFFIX>. */
function generatedName(stackName: string, logicalId: string, lower = false): string {
  const name = `${stackName}-${logicalId}-1A2B3C4D5E6F`;
  return lower ? name.toLowerCase() : name;
}

function physicalOf(
  stackName: string,
  logicalId: string,
  resource: { Type: string; Properties?: Record<string, Json> },
): { ref: string; attributes: Record<string, string> } {
  const arn = (service: string, rest: string, region = REGION, account = ACCOUNT) =>
    `arn:${PARTITION}:${service}:${region}:${account}:${rest}`;
  switch (resource.Type) {
    case 'AWS::IAM::Role': {
      const name = generatedName(stackName, logicalId);
      const path = typeof resource.Properties?.Path === 'string' ? resource.Properties.Path : '/';
      return {
        ref: name,
        attributes: { Arn: `arn:${PARTITION}:iam::${ACCOUNT}:role${path}${name}`, RoleId: 'AROA0' },
      };
    }
    case 'AWS::IAM::OIDCProvider': {
      const url = String(resource.Properties?.Url ?? '').replace(/^https:\/\//, '');
      const providerArn = `arn:${PARTITION}:iam::${ACCOUNT}:oidc-provider/${url}`;
      return { ref: providerArn, attributes: { Arn: providerArn } };
    }
    case 'AWS::S3::Bucket': {
      const name = generatedName(stackName, logicalId, true);
      return {
        ref: name,
        attributes: {
          Arn: `arn:${PARTITION}:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
        },
      };
    }
    default:
      return { ref: generatedName(stackName, logicalId), attributes: { Arn: arn('x', logicalId) } };
  }
}

/** Evaluates a template's intrinsic functions for one set of parameter values. */
export function resolveTemplate(template: CfnTemplate, options: ResolveOptions): ResolvedTemplate {
  const stackName = options.stackName ?? 'pr-env-setup-shop';
  const stackId = `arn:${PARTITION}:cloudformation:${REGION}:${ACCOUNT}:stack/${stackName}/5f0c8a40-0000-11f0-8000-0a1b2c3d4e5f`;
  const parameters: Record<string, string> = {};
  for (const [name, declaration] of Object.entries(template.Parameters ?? {})) {
    const value = options.parameters[name] ?? declaration.Default;
    if (value === undefined) throw new Error(`parameter ${name} has no value and no default`);
    parameters[name] = String(value);
  }
  for (const name of Object.keys(options.parameters)) {
    if (!(name in parameters)) throw new Error(`the template declares no parameter ${name}`);
  }
  const pseudo: Record<string, string> = {
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::Partition': PARTITION,
    'AWS::StackName': stackName,
    'AWS::StackId': stackId,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const physical: ResolvedTemplate['physical'] = {};
  const rawResources = template.Resources;
  const conditions: Record<string, boolean> = {};

  // Physical names only need the resource's literal properties (the role path).
  for (const [id, resource] of Object.entries(rawResources)) {
    physical[id] = physicalOf(
      stackName,
      id,
      resource as { Type: string; Properties?: Record<string, Json> },
    );
  }

  const lookup = (name: string): string => {
    if (name in pseudo) return pseudo[name]!;
    if (name in parameters) return parameters[name]!;
    if (name in physical) return physical[name]!.ref;
    throw new Error(`Ref to unknown ${name}`);
  };
  const attribute = (id: string, attr: string): string => {
    const value = physical[id]?.attributes[attr];
    if (value === undefined) throw new Error(`GetAtt of unknown ${id}.${attr}`);
    return value;
  };

  const condition = (name: string): boolean => {
    if (!(name in conditions)) {
      const body = template.Conditions?.[name];
      if (body === undefined) throw new Error(`unknown condition ${name}`);
      conditions[name] = Boolean(evaluate(body));
    }
    return conditions[name]!;
  };

  function evaluate(value: Json): Json {
    if (Array.isArray(value)) {
      return value.map(evaluate).filter((item) => item !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const args = value[key];
      switch (key) {
        case 'Ref':
          return args === 'AWS::NoValue' ? NO_VALUE : lookup(String(args));
        case 'Condition':
          return condition(String(args));
        case 'Fn::GetAtt': {
          const [id, attr] = Array.isArray(args) ? args : String(args).split(/\.(.*)/s);
          return attribute(String(id), String(attr));
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(args) ? args : [args, {}];
          const locals = Object.fromEntries(
            Object.entries((vars ?? {}) as Record<string, Json>).map(([k, v]) => [k, evaluate(v)]),
          );
          return String(text).replace(/\$\{([^}]+)\}/g, (whole, body: string) => {
            if (body.startsWith('!')) return `\${${body.slice(1)}}`;
            if (body in locals) return String(locals[body]);
            const dot = body.indexOf('.');
            return dot > 0 && !body.startsWith('AWS::')
              ? attribute(body.slice(0, dot), body.slice(dot + 1))
              : lookup(body);
          });
        }
        case 'Fn::Join': {
          const [separator, items] = args as [string, Json[]];
          return (evaluate(items) as Json[]).map(String).join(separator);
        }
        case 'Fn::If': {
          const [name, whenTrue, whenFalse] = args as [string, Json, Json];
          return condition(name) ? evaluate(whenTrue) : evaluate(whenFalse);
        }
        case 'Fn::Equals': {
          const [a, b] = (args as Json[]).map(evaluate);
          return String(a) === String(b);
        }
        case 'Fn::Not':
          return !(evaluate((args as Json[])[0]) as boolean);
        case 'Fn::And':
          return (args as Json[]).every((item) => evaluate(item) === true);
        case 'Fn::Or':
          return (args as Json[]).some((item) => evaluate(item) === true);
        case 'Fn::Select': {
          const [index, items] = args as [Json, Json];
          return (evaluate(items) as Json[])[Number(evaluate(index))];
        }
        case 'Fn::Split': {
          const [separator, text] = args as [string, Json];
          return String(evaluate(text)).split(separator);
        }
        default:
          if (key.startsWith('Fn::')) throw new Error(`resolveTemplate does not know ${key}`);
      }
    }
    const out: Record<string, Json> = {};
    for (const [key, child] of Object.entries(value)) {
      const resolved = evaluate(child);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  for (const name of Object.keys(template.Conditions ?? {})) condition(name);
  const resources: ResolvedTemplate['resources'] = {};
  for (const [id, resource] of Object.entries(rawResources)) {
    if (resource.Condition && !condition(resource.Condition)) continue;
    resources[id] = evaluate(resource) as ResolvedTemplate['resources'][string];
    resources[id].Properties ??= {};
  }
  const outputs: Record<string, string> = {};
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    if (output.Condition && !condition(output.Condition)) continue;
    outputs[name] = String(evaluate(output.Value));
  }
  return { parameters, conditions, resources, outputs, physical, stackId };
}

// ------------------------------------------------------------------------------------ IAM

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Json;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: Statement[];
}

export interface Request {
  action: string;
  resource: string;
  /** Request context keys (`cloudformation:RoleArn`, `iam:PassedToService`, ...). */
  context?: Record<string, string>;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM's wildcard match: `*` any run of characters (slashes included), `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

const OPERATORS: Record<string, (policy: string, actual: string) => boolean> = {
  StringEquals: (p, a) => p === a,
  StringNotEquals: (p, a) => p !== a,
  StringLike: (p, a) => wildcardMatch(p, a),
  StringNotLike: (p, a) => !wildcardMatch(p, a),
  ArnEquals: (p, a) => p === a,
  ArnLike: (p, a) => wildcardMatch(p, a),
  Bool: (p, a) => p.toLowerCase() === a.toLowerCase(),
};

/** Whether a statement's Condition block holds for a request context. */
export function conditionHolds(
  condition: Statement['Condition'],
  context: Record<string, string> = {},
): boolean {
  for (const [rawOperator, entries] of Object.entries(condition ?? {})) {
    const ifExists = rawOperator.endsWith('IfExists');
    const operator = ifExists ? rawOperator.slice(0, -'IfExists'.length) : rawOperator;
    const test = OPERATORS[operator];
    if (!test) throw new Error(`conditionHolds does not know the operator ${rawOperator}`);
    for (const [key, expected] of Object.entries(entries)) {
      const actual = context[key];
      if (actual === undefined) {
        if (ifExists) continue;
        return false;
      }
      const values = list(expected).map(String);
      // Negated operators hold only when no value matches; the others when any does.
      const holds = operator.includes('Not')
        ? values.every((value) => test(value, actual))
        : values.some((value) => test(value, actual));
      if (!holds) return false;
    }
  }
  return true;
}

function statementMatches(statement: Statement, request: Request): boolean {
  const actionMatches =
    statement.NotAction !== undefined
      ? !list(statement.NotAction).some((a) => wildcardMatch(a, request.action, true))
      : list(statement.Action).some((a) => wildcardMatch(a, request.action, true));
  // A trust policy's statements name no resource: the role itself is the resource.
  const resourceMatches =
    statement.Resource === undefined && statement.NotResource === undefined
      ? true
      : statement.NotResource !== undefined
        ? !list(statement.NotResource).some((r) => wildcardMatch(r, request.resource))
        : list(statement.Resource).some((r) => wildcardMatch(r, request.resource));
  return actionMatches && resourceMatches && conditionHolds(statement.Condition, request.context);
}

/** IAM's decision for one request against a set of identity-policy statements. */
export function evaluate(statements: Statement[], request: Request): Decision {
  const matching = statements.filter((statement) => statementMatches(statement, request));
  if (matching.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  if (matching.some((s) => s.Effect === 'Allow')) return 'allow';
  return 'implicit-deny';
}

/** The statements of a role's inline policies. */
export function roleStatements(role: { Properties: Record<string, Json> }): Statement[] {
  const policies = (role.Properties.Policies ?? []) as Array<{ PolicyDocument: PolicyDocument }>;
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

/** Every action an Allow statement names, lower-cased `service:action`. */
export function allowedActions(statements: Statement[]): string[] {
  return statements
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => list(s.Action))
    .map((action) => action.toLowerCase());
}

/** An inline policy's size as IAM counts it: the JSON without whitespace. */
export function policySize(document: PolicyDocument): number {
  return JSON.stringify(document).length;
}
