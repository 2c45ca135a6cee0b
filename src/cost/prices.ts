/**
 * The list prices an environment's cost estimate is computed from: on-demand, Linux, USD, one
 * region, with the date they were read and where from. Kept in the repository (not fetched at run
 * time: the Price List API needs credentials the deploy role does not have, and a comment should
 * not depend on it) and updated by hand; the README's cost table is computed from the same figures.
 *
 * Sources, us-east-1, read for March 2026:
 * - NAT gateway hour, ALB hour and LCU-hour, t3.micro, Aurora db.t4g.medium (PostgreSQL and MySQL,
 *   Aurora Standard): a pricing table dated 2026-03-07 drawn from the AWS Price List API, and the
 *   NAT gateway pricing guides of February and March 2026 (cloudburn.io, egresscost.com).
 * - Public IPv4, $0.005 per IP-hour for every public address (NAT, instance, load balancer): AWS
 *   News Blog, July 2023, in force since 2024-02-01.
 * - The other EC2 and Aurora classes and gp3 storage: the AWS price lists as remembered, not
 *   re-checked for this table (marked `recalled` below). Check https://calculator.aws before
 *   relying on them.
 */

/** Billing months are 730 hours in AWS's own calculators. */
export const HOURS_PER_MONTH = 730;

export interface PriceTable {
  region: string;
  /** When the prices were read (ISO date). */
  date: string;
  currency: 'USD';
  natGatewayHour: number;
  albHour: number;
  albLcuHour: number;
  publicIpv4Hour: number;
  ebsGp3GbMonth: number;
  /** EC2 on-demand Linux, per instance-hour, by instance type. */
  ec2Hour: Record<string, number>;
  /** Aurora Standard, per instance-hour, by DB instance class (same for PostgreSQL and MySQL). */
  auroraHour: Record<string, number>;
  /** Aurora Serverless v2 (Aurora Standard), per ACU-hour. */
  auroraServerlessAcuHour: number;
  /** Lambda (the wake page): per million requests, and per GB-second on arm64. */
  lambdaMillionRequests: number;
  lambdaArmGbSecond: number;
  /** A CloudWatch dashboard past an account's first three, per month. */
  dashboardMonth: number;
}

/**
 * What the estimate assumes where the stack cannot say: an idle PR environment uses a fraction of
 * one load balancer capacity unit; an internet-facing ALB holds one public address per subnet
 * (two in the bundled template, more as it scales); Amazon Linux 2023 root volumes are 8 GiB.
 */
export const ASSUMPTIONS = {
  albLcus: 1,
  albPublicIps: 2,
  rootVolumeGb: 8,
} as const;

const US_EAST_1: PriceTable = {
  region: 'us-east-1',
  date: '2026-03-07',
  currency: 'USD',
  natGatewayHour: 0.045,
  albHour: 0.0225,
  albLcuHour: 0.008,
  publicIpv4Hour: 0.005,
  ebsGp3GbMonth: 0.08, // recalled
  ec2Hour: {
    't3.micro': 0.0104,
    // recalled: each t3/t3a/t4g size step doubles the price
    't3.nano': 0.0052,
    't3.small': 0.0208,
    't3.medium': 0.0416,
    't3.large': 0.0832,
    't3a.nano': 0.0047,
    't3a.micro': 0.0094,
    't3a.small': 0.0188,
    't3a.medium': 0.0376,
    't4g.nano': 0.0042,
    't4g.micro': 0.0084,
    't4g.small': 0.0168,
    't4g.medium': 0.0336,
    't4g.large': 0.0672,
    'm5.large': 0.096,
    'm6i.large': 0.096,
    'm6g.large': 0.077,
    'm7g.large': 0.0816,
    'm7i.large': 0.1008,
    'c6i.large': 0.085,
    'c7g.large': 0.0725,
  },
  auroraHour: {
    'db.t4g.medium': 0.073,
    // recalled
    'db.t4g.large': 0.146,
    'db.t3.medium': 0.082,
    'db.t3.large': 0.164,
    'db.r5.large': 0.29,
    'db.r6g.large': 0.26,
    'db.r7g.large': 0.276,
  },
  auroraServerlessAcuHour: 0.12, // recalled
  lambdaMillionRequests: 0.2, // recalled
  lambdaArmGbSecond: 0.0000133334, // recalled
  dashboardMonth: 3, // recalled
};

const TABLES: Record<string, PriceTable> = { [US_EAST_1.region]: US_EAST_1 };

/**
 * The price table of a region, or undefined: prices differ by region (us-east-1 is among the
 * cheapest) by amounts no single factor captures, so other regions are "unknown" rather than a
 * guess that looks exact.
 */
export function priceTableFor(region: string): PriceTable | undefined {
  return TABLES[region];
}

/** The regions with a price table, for messages. */
export function pricedRegions(): string[] {
  return Object.keys(TABLES);
}
