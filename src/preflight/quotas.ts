import type { AccountNeeds, ZoneRef } from './needs.js';

/** One quota as the account reports it, or AWS's default when it cannot be read. */
export interface Quota {
  value: number;
  /** `default`: AWS's default, assumed because the account's own could not be read. */
  source: 'service-quotas' | 'account-attribute' | 'default';
}

/** What the account uses now; a check whose count could not be read is left undefined. */
export interface AccountUsage {
  vpcs?: number;
  elasticIps?: number;
  /** NAT gateways (pending, available or deleting) per zone name. */
  natGatewaysByZone?: Record<string, number>;
  /** The region's zones in `!GetAZs` order, to place `{ index }` NAT gateways. */
  zones?: string[];
  /** Application load balancers in the region. */
  loadBalancers?: number;
  /** Free IP addresses of the subnets the create places things in, by subnet ID. */
  freeAddresses?: Record<string, number>;
}

export interface AccountQuotas {
  vpcs?: Quota;
  elasticIps?: Quota;
  natGatewaysPerZone?: Quota;
  loadBalancers?: Quota;
}

/** The names and codes people search for in the Service Quotas console. */
export const QUOTA_INFO = {
  vpcs: { name: 'VPCs per Region', code: 'L-F678F1CE', service: 'vpc' },
  elasticIps: { name: 'EC2-VPC Elastic IPs', code: 'L-0263D0A3', service: 'ec2' },
  natGatewaysPerZone: {
    name: 'NAT gateways per Availability Zone',
    code: 'L-FE5A380F',
    service: 'vpc',
  },
  loadBalancers: {
    name: 'Application Load Balancers per Region',
    code: 'L-53DA6B97',
    service: 'elasticloadbalancing',
  },
} as const;

/** AWS's defaults, for when the account's quotas cannot be read. */
export const DEFAULT_QUOTAS = {
  vpcs: 5,
  elasticIps: 5,
  natGatewaysPerZone: 5,
  loadBalancers: 50,
} as const;

export interface QuotaProblem {
  /** A quota, or `subnetAddresses`: a subnet without the free addresses the create needs. */
  quota: keyof typeof QUOTA_INFO | 'subnetAddresses';
  /** The zone, for a per-zone quota. */
  zone?: string;
  /** The subnet, for subnetAddresses; then `inUse` holds its free addresses, `needed` the need. */
  subnet?: string;
  inUse: number;
  limit: number;
  needed: number;
  assumed: boolean;
}

/**
 * Compares one count against its quota. An assumed (default) quota the account already exceeds
 * has been raised: it says nothing about the real limit, so that check is dropped.
 */
function compare(
  quota: keyof typeof QUOTA_INFO,
  inUse: number | undefined,
  limit: Quota | undefined,
  needed: number,
  notes: string[],
  zone?: string,
): QuotaProblem[] {
  if (needed <= 0 || inUse === undefined || limit === undefined) return [];
  const assumed = limit.source === 'default';
  if (assumed && inUse > limit.value) {
    notes.push(
      `${QUOTA_INFO[quota].name}${zone ? ` in ${zone}` : ''}: ${inUse} in use, above AWS's default of ${limit.value}, so the account's quota is higher than assumed; not checked`,
    );
    return [];
  }
  if (inUse + needed <= limit.value) return [];
  return [{ quota, zone, inUse, limit: limit.value, needed, assumed }];
}

function zoneName(ref: ZoneRef, zones: string[] | undefined): string | undefined {
  return 'name' in ref ? ref.name : zones?.[ref.index];
}

/**
 * The quotas a create would exceed: each needed resource against what is in use and the limit.
 * A count or quota that could not be read skips its check (`notes` says which). Pure.
 */
export function quotaProblems(
  needs: AccountNeeds,
  usage: AccountUsage,
  quotas: AccountQuotas,
): { problems: QuotaProblem[]; notes: string[] } {
  const notes: string[] = [];
  const problems = [
    ...compare('vpcs', usage.vpcs, quotas.vpcs, needs.vpcs, notes),
    ...compare('elasticIps', usage.elasticIps, quotas.elasticIps, needs.elasticIps, notes),
    ...compare(
      'loadBalancers',
      usage.loadBalancers,
      quotas.loadBalancers,
      needs.loadBalancers,
      notes,
    ),
    ...addressProblems(needs.subnetAddresses, usage.freeAddresses),
  ];
  if (needs.natGateways.length > 0 && usage.natGatewaysByZone) {
    const perZone = new Map<string, number>();
    for (const ref of needs.natGateways) {
      const zone = zoneName(ref, usage.zones);
      if (zone === undefined) {
        notes.push(
          `NAT gateways per Availability Zone: the zone of a NAT gateway is unknown (zone list not read); not checked`,
        );
        continue;
      }
      perZone.set(zone, (perZone.get(zone) ?? 0) + 1);
    }
    for (const [zone, needed] of perZone) {
      problems.push(
        ...compare(
          'natGatewaysPerZone',
          usage.natGatewaysByZone[zone] ?? 0,
          quotas.natGatewaysPerZone,
          needed,
          notes,
          zone,
        ),
      );
    }
  }
  return { problems, notes: [...new Set(notes)] };
}

/** Subnets with fewer free addresses than the create places in them. */
function addressProblems(
  needed: Record<string, number>,
  free: Record<string, number> | undefined,
): QuotaProblem[] {
  if (!free) return [];
  return Object.entries(needed).flatMap(([subnet, count]) => {
    const available = free[subnet];
    return available === undefined || available >= count
      ? []
      : [
          {
            quota: 'subnetAddresses' as const,
            subnet,
            inUse: available,
            limit: count,
            needed: count,
            assumed: false,
          },
        ];
  });
}

/** `VPCs per Region (L-F678F1CE): 5 of 5 in use, the environment needs 1 more`. Pure. */
export function formatProblem(problem: QuotaProblem, region: string): string {
  if (problem.quota === 'subnetAddresses') {
    return `Free IP addresses in subnet ${problem.subnet}: ${problem.inUse} free, the environment needs ${problem.needed} there (a load balancer needs 8 in each of its subnets, an instance or database instance one each)`;
  }
  const info = QUOTA_INFO[problem.quota];
  const where = problem.zone ?? region;
  const limit = problem.assumed
    ? `${problem.limit} (AWS's default: the account's quota could not be read)`
    : String(problem.limit);
  return `${info.name} (${info.code}) in ${where}: ${problem.inUse} of ${limit} in use, the environment needs ${problem.needed} more`;
}

/** A create stopped before it started, because the account has no room for it. */
export class QuotaExceededError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: QuotaProblem[],
    region: string,
  ) {
    super(
      `Preflight: creating stack "${stackName}" would exceed ${problems.length === 1 ? 'a quota' : `${problems.length} quotas`} of this AWS account: ${problems
        .map((p) => formatProblem(p, region))
        .join(
          '; ',
        )}. Nothing was created. Delete what is unused (old environments, unattached Elastic IPs, idle VPCs or load balancers) or request an increase in the Service Quotas console${problems.some((p) => p.quota === 'subnetAddresses') ? '; a full subnet of the shared network needs environments closed, or a larger SharedNetworkCidr' : ''}.`,
    );
    this.name = 'QuotaExceededError';
  }
}
