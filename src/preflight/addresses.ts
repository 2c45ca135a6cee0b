/**
 * The free IP addresses a create needs in subnets that exist already: a shared network's
 * (network-stack), which other environments fill too. A subnet the stack creates is empty, and
 * its own size is CloudFormation's to check.
 */
import type { CfnResource, CfnTemplate } from '../template/cfn-yaml.js';
import { condition, isRecord, scalar, type Values } from './evaluate.js';

/**
 * ELB's own floor: "ELB requires at least 8 free IP addresses in each subnet" (its error when a
 * subnet has fewer). A load balancer's nodes start with one address and take more as it scales.
 */
export const LOAD_BALANCER_ADDRESSES = 8;

type Resources = Array<[string, CfnResource]>;

/** A string value: a scalar, `Fn::Join`, `Fn::Select` over a list, or `Fn::If`. */
function text(value: unknown, template: CfnTemplate, values: Values): string | undefined {
  const direct = scalar(value, values);
  if (direct !== undefined || !isRecord(value)) return direct;
  const [fn, args] = Object.entries(value)[0] ?? [];
  const list = Array.isArray(args) ? args : [];
  if (fn === 'Fn::If') {
    const branch = pick(list, template, values);
    return branch === undefined ? undefined : text(branch, template, values);
  }
  if (fn === 'Fn::Join' && typeof list[0] === 'string' && Array.isArray(list[1])) {
    const parts = (list[1] as unknown[]).map((p) => text(p, template, values));
    return parts.includes(undefined) ? undefined : parts.join(list[0]);
  }
  if (fn === 'Fn::Select') {
    const index = Number(text(list[0], template, values));
    const from = strings(list[1], template, values);
    return from && Number.isInteger(index) ? from[index] : undefined;
  }
  return undefined;
}

/** `Fn::If`'s branch, when its condition can be told. */
function pick(list: unknown[], template: CfnTemplate, values: Values): unknown {
  if (typeof list[0] !== 'string') return undefined;
  const holds = condition({ Condition: list[0] }, template, values, new Set());
  return holds === undefined ? undefined : holds ? list[1] : list[2];
}

/** A list of strings: a literal list, `Fn::Split`, a list parameter, or `Fn::If`. */
function strings(value: unknown, template: CfnTemplate, values: Values): string[] | undefined {
  if (Array.isArray(value)) {
    const items = value.map((v) => text(v, template, values));
    return items.includes(undefined) ? undefined : (items as string[]);
  }
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') {
    const type = template.Parameters?.[value.Ref]?.Type ?? '';
    const raw = values[value.Ref];
    return /^(List<|CommaDelimitedList)/.test(type) && raw !== undefined
      ? raw.split(',')
      : undefined;
  }
  const [fn, args] = Object.entries(value)[0] ?? [];
  const list = Array.isArray(args) ? args : [];
  if (fn === 'Fn::If') {
    const branch = pick(list, template, values);
    return branch === undefined ? undefined : strings(branch, template, values);
  }
  if (fn === 'Fn::Split' && typeof list[0] === 'string') {
    const whole = text(list[1], template, values);
    return whole === undefined ? undefined : whole.split(list[0]);
  }
  return undefined;
}

/** Subnet IDs a value names; undefined when any is the stack's own (a Ref to a resource). */
function subnetIds(value: unknown, template: CfnTemplate, values: Values): string[] | undefined {
  const ids = strings(value, template, values)?.filter(Boolean);
  return ids && ids.length > 0 && ids.every((id) => id.startsWith('subnet-')) ? ids : undefined;
}

/** Spreads `count` addresses over `subnets`, the way EC2 and RDS balance across zones. */
function spread(needs: Record<string, number>, subnets: string[] | undefined, count: number) {
  if (!subnets || count <= 0) return;
  const each = Math.ceil(count / subnets.length);
  for (const id of subnets) needs[id] = (needs[id] ?? 0) + each;
}

/**
 * Addresses by subnet ID: 8 for a load balancer in each of its subnets, one for an instance,
 * an Auto Scaling group's MaxSize spread over its subnets (a rolling update's extra instance
 * included), one for each database instance spread over its subnet group's subnets. Pure.
 */
export function subnetAddressNeeds(
  template: CfnTemplate,
  values: Values,
  created: Resources,
): Record<string, number> {
  const needs: Record<string, number> = {};
  const resources = template.Resources ?? {};
  const ids = (value: unknown) => subnetIds(value, template, values);
  const dbInstancesByGroup = new Map<string, number>();
  for (const [, resource] of created) {
    const p = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        for (const id of ids(p.Subnets) ?? [])
          needs[id] = (needs[id] ?? 0) + LOAD_BALANCER_ADDRESSES;
        break;
      case 'AWS::EC2::Instance': {
        const interfaces = Array.isArray(p.NetworkInterfaces) ? p.NetworkInterfaces : [];
        const first = interfaces.find(isRecord)?.SubnetId;
        spread(needs, ids(p.SubnetId !== undefined ? [p.SubnetId] : [first]), 1);
        break;
      }
      case 'AWS::AutoScaling::AutoScalingGroup':
        spread(needs, ids(p.VPCZoneIdentifier), Number(text(p.MaxSize, template, values) ?? 0));
        break;
      case 'AWS::RDS::DBInstance': {
        const group = subnetGroupOf(p, resources);
        if (group) dbInstancesByGroup.set(group, (dbInstancesByGroup.get(group) ?? 0) + 1);
        break;
      }
    }
  }
  for (const [group, count] of dbInstancesByGroup) {
    spread(needs, ids(resources[group]?.Properties?.SubnetIds), count);
  }
  return needs;
}

/** The DBSubnetGroup resource an instance is placed by: its own, or its Aurora cluster's. */
function subnetGroupOf(
  instance: Record<string, unknown>,
  resources: Record<string, CfnResource>,
): string | undefined {
  const ref = (v: unknown) => (isRecord(v) && typeof v.Ref === 'string' ? v.Ref : undefined);
  const own = ref(instance.DBSubnetGroupName);
  if (own) return own;
  const cluster = ref(instance.DBClusterIdentifier);
  return cluster ? ref(resources[cluster]?.Properties?.DBSubnetGroupName) : undefined;
}
