import { SERVERLESS_CLASS, SERVERLESS_PARAMETERS } from '../data/serverless.js';
import {
  ASSUMPTIONS,
  HOURS_PER_MONTH,
  priceTableFor,
  pricedRegions,
  type PriceTable,
} from './prices.js';

/** What the estimate is computed from: the stack as it stands, not the template's defaults. */
export interface EstimateInput {
  region: string;
  /** The stack's resources (DescribeStackResources): a resource a condition left out is absent. */
  resourceTypes: string[];
  /**
   * The stack's parameters as they are when the environment is awake: for a sleeping stack, with
   * the capacity it will wake to rather than its 0.
   */
  parameters: Record<string, string>;
}

export interface CostLine {
  item: string;
  quantity: string;
  unitPrice: string;
  /** USD per hour. */
  awake: number;
  asleep: number;
}

export interface CostEstimate {
  region: string;
  /** False when there is no price table for the region: no figures, only the reason. */
  priced: boolean;
  priceDate?: string;
  lines: CostLine[];
  /** What could not be priced (an instance class missing from the table); not in the totals. */
  unpriced: string[];
  /** USD. Undefined when the region is not priced. */
  hourly?: { awake: number; asleep: number };
  daily?: { awake: number; asleep: number };
  note?: string;
  /**
   * In a shared network (network-stack): what the network bills once for every environment in
   * it, its NAT gateway and that gateway's public address, USD per hour; not in the totals.
   */
  sharedNetworkHourly?: number;
}

const count = (types: string[], type: string) => types.filter((t) => t === type).length;
const usd = (n: number) => `$${n}`;

interface Builder {
  prices: PriceTable;
  lines: CostLine[];
  unpriced: string[];
}

function instanceLine(
  b: Builder,
  what: string,
  table: Record<string, number>,
  type: string | undefined,
  awakeCount: number,
  asleepCount: number,
): void {
  if (awakeCount === 0 && asleepCount === 0) return;
  const price = type === undefined ? undefined : table[type];
  if (price === undefined) {
    b.unpriced.push(
      `${what}: ${awakeCount} × ${type ?? '(type unknown)'} (no price in the ${b.prices.region} table)`,
    );
    return;
  }
  b.lines.push({
    item: what,
    quantity: `${awakeCount} × ${type}${asleepCount === awakeCount ? '' : `, ${asleepCount} asleep`}`,
    unitPrice: `${usd(price)} per hour`,
    awake: awakeCount * price,
    asleep: asleepCount * price,
  });
}

/**
 * Aurora Serverless v2 instances bill ACU-hours. An idle environment sits at its minimum: at 0 ACU
 * the instances pause (resuming on the first connection, in about 15 s) and only storage bills,
 * without the cluster being stopped. Load above the minimum is not estimated.
 */
function serverlessLine(b: Builder, instances: number, parameters: Record<string, string>): void {
  if (instances === 0) return;
  const min = Number(parameters[SERVERLESS_PARAMETERS.minCapacity] ?? '0.5');
  if (!Number.isFinite(min) || min < 0) {
    b.unpriced.push(
      `Aurora Serverless v2: minimum capacity "${parameters[SERVERLESS_PARAMETERS.minCapacity]}" is not a number`,
    );
    return;
  }
  const price = b.prices.auroraServerlessAcuHour;
  const max = parameters.DBServerlessMaxCapacity;
  b.lines.push({
    item:
      min === 0
        ? 'Aurora Serverless v2 (paused when idle: storage only)'
        : 'Aurora Serverless v2 (idle, at minimum capacity)',
    quantity: `${instances} × ${min} ACU${max ? ` (up to ${max} under load)` : ''}`,
    unitPrice: `${usd(price)} per ACU-hour`,
    awake: instances * min * price,
    asleep: 0,
  });
}

/** A whole number of instances from a parameter, or undefined when it is not one. */
function capacity(parameters: Record<string, string>, name: string): number | undefined {
  const value = Number(parameters[name]);
  return parameters[name] !== undefined && Number.isInteger(value) && value >= 0
    ? value
    : undefined;
}

/**
 * The environment's hourly and daily cost, awake and asleep, item by item, from the stack's own
 * resources and parameters. Asleep, the web tier has no instances (nor their volumes) and the
 * Aurora instances are stopped (storage still bills, but is left out both ways: it depends on the
 * data). Load balancer capacity units, its public addresses and root volume sizes are estimates
 * (see ASSUMPTIONS). Pure.
 */
export function estimateCost(input: EstimateInput): CostEstimate {
  const prices = priceTableFor(input.region);
  if (!prices) {
    return {
      region: input.region,
      priced: false,
      lines: [],
      unpriced: [],
      note: `no price table for ${input.region} (the repository keeps ${pricedRegions().join(', ')} only): cost unknown`,
    };
  }
  const b: Builder = { prices, lines: [], unpriced: [] };
  const types = input.resourceTypes;
  const { parameters } = input;

  const nat = count(types, 'AWS::EC2::NatGateway');
  if (nat > 0) {
    b.lines.push({
      item: 'NAT gateway',
      quantity: String(nat),
      unitPrice: `${usd(prices.natGatewayHour)} per hour`,
      awake: nat * prices.natGatewayHour,
      asleep: nat * prices.natGatewayHour,
    });
  }

  const albs = count(types, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  if (albs > 0) {
    b.lines.push(
      {
        item: 'Application Load Balancer',
        quantity: String(albs),
        unitPrice: `${usd(prices.albHour)} per hour`,
        awake: albs * prices.albHour,
        asleep: albs * prices.albHour,
      },
      {
        item: 'Load balancer capacity units (estimate)',
        quantity: `${albs * ASSUMPTIONS.albLcus} LCU`,
        unitPrice: `${usd(prices.albLcuHour)} per LCU-hour`,
        awake: albs * ASSUMPTIONS.albLcus * prices.albLcuHour,
        asleep: albs * ASSUMPTIONS.albLcus * prices.albLcuHour,
      },
    );
  }

  // The web tier: DesiredCapacity instances of InstanceType per group; none while asleep.
  const groups = count(types, 'AWS::AutoScaling::AutoScalingGroup');
  const desired = capacity(parameters, 'DesiredCapacity');
  if (groups > 0 && desired === undefined) {
    b.unpriced.push('Auto Scaling group: no DesiredCapacity parameter to count its instances by');
  }
  const web = groups * (desired ?? 0);
  instanceLine(b, 'EC2 web instances', prices.ec2Hour, parameters.InstanceType, web, 0);

  // Stand-alone instances (the bastion) keep running while the environment sleeps.
  const standalone = count(types, 'AWS::EC2::Instance');
  const standaloneType = parameters.BastionInstanceType ?? parameters.InstanceType;
  instanceLine(b, 'EC2 bastion', prices.ec2Hour, standaloneType, standalone, standalone);

  const volumes = { awake: web + standalone, asleep: standalone };
  if (volumes.awake > 0) {
    const perVolumeHour = (ASSUMPTIONS.rootVolumeGb * prices.ebsGp3GbMonth) / HOURS_PER_MONTH;
    b.lines.push({
      item: 'EBS gp3 root volumes (estimate)',
      quantity: `${volumes.awake} × ${ASSUMPTIONS.rootVolumeGb} GiB${volumes.asleep === volumes.awake ? '' : `, ${volumes.asleep} asleep`}`,
      unitPrice: `${usd(prices.ebsGp3GbMonth)} per GiB-month`,
      awake: volumes.awake * perVolumeHour,
      asleep: volumes.asleep * perVolumeHour,
    });
  }

  // A stopped Aurora cluster bills no instance hours.
  const dbInstances = count(types, 'AWS::RDS::DBInstance');
  if (parameters.DBInstanceClass === SERVERLESS_CLASS) {
    serverlessLine(b, dbInstances, parameters);
  } else {
    instanceLine(
      b,
      'Aurora instances',
      prices.auroraHour,
      parameters.DBInstanceClass,
      dbInstances,
      0,
    );
  }

  const eips = count(types, 'AWS::EC2::EIP');
  const ips = eips + albs * ASSUMPTIONS.albPublicIps + standalone;
  if (ips > 0) {
    const parts = [
      eips && `${eips} Elastic IP`,
      albs && `${albs * ASSUMPTIONS.albPublicIps} load balancer`,
      standalone && `${standalone} instance`,
    ].filter(Boolean);
    b.lines.push({
      item: 'Public IPv4 addresses (estimate)',
      quantity: `${ips} (${parts.join(', ')})`,
      unitPrice: `${usd(prices.publicIpv4Hour)} per IP-hour`,
      awake: ips * prices.publicIpv4Hour,
      asleep: ips * prices.publicIpv4Hour,
    });
  }

  // Billed per visit, not per hour: while asleep each visit runs it once (128 MB, about a second).
  if (count(types, 'AWS::Lambda::Function') > 0) {
    b.lines.push({
      item: 'Wake page function (Lambda, per visit while asleep)',
      quantity: `${count(types, 'AWS::Lambda::Function')}, ~$0.000002 a visit`,
      unitPrice: `${usd(prices.lambdaMillionRequests)} per million requests + ${usd(prices.lambdaArmGbSecond)} per GB-second`,
      awake: 0,
      asleep: 0,
    });
  }
  // Free for an account's first three: whether this one is past them, the stack cannot say.
  const dashboards = count(types, 'AWS::CloudWatch::Dashboard');
  if (dashboards > 0) {
    b.lines.push({
      item: 'CloudWatch dashboard (free for an account’s first 3)',
      quantity: String(dashboards),
      unitPrice: `${usd(prices.dashboardMonth)} per month past 3`,
      awake: 0,
      asleep: 0,
    });
  }

  const sum = (key: 'awake' | 'asleep') => b.lines.reduce((total, line) => total + line[key], 0);
  const hourly = { awake: sum('awake'), asleep: sum('asleep') };
  return {
    region: input.region,
    priced: true,
    priceDate: prices.date,
    lines: b.lines,
    unpriced: b.unpriced,
    hourly,
    daily: { awake: hourly.awake * 24, asleep: hourly.asleep * 24 },
    ...(parameters.SharedVpcId
      ? { sharedNetworkHourly: prices.natGatewayHour + prices.publicIpv4Hour }
      : {}),
  };
}
