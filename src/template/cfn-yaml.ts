import { CORE_SCHEMA, defineMappingTag, defineScalarTag, defineSequenceTag, load } from 'js-yaml';
import type { Schema, TagDefinition } from 'js-yaml';

/** A CloudFormation template as plain JSON: what CloudFormation itself receives. */
export type CfnTemplate = {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Mappings?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<
    string,
    { Value: unknown; Description?: string; Condition?: string; Export?: { Name: unknown } }
  >;
};

export type CfnParameter = {
  Type: string;
  Default?: unknown;
  Description?: string;
  NoEcho?: boolean | string;
  AllowedValues?: unknown[];
  AllowedPattern?: string;
};

export type CfnResource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  CreationPolicy?: unknown;
  UpdatePolicy?: unknown;
  Metadata?: unknown;
};

// Short forms whose long form is not `Fn::<Name>`.
const BARE_KEYS: Record<string, string> = { Ref: 'Ref', Condition: 'Condition' };

const INTRINSICS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];

function longKey(name: string): string {
  return BARE_KEYS[name] ?? `Fn::${name}`;
}

// `!GetAtt Resource.Attribute` splits at the first dot only: attributes such as
// `Endpoint.Address` contain dots of their own.
function scalarValue(name: string, source: string): unknown {
  if (name !== 'GetAtt') return source;
  const dot = source.indexOf('.');
  return dot < 0 ? [source] : [source.slice(0, dot), source.slice(dot + 1)];
}

function tagsFor(name: string): TagDefinition[] {
  const key = longKey(name);
  const wrap = (value: unknown) => ({ [key]: value });
  return [
    defineScalarTag(`!${name}`, {
      resolve: (source) => wrap(scalarValue(name, source)),
      identify: () => false,
    }),
    defineSequenceTag<unknown[], Record<string, unknown>>(`!${name}`, {
      create: () => [],
      addItem: (carrier, item) => {
        carrier.push(item);
      },
      finalize: wrap,
      identify: () => false,
    }),
    defineMappingTag<Record<string, unknown>, Record<string, unknown>>(`!${name}`, {
      create: () => ({}),
      addPair: (carrier, k, value) => {
        carrier[String(k)] = value;
        return '';
      },
      has: (carrier, k) => Object.hasOwn(carrier, String(k)),
      keys: (result) => Object.keys(result),
      get: (result, k) => result[String(k)],
      finalize: wrap,
      identify: () => false,
    }),
  ];
}

/** js-yaml schema that understands CloudFormation's short-form intrinsic tags. */
export const CFN_SCHEMA: Schema = CORE_SCHEMA.withTags(...INTRINSICS.map(tagsFor));

/** Parses CloudFormation YAML (or JSON, a subset of YAML) into its JSON form. */
export function parseTemplate(text: string, source: string): CfnTemplate {
  let parsed: unknown;
  try {
    parsed = load(text, { schema: CFN_SCHEMA, filename: source });
  } catch (error) {
    throw new Error(
      `Could not parse template "${source}" as YAML: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`Template "${source}" is not a CloudFormation template: expected a mapping`);
  }
  const template = parsed as CfnTemplate;
  if (!template.Resources || typeof template.Resources !== 'object') {
    throw new Error(`Template "${source}" has no "Resources" section`);
  }
  return template;
}
