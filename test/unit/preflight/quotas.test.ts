import { describe, expect, it } from 'vitest';
import {
  formatProblem,
  QuotaExceededError,
  quotaProblems,
  type AccountQuotas,
} from '../../../src/preflight/quotas.js';

const read = (value: number) => ({ value, source: 'service-quotas' as const });
const assumed = (value: number) => ({ value, source: 'default' as const });
const quotas: AccountQuotas = {
  vpcs: read(5),
  elasticIps: { value: 5, source: 'account-attribute' },
  natGatewaysPerZone: read(5),
  loadBalancers: read(50),
};
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
const ownNetwork = { loadBalancers: 0, subnetAddresses: {} };
const single = { vpcs: 1, elasticIps: 1, natGateways: [{ index: 0 }], ...ownNetwork };
const perAz = {
  vpcs: 1,
  elasticIps: 2,
  natGateways: [{ index: 0 }, { index: 1 }],
  ...ownNetwork,
};
const shared = {
  vpcs: 0,
  elasticIps: 0,
  natGateways: [],
  loadBalancers: 1,
  subnetAddresses: { 'subnet-0a': 9, 'subnet-0c': 2 },
};

describe('quotaProblems', () => {
  it('finds nothing while there is room, up to the last one', () => {
    const usage = { vpcs: 4, elasticIps: 4, natGatewaysByZone: { 'us-east-1a': 4 }, zones: ZONES };
    expect(quotaProblems(single, usage, quotas)).toEqual({ problems: [], notes: [] });
  });

  it('names each quota the create would exceed, with its count and what is needed', () => {
    const usage = {
      vpcs: 5,
      elasticIps: 4,
      natGatewaysByZone: { 'us-east-1a': 1, 'us-east-1b': 5 },
      zones: ZONES,
    };
    const { problems } = quotaProblems(perAz, usage, quotas);
    expect(problems).toEqual([
      { quota: 'vpcs', zone: undefined, inUse: 5, limit: 5, needed: 1, assumed: false },
      { quota: 'elasticIps', zone: undefined, inUse: 4, limit: 5, needed: 2, assumed: false },
      {
        quota: 'natGatewaysPerZone',
        zone: 'us-east-1b',
        inUse: 5,
        limit: 5,
        needed: 1,
        assumed: false,
      },
    ]);
    expect(problems.map((p) => formatProblem(p, 'us-east-1'))).toEqual([
      'VPCs per Region (L-F678F1CE) in us-east-1: 5 of 5 in use, the environment needs 1 more',
      'EC2-VPC Elastic IPs (L-0263D0A3) in us-east-1: 4 of 5 in use, the environment needs 2 more',
      'NAT gateways per Availability Zone (L-FE5A380F) in us-east-1b: 5 of 5 in use, the environment needs 1 more',
    ]);
  });

  it('adds up NAT gateways the template puts in the same zone', () => {
    const needs = {
      vpcs: 0,
      elasticIps: 0,
      natGateways: [{ index: 0 }, { name: 'us-east-1a' }],
      ...ownNetwork,
    };
    const usage = { natGatewaysByZone: { 'us-east-1a': 4 }, zones: ZONES };
    expect(quotaProblems(needs, usage, quotas).problems).toMatchObject([
      { quota: 'natGatewaysPerZone', zone: 'us-east-1a', inUse: 4, needed: 2 },
    ]);
  });

  it('skips a check whose count could not be read', () => {
    expect(quotaProblems(single, { elasticIps: 9 }, quotas).problems.map((p) => p.quota)).toEqual([
      'elasticIps',
    ]);
  });

  it('skips the zone check, saying why, when the zone list could not be read', () => {
    const result = quotaProblems(single, { natGatewaysByZone: { 'us-east-1a': 9 } }, quotas);
    expect(result.problems).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining('zone of a NAT gateway is unknown')]);
  });

  it('trusts an assumed default only while the account is within it', () => {
    const defaults = { vpcs: assumed(5), elasticIps: assumed(5), natGatewaysPerZone: assumed(5) };
    // 5 of an assumed 5: probably full, said with the caveat.
    const full = quotaProblems(single, { vpcs: 5 }, defaults).problems;
    expect(full).toMatchObject([{ quota: 'vpcs', assumed: true }]);
    expect(formatProblem(full[0]!, 'us-east-1')).toContain(
      "5 of 5 (AWS's default: the account's quota could not be read) in use",
    );
    // 7 in use: the quota was raised above the default, so the default says nothing.
    const raised = quotaProblems(single, { vpcs: 7 }, defaults);
    expect(raised.problems).toEqual([]);
    expect(raised.notes).toEqual([expect.stringContaining('VPCs per Region: 7 in use, above')]);
  });

  it('needs nothing checked for a template without network resources', () => {
    const usage = { vpcs: 99, elasticIps: 99, natGatewaysByZone: {}, zones: ZONES };
    expect(
      quotaProblems({ vpcs: 0, elasticIps: 0, natGateways: [], ...ownNetwork }, usage, quotas)
        .problems,
    ).toEqual([]);
  });

  it('in a shared network: the load balancer quota and each subnet’s free addresses, not VPCs', () => {
    const roomy = { vpcs: 5, loadBalancers: 49, freeAddresses: { 'subnet-0a': 9, 'subnet-0c': 2 } };
    expect(quotaProblems(shared, roomy, quotas).problems).toEqual([]);
    const full = {
      vpcs: 5,
      loadBalancers: 50,
      freeAddresses: { 'subnet-0a': 8, 'subnet-0c': 200 },
    };
    const { problems } = quotaProblems(shared, full, quotas);
    expect(problems).toEqual([
      { quota: 'loadBalancers', zone: undefined, inUse: 50, limit: 50, needed: 1, assumed: false },
      {
        quota: 'subnetAddresses',
        subnet: 'subnet-0a',
        inUse: 8,
        limit: 9,
        needed: 9,
        assumed: false,
      },
    ]);
    expect(problems.map((p) => formatProblem(p, 'us-east-1'))).toEqual([
      'Application Load Balancers per Region (L-53DA6B97) in us-east-1: 50 of 50 in use, the environment needs 1 more',
      'Free IP addresses in subnet subnet-0a: 8 free, the environment needs 9 there (a load balancer needs 8 in each of its subnets, an instance or database instance one each)',
    ]);
    expect(new QuotaExceededError('pr-env-shop-pr-7', problems, 'us-east-1').message).toMatch(
      /would exceed 2 quotas .*; a full subnet of the shared network needs environments closed, or a larger SharedNetworkCidr\.$/,
    );
  });
});

describe('QuotaExceededError', () => {
  it('says which stack, every quota, that nothing was created, and what to do', () => {
    const error = new QuotaExceededError(
      'pr-env-shop-pr-7',
      [{ quota: 'vpcs', inUse: 5, limit: 5, needed: 1, assumed: false }],
      'eu-west-1',
    );
    expect(error.message).toBe(
      'Preflight: creating stack "pr-env-shop-pr-7" would exceed a quota of this AWS account: VPCs per Region (L-F678F1CE) in eu-west-1: 5 of 5 in use, the environment needs 1 more. Nothing was created. Delete what is unused (old environments, unattached Elastic IPs, idle VPCs or load balancers) or request an increase in the Service Quotas console.',
    );
  });
});
