/**
 * Just enough of CloudFormation's intrinsics to read a template before it is deployed: parameter
 * values, conditions, and the scalars and lists the preflight's checks look at. Anything it
 * cannot evaluate is undefined, and the check that asked leaves that part out. Pure.
 */
import type { Parameter } from '@aws-sdk/client-cloudformation';
import type { CfnTemplate } from '../template/cfn-yaml.js';

export type Values = Record<string, string>;

/** The stack's parameter values: what is sent, else the template's defaults. Pure. */
export function parameterValues(template: CfnTemplate, parameters: Parameter[]): Values {
  const values: Values = {};
  for (const [key, declared] of Object.entries(template.Parameters ?? {})) {
    if (declared.Default !== undefined) values[key] = String(declared.Default);
  }
  for (const p of parameters) {
    if (p.ParameterKey && p.ParameterValue !== undefined) values[p.ParameterKey] = p.ParameterValue;
  }
  return values;
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A scalar the template states or references as a parameter; undefined for anything else. */
export function scalar(value: unknown, values: Values): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (isRecord(value) && typeof value.Ref === 'string') return values[value.Ref];
  return undefined;
}

/**
 * Evaluates a condition built from Equals, Not, And, Or and Condition over parameters. Anything
 * else is undefined: the check then leaves the resource out, because a false alarm would stop a
 * deploy that could succeed, while a missed one only costs the slow failure there was before.
 */
export function condition(
  expr: unknown,
  template: CfnTemplate,
  values: Values,
  seen: Set<string>,
): boolean | undefined {
  if (typeof expr === 'boolean') return expr;
  if (!isRecord(expr)) return undefined;
  const [fn, args] = Object.entries(expr)[0] ?? [];
  const list = Array.isArray(args) ? args : [];
  const sub = (e: unknown) => condition(e, template, values, seen);
  switch (fn) {
    case 'Condition': {
      if (typeof args !== 'string' || seen.has(args)) return undefined;
      return condition(template.Conditions?.[args], template, values, new Set(seen).add(args));
    }
    case 'Fn::Equals': {
      const [a, b] = list.map((v) => scalar(v, values));
      return a === undefined || b === undefined ? undefined : a === b;
    }
    case 'Fn::Not': {
      const inner = sub(list[0]);
      return inner === undefined ? undefined : !inner;
    }
    case 'Fn::And': {
      const all = list.map(sub);
      if (all.includes(false)) return false;
      return all.includes(undefined) ? undefined : true;
    }
    case 'Fn::Or': {
      const all = list.map(sub);
      if (all.includes(true)) return true;
      return all.includes(undefined) ? undefined : false;
    }
    default:
      return undefined;
  }
}

/** The resources a create makes: those without a condition, or whose condition is known to hold. */
export function createdResources(template: CfnTemplate, values: Values) {
  return Object.entries(template.Resources ?? {}).filter(
    ([, r]) =>
      r.Condition === undefined ||
      condition({ Condition: r.Condition }, template, values, new Set()) === true,
  );
}
