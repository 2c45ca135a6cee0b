/**
 * Template parsing (JSON or YAML with CloudFormation's short tags) and structural checks that
 * CloudFormation runs before it accepts a change set.
 */
import { load } from 'js-yaml';
import { CFN_SCHEMA } from '../../../src/template/cfn-yaml.js';
import { validationError } from './query-protocol.js';

export interface TemplateParameter {
  Type: string;
  Default?: unknown;
  NoEcho?: boolean | string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
  MinLength?: number | string;
  MaxLength?: number | string;
  MinValue?: number | string;
  MaxValue?: number | string;
  Description?: string;
}

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: unknown;
}

export interface TemplateOutput {
  Value: unknown;
  Description?: string;
  Condition?: string;
  Export?: { Name: unknown };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, TemplateParameter>;
  Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, TemplateOutput>;
}

// The action's own short-tag schema: YAML reaches the simulator only in tests that send it
// directly, and both must read `!GetAtt` and friends the same way.
function parseText(body: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(body);
    } catch {
      throw validationError('Template format error: JSON not well-formed.');
    }
  }
  try {
    return load(body, { schema: CFN_SCHEMA });
  } catch (error) {
    const mark = (error as { mark?: { line: number; column: number } }).mark;
    const where = mark ? ` (line ${mark.line + 1}, column ${mark.column + 1})` : '';
    throw validationError(`Template format error: YAML not well-formed.${where}`);
  }
}

/** Parses and structurally validates a template body, with CloudFormation's messages. */
export function parseTemplate(body: string): Template {
  const parsed = parseText(body);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw validationError('Template format error: unsupported structure.');
  }
  const template = parsed as Template;
  const resources = template.Resources;
  if (!resources || typeof resources !== 'object' || Object.keys(resources).length === 0) {
    throw validationError('Template format error: At least one Resources member must be defined.');
  }
  for (const [id, resource] of Object.entries(resources)) {
    if (!resource || typeof resource.Type !== 'string') {
      throw validationError(
        `Template format error: [/Resources/${id}] Every Resources object must contain a Type member.`,
      );
    }
  }
  checkReferences(template);
  return template;
}

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export interface References {
  refs: Set<string>;
  getAtts: Set<string>;
}

/** Every logical ID referenced by Ref, Fn::GetAtt or a `${…}` in Fn::Sub inside `value`. */
export function collectReferences(
  value: unknown,
  out: References = { refs: new Set(), getAtts: new Set() },
): References {
  if (Array.isArray(value)) {
    for (const item of value) collectReferences(item, out);
    return out;
  }
  if (!value || typeof value !== 'object') return out;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && typeof record.Ref === 'string') {
    out.refs.add(record.Ref);
    return out;
  }
  if (keys.length === 1 && record['Fn::GetAtt'] !== undefined) {
    const target = record['Fn::GetAtt'];
    const name = Array.isArray(target) ? target[0] : String(target).split('.')[0];
    if (typeof name === 'string') out.getAtts.add(name);
    return out;
  }
  if (keys.length === 1 && record['Fn::Sub'] !== undefined) {
    const sub = record['Fn::Sub'];
    const [text, vars] = Array.isArray(sub)
      ? [sub[0], sub[1] as Record<string, unknown>]
      : [sub, {}];
    for (const match of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const name = (match[1] ?? '').trim();
      const head = name.split('.')[0] ?? '';
      if (vars && Object.hasOwn(vars, name)) continue;
      if (name.includes('.')) out.getAtts.add(head);
      else out.refs.add(name);
    }
    if (vars) collectReferences(Object.values(vars), out);
    return out;
  }
  for (const item of Object.values(record)) collectReferences(item, out);
  return out;
}

function checkReferences(template: Template): void {
  const resources = template.Resources;
  const params = template.Parameters ?? {};
  const unresolved = new Set<string>();
  for (const resource of Object.values(resources)) {
    const { refs, getAtts } = collectReferences(resource.Properties ?? {});
    for (const ref of refs) {
      if (!(ref in resources) && !(ref in params) && !PSEUDO_PARAMETERS.has(ref))
        unresolved.add(ref);
    }
    for (const target of getAtts) {
      if (!(target in resources)) {
        throw validationError(
          `Template error: instance of Fn::GetAtt references undefined resource ${target}`,
        );
      }
    }
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const dep of dependsOn) {
      if (!(dep in resources)) unresolved.add(dep);
    }
    if (resource.Condition !== undefined && !(resource.Condition in (template.Conditions ?? {}))) {
      throw validationError(
        `Template format error: Unresolved condition dependencies [${resource.Condition}] in the Resources block of the template`,
      );
    }
  }
  if (unresolved.size > 0) {
    throw validationError(
      `Template format error: Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`,
    );
  }
}

/** Logical IDs `id` depends on: DependsOn plus every resource its properties reference. */
export function dependenciesOf(template: Template, id: string): string[] {
  const resource = template.Resources[id];
  if (!resource) return [];
  // References in Metadata order creation too (cfn-init's configuration names other resources).
  const { refs, getAtts } = collectReferences([resource.Properties ?? {}, resource.Metadata ?? {}]);
  const deps = new Set<string>([...refs, ...getAtts, ...[resource.DependsOn ?? []].flat()]);
  return [...deps].filter((dep) => dep !== id && dep in template.Resources);
}

/** The dependency function of a template (none for a stack that has no template yet). */
export function dependsOnIn(template: Template | undefined): (id: string) => string[] {
  return template ? (id) => dependenciesOf(template, id) : () => [];
}
