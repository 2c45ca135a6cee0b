// Types only: EC2 and Service Quotas are loaded when a create is about to happen, never otherwise.
import type { EC2Client, Filter, Subnet } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { errorMessage } from '../errors.js';
import type { AccountNeeds } from './needs.js';
import {
  DEFAULT_QUOTAS,
  QUOTA_INFO,
  type AccountQuotas,
  type AccountUsage,
  type Quota,
} from './quotas.js';

export interface AccountClients {
  ec2(): Promise<EC2Client>;
  serviceQuotas(): Promise<ServiceQuotasClient>;
  elasticLoadBalancing(): Promise<ElasticLoadBalancingV2Client>;
}

export interface AccountReading {
  usage: AccountUsage;
  quotas: AccountQuotas;
  /** Checks that could not run, and why: each is a warning. */
  skipped: string[];
  /** Quotas assumed at AWS's default, and why: for the log. */
  assumed: string[];
}

const PERMISSION_ERRORS = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
]);

/** A refusal by IAM (EC2 says UnauthorizedOperation, most others AccessDenied). */
export function isPermissionError(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return PERMISSION_ERRORS.has(e?.name ?? '') || e?.$metadata?.httpStatusCode === 403;
}

// NAT gateways in these states hold a place in the per-zone quota.
const NAT_STATES = ['pending', 'available', 'deleting'];
// EC2 accepts at most 200 values in one filter.
const FILTER_VALUES_MAX = 200;

async function countVpcs(ec2: EC2Client): Promise<number> {
  const { DescribeVpcsCommand } = await import('../aws/sdk/ec2.js');
  let count = 0;
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken }));
    count += page.Vpcs?.length ?? 0;
    NextToken = page.NextToken;
  } while (NextToken);
  return count;
}

/** Elastic IPs allocated in the region: DescribeAddresses is not paginated. */
async function countAddresses(ec2: EC2Client): Promise<number> {
  const { DescribeAddressesCommand } = await import('../aws/sdk/ec2.js');
  const found = await ec2.send(new DescribeAddressesCommand({}));
  return (found.Addresses ?? []).filter((a) => (a.Domain ?? 'vpc') === 'vpc').length;
}

/**
 * The account's Elastic IP limit: `vpc-max-elastic-ips` follows quota increases. Asked for all
 * attributes: the API documents only two names as filters, though it returns this one too.
 */
async function elasticIpLimit(ec2: EC2Client): Promise<number> {
  const { DescribeAccountAttributesCommand } = await import('../aws/sdk/ec2.js');
  const found = await ec2.send(new DescribeAccountAttributesCommand({}));
  const raw = found.AccountAttributes?.find((a) => a.AttributeName === 'vpc-max-elastic-ips')
    ?.AttributeValues?.[0]?.AttributeValue;
  const value = Number(raw);
  if (raw === undefined)
    throw new Error('DescribeAccountAttributes returned no vpc-max-elastic-ips');
  if (!Number.isFinite(value)) {
    throw new Error(
      `DescribeAccountAttributes returned vpc-max-elastic-ips "${raw}", not a number`,
    );
  }
  return value;
}

/** NAT gateways per zone: a NAT gateway names its subnet, the subnet its zone. */
async function natGatewaysByZone(ec2: EC2Client): Promise<Record<string, number>> {
  const { DescribeNatGatewaysCommand } = await import('../aws/sdk/ec2.js');
  const subnets: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeNatGatewaysCommand({
        Filter: [{ Name: 'state', Values: NAT_STATES }],
        MaxResults: 1000,
        NextToken,
      }),
    );
    for (const nat of page.NatGateways ?? []) if (nat.SubnetId) subnets.push(nat.SubnetId);
    NextToken = page.NextToken;
  } while (NextToken);

  const zoneOfSubnet = new Map<string, string>();
  for (const s of await describeSubnets(ec2, [...new Set(subnets)])) {
    if (s.SubnetId && s.AvailabilityZone) zoneOfSubnet.set(s.SubnetId, s.AvailabilityZone);
  }
  const counts: Record<string, number> = {};
  for (const subnet of subnets) {
    const zone = zoneOfSubnet.get(subnet);
    if (zone) counts[zone] = (counts[zone] ?? 0) + 1;
  }
  return counts;
}

/** The region's zones as `!GetAZs` lists them: available Availability Zones, by name. */
async function zoneNames(ec2: EC2Client): Promise<string[]> {
  const { DescribeAvailabilityZonesCommand } = await import('../aws/sdk/ec2.js');
  const found = await ec2.send(
    new DescribeAvailabilityZonesCommand({
      Filters: [
        { Name: 'state', Values: ['available'] },
        { Name: 'zone-type', Values: ['availability-zone'] },
      ],
    }),
  );
  return (found.AvailabilityZones ?? [])
    .map((z) => z.ZoneName ?? '')
    .filter(Boolean)
    .sort();
}

/** Application load balancers in the region (the quota counts those only). */
async function countLoadBalancers(elb: ElasticLoadBalancingV2Client): Promise<number> {
  const { DescribeLoadBalancersCommand } = await import('../aws/sdk/elastic-load-balancing-v2.js');
  let count = 0;
  let Marker: string | undefined;
  do {
    const page = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker }));
    count += (page.LoadBalancers ?? []).filter((lb) => lb.Type === 'application').length;
    Marker = page.NextMarker;
  } while (Marker);
  return count;
}

/** Each subnet's free addresses, as EC2 counts them (AvailableIpAddressCount). */
async function freeAddresses(ec2: EC2Client, subnets: string[]): Promise<Record<string, number>> {
  const free: Record<string, number> = {};
  for (const s of await describeSubnets(ec2, subnets)) {
    if (s.SubnetId && s.AvailableIpAddressCount !== undefined)
      free[s.SubnetId] = s.AvailableIpAddressCount;
  }
  const missing = subnets.filter((id) => free[id] === undefined);
  if (missing.length > 0) throw new Error(`DescribeSubnets did not return ${missing.join(', ')}`);
  return free;
}

/** The subnets of these IDs, on every page; an ID that does not exist is just not returned. */
async function describeSubnets(ec2: EC2Client, ids: string[]): Promise<Subnet[]> {
  const { DescribeSubnetsCommand } = await import('../aws/sdk/ec2.js');
  const found: Subnet[] = [];
  for (let i = 0; i < ids.length; i += FILTER_VALUES_MAX) {
    const Filters: Filter[] = [{ Name: 'subnet-id', Values: ids.slice(i, i + FILTER_VALUES_MAX) }];
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeSubnetsCommand({ Filters, MaxResults: 1000, NextToken }),
      );
      found.push(...(page.Subnets ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return found;
}

async function serviceQuota(
  sq: ServiceQuotasClient,
  key: 'vpcs' | 'natGatewaysPerZone' | 'loadBalancers',
): Promise<number> {
  const { GetServiceQuotaCommand } = await import('../aws/sdk/service-quotas.js');
  const { service, code } = QUOTA_INFO[key];
  const found = await sq.send(
    new GetServiceQuotaCommand({ ServiceCode: service, QuotaCode: code }),
  );
  const value = found.Quota?.Value;
  if (value === undefined) throw new Error(`GetServiceQuota ${service}/${code} returned no value`);
  return value;
}

/**
 * Reads the counts and quotas the checks for `needs` use, each on its own: a refusal or failure
 * skips that check (or, for a quota, assumes AWS's default) and leaves the others to run.
 */
export async function readAccount(
  clients: AccountClients,
  needs: AccountNeeds,
): Promise<AccountReading> {
  const skipped: string[] = [];
  const assumed: string[] = [];
  const why = (error: unknown, permission: string) =>
    isPermissionError(error)
      ? `not allowed (${permission}): ${errorMessage(error)}`
      : `failed: ${errorMessage(error)}`;

  async function count<T>(what: string, permission: string, read: () => Promise<T>) {
    try {
      return await read();
    } catch (error) {
      skipped.push(`${what} ${why(error, permission)}`);
      return undefined;
    }
  }
  async function quota(
    key: keyof typeof QUOTA_INFO,
    permission: string,
    read: () => Promise<number>,
  ): Promise<Quota> {
    try {
      const value = await read();
      return { value, source: key === 'elasticIps' ? 'account-attribute' : 'service-quotas' };
    } catch (error) {
      assumed.push(
        `${QUOTA_INFO[key].name}: assuming AWS's default of ${DEFAULT_QUOTAS[key]}, reading it ${why(error, permission)}`,
      );
      return { value: DEFAULT_QUOTAS[key], source: 'default' };
    }
  }

  const ec2 = await clients.ec2();
  const sq = () => clients.serviceQuotas();
  const needNat = needs.natGateways.length > 0;
  const subnets = Object.keys(needs.subnetAddresses);
  // Every read at once: the preflight stands between the change set and the create.
  const balancerAndSubnetReads = Promise.all([
    needs.loadBalancers > 0
      ? count('Counting load balancers', 'elasticloadbalancing:DescribeLoadBalancers', async () =>
          countLoadBalancers(await clients.elasticLoadBalancing()),
        )
      : undefined,
    needs.loadBalancers > 0
      ? quota('loadBalancers', 'servicequotas:GetServiceQuota', async () =>
          serviceQuota(await sq(), 'loadBalancers'),
        )
      : undefined,
    subnets.length > 0
      ? count("Counting the subnets' free addresses", 'ec2:DescribeSubnets', () =>
          freeAddresses(ec2, subnets),
        )
      : undefined,
  ]);
  const networkReads = Promise.all([
    needs.vpcs > 0 ? count('Counting VPCs', 'ec2:DescribeVpcs', () => countVpcs(ec2)) : undefined,
    needs.vpcs > 0
      ? quota('vpcs', 'servicequotas:GetServiceQuota', async () => serviceQuota(await sq(), 'vpcs'))
      : undefined,
    needs.elasticIps > 0
      ? count('Counting Elastic IPs', 'ec2:DescribeAddresses', () => countAddresses(ec2))
      : undefined,
    needs.elasticIps > 0
      ? quota('elasticIps', 'ec2:DescribeAccountAttributes', () => elasticIpLimit(ec2))
      : undefined,
    needNat
      ? count(
          'Counting NAT gateways per zone',
          'ec2:DescribeNatGateways, ec2:DescribeSubnets',
          () => natGatewaysByZone(ec2),
        )
      : undefined,
    needNat && needs.natGateways.some((ref) => 'index' in ref)
      ? count('Listing Availability Zones', 'ec2:DescribeAvailabilityZones', () => zoneNames(ec2))
      : undefined,
    needNat
      ? quota('natGatewaysPerZone', 'servicequotas:GetServiceQuota', async () =>
          serviceQuota(await sq(), 'natGatewaysPerZone'),
        )
      : undefined,
  ]);
  const [
    [loadBalancers, elbQuota, free],
    [vpcs, vpcQuota, elasticIps, eipQuota, natGateways, zones, natQuota],
  ] = await Promise.all([balancerAndSubnetReads, networkReads]);
  return {
    usage: {
      vpcs,
      elasticIps,
      natGatewaysByZone: natGateways,
      zones,
      loadBalancers,
      freeAddresses: free,
    },
    quotas: {
      vpcs: vpcQuota,
      elasticIps: eipQuota,
      natGatewaysPerZone: natQuota,
      loadBalancers: elbQuota,
    },
    skipped,
    assumed,
  };
}
