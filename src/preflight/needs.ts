import type { Parameter } from '@aws-sdk/client-cloudformation';
import type { CfnTemplate } from '../template/cfn-yaml.js';

/** Where a NAT gateway goes: the n-th zone of `!GetAZs`, a named zone, or unknown. */
export type ZoneRef = { index: number } | { name: string };

/** What creating the stack adds to the account-wide counts that quotas limit. */
export interface AccountNeeds {
  vpcs: number;
  elasticIps: number;
  /** One entry per NAT gateway whose zone the template makes known. */
  natGateways: ZoneRef[];
}

type Values = Record<string, string>;

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

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A scalar the template states or references as a parameter; undefined for anything else. */
function scalar(value: unknown, values: Values): string | undefined {
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
function condition(
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

/** `!Select [i, !GetAZs '']`, a zone name, or a parameter holding one. */
function zoneOf(value: unknown, values: Values): ZoneRef | undefined {
  const name = scalar(value, values);
  if (name) return { name };
  if (!isRecord(value) || !Array.isArray(value['Fn::Select'])) return undefined;
  const [index, from] = value['Fn::Select'] as unknown[];
  const i = Number(scalar(index, values));
  if (!Number.isInteger(i) || !isRecord(from) || !('Fn::GetAZs' in from)) return undefined;
  return { index: i };
}

/**
 * Counts what a create of `template` adds: VPCs, Elastic IPs, and NAT gateways with their zone
 * (the subnet they are placed in says which). Resources under a condition count only when it is
 * known to hold. Pure.
 */
export function templateNeeds(template: CfnTemplate, parameters: Parameter[]): AccountNeeds {
  const values = parameterValues(template, parameters);
  const resources = template.Resources ?? {};
  const created = Object.entries(resources).filter(
    ([, r]) =>
      r.Condition === undefined ||
      condition({ Condition: r.Condition }, template, values, new Set()) === true,
  );
  const ofType = (type: string) => created.filter(([, r]) => r.Type === type);
  const natGateways = ofType('AWS::EC2::NatGateway').flatMap(([, nat]) => {
    const subnetRef = nat.Properties?.SubnetId;
    const subnet =
      isRecord(subnetRef) && typeof subnetRef.Ref === 'string'
        ? resources[subnetRef.Ref]
        : undefined;
    const zone = subnet && zoneOf(subnet.Properties?.AvailabilityZone, values);
    return zone ? [zone] : [];
  });
  return {
    vpcs: ofType('AWS::EC2::VPC').length,
    elasticIps: ofType('AWS::EC2::EIP').length,
    natGateways,
  };
}
