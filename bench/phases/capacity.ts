/**
 * (6) Environments per account and region under AWS's default quotas, in each network mode: what
 * a create adds to the quota-limited counts (the preflight's own count of the bundled template,
 * src/preflight/needs.ts), against the defaults. Load balancers are not counted by the preflight
 * yet; their quota is the limit of the shared mode.
 */
import { templateNeeds } from '../../src/preflight/needs.js';
import { DEFAULT_QUOTAS } from '../../src/preflight/quotas.js';
import { loadTemplate } from '../../src/template/render.js';
import { ROOT } from '../lib/action.js';

/** Application Load Balancers per Region (L-53DA6B97), AWS's default. */
export const DEFAULT_LOAD_BALANCERS = 50;

export interface ModeCapacity {
  mode: 'own network' | 'shared network';
  vpcs: number;
  elasticIps: number;
  natGateways: number;
  loadBalancers: number;
  /** How many environments fit, and the quota that stops the next one. */
  fit: number;
  limitedBy: string;
}

const SHARED = [
  { ParameterKey: 'SharedVpcId', ParameterValue: 'vpc-0a1b2c3d4e5f60718' },
  {
    ParameterKey: 'SharedPublicSubnetIds',
    ParameterValue: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2',
  },
  {
    ParameterKey: 'SharedPrivateSubnetIds',
    ParameterValue: 'subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2',
  },
];

export function capacityPhase(): ModeCapacity[] {
  const { template } = loadTemplate(`${ROOT}/templates/environment.yml`);
  const loadBalancers = Object.values(template.Resources).filter(
    (r) => r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  ).length;
  return (
    [
      ['own network', []],
      ['shared network', SHARED],
    ] as const
  ).map(([mode, parameters]) => {
    const needs = templateNeeds(template, [...parameters]);
    // The account's default VPC takes one of the five; the shared network's own VPC and NAT
    // Elastic IP one more each.
    const shared = mode === 'shared network' ? 1 : 0;
    const limits = [
      ['VPCs (5, one the default VPC)', needs.vpcs, DEFAULT_QUOTAS.vpcs - 1 - shared],
      ['Elastic IPs (5)', needs.elasticIps, DEFAULT_QUOTAS.elasticIps - shared],
      [
        'NAT gateways per zone (5)',
        needs.natGateways.length,
        DEFAULT_QUOTAS.natGatewaysPerZone - shared,
      ],
      [
        `Application Load Balancers (${DEFAULT_LOAD_BALANCERS})`,
        loadBalancers,
        DEFAULT_LOAD_BALANCERS,
      ],
    ] as const;
    const fits = limits.map(([name, need, room]) => ({
      name,
      fit: need === 0 ? Number.POSITIVE_INFINITY : Math.floor(room / need),
    }));
    const tightest = fits.reduce((a, b) => (b.fit < a.fit ? b : a));
    return {
      mode,
      vpcs: needs.vpcs,
      elasticIps: needs.elasticIps,
      natGateways: needs.natGateways.length,
      loadBalancers,
      fit: tightest.fit,
      limitedBy: tightest.name,
    };
  });
}
