import type { Parameter } from '@aws-sdk/client-cloudformation';
import type { CfnTemplate } from '../template/cfn-yaml.js';
import { subnetAddressNeeds } from './addresses.js';
import { createdResources, isRecord, parameterValues, scalar, type Values } from './evaluate.js';

export { parameterValues };

/** Where a NAT gateway goes: the n-th zone of `!GetAZs`, a named zone, or unknown. */
export type ZoneRef = { index: number } | { name: string };

/** What creating the stack adds to the account-wide counts that quotas limit. */
export interface AccountNeeds {
  vpcs: number;
  elasticIps: number;
  /** One entry per NAT gateway whose zone the template makes known. */
  natGateways: ZoneRef[];
  /** Application load balancers (a regional quota). */
  loadBalancers: number;
  /**
   * Free IP addresses needed in subnets that exist already (a shared network's, named by
   * parameters), by subnet ID. Subnets the stack creates itself are empty and not counted.
   */
  subnetAddresses: Record<string, number>;
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
  const created = createdResources(template, values);
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
    loadBalancers: ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').filter(
      ([, lb]) => (scalar(lb.Properties?.Type, values) ?? 'application') === 'application',
    ).length,
    subnetAddresses: subnetAddressNeeds(template, values, created),
  };
}
