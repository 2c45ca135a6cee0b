import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../../src/cost/estimate.js';
import { HOURS_PER_MONTH, priceTableFor } from '../../../src/cost/prices.js';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);

/** The template's defaults, as the stack reports its parameters. */
const defaults = Object.fromEntries(
  Object.entries(template.Parameters ?? {}).flatMap(([name, p]) =>
    p.Default === undefined ? [] : [[name, String(p.Default)]],
  ),
);

/**
 * The resources a stack with these conditions true has (others are left out, as in AWS); a
 * network of its own (OwnNetwork) is the default.
 */
function resourceTypes(trueConditions: string[] = ['OwnNetwork']): string[] {
  return Object.values(template.Resources)
    .filter((r) => !r.Condition || trueConditions.includes(r.Condition as string))
    .map((r) => r.Type);
}

// Hand-computed from the README's us-east-1 table (see docs/chatops-and-cost.md):
//   NAT 0.045 + ALB 0.0225 + 1 LCU 0.008 + t3.micro 0.0104 + t3.nano 0.0052
//   + 2 × 8 GiB gp3 at 0.08/GiB-month = 1.28 / 730 = 0.00175342
//   + 2 × db.t4g.medium 0.073 = 0.146 + 4 public IPv4 × 0.005 = 0.02
//   = 0.25885342 $/h, 6.21248219 $/day.
// Asleep (no web instance nor its volume, Aurora stopped):
//   0.045 + 0.0225 + 0.008 + 0.0052 + 0.64 / 730 (0.00087671) + 0.02 = 0.10157671 $/h, 2.43784110 $/day.
const AWAKE_HOURLY = 0.045 + 0.0225 + 0.008 + 0.0104 + 0.0052 + 1.28 / 730 + 0.146 + 0.02;
const ASLEEP_HOURLY = 0.045 + 0.0225 + 0.008 + 0.0052 + 0.64 / 730 + 0.02;

describe('estimateCost', () => {
  const estimate = estimateCost({
    region: 'us-east-1',
    resourceTypes: resourceTypes(),
    parameters: defaults,
  });

  it('prices an environment with default parameters at the hand-computed figure', () => {
    expect(AWAKE_HOURLY).toBeCloseTo(0.25885342, 8);
    expect(estimate.hourly?.awake).toBeCloseTo(AWAKE_HOURLY, 10);
    expect(estimate.daily?.awake).toBeCloseTo(6.21248219, 6);
    expect(estimate.hourly?.asleep).toBeCloseTo(ASLEEP_HOURLY, 10);
    expect(ASLEEP_HOURLY).toBeCloseTo(0.10157671, 8);
    expect(estimate.daily?.asleep).toBeCloseTo(2.4378411, 6);
    expect(estimate).toMatchObject({ priced: true, priceDate: '2026-03-07', unpriced: [] });
  });

  it('itemises each resource, awake and asleep', () => {
    const rows = Object.fromEntries(
      estimate.lines.map((l) => [l.item, [l.quantity, +l.awake.toFixed(6), +l.asleep.toFixed(6)]]),
    );
    expect(rows).toEqual({
      'NAT gateway': ['1', 0.045, 0.045],
      'Application Load Balancer': ['1', 0.0225, 0.0225],
      'Load balancer capacity units (estimate)': ['1 LCU', 0.008, 0.008],
      'EC2 web instances': ['1 × t3.micro, 0 asleep', 0.0104, 0],
      'EC2 bastion': ['1 × t3.nano', 0.0052, 0.0052],
      'EBS gp3 root volumes (estimate)': ['2 × 8 GiB, 1 asleep', 0.001753, 0.000877],
      'Aurora instances': ['2 × db.t4g.medium, 0 asleep', 0.146, 0],
      'Public IPv4 addresses (estimate)': [
        '4 (1 Elastic IP, 2 load balancer, 1 instance)',
        0.02,
        0.02,
      ],
      'CloudWatch dashboard (free for an account’s first 3)': ['1', 0, 0],
    });
  });

  it('names the wake page’s function, billed per visit: nothing by the hour, awake or asleep', () => {
    const withWakePage = estimateCost({
      region: 'us-east-1',
      resourceTypes: resourceTypes(['OwnNetwork', 'HasWakePage']),
      parameters: defaults,
    });
    const line = withWakePage.lines.find((l) => l.item.startsWith('Wake page function'));
    expect(line).toMatchObject({ quantity: '1, ~$0.000002 a visit', awake: 0, asleep: 0 });
    expect(line?.unitPrice).toBe('$0.2 per million requests + $0.0000133334 per GB-second');
    // What stays while asleep is unchanged by it: the load balancer, NAT, bastion, addresses.
    expect(withWakePage.hourly).toEqual(estimate.hourly);
    expect(estimate.lines.some((l) => l.item.startsWith('Wake page function'))).toBe(false);
  });

  it('follows the stack: a NAT gateway per AZ, more instances, another class', () => {
    const big = estimateCost({
      region: 'us-east-1',
      resourceTypes: resourceTypes(['OwnNetwork', 'OwnNatPerAz']),
      parameters: {
        ...defaults,
        DesiredCapacity: '3',
        InstanceType: 't3.small',
        DBInstanceClass: 'db.r6g.large',
      },
    });
    const prices = priceTableFor('us-east-1')!;
    const expected =
      2 * 0.045 +
      0.0225 +
      0.008 +
      3 * 0.0208 +
      0.0052 +
      (4 * 8 * prices.ebsGp3GbMonth) / HOURS_PER_MONTH +
      2 * 0.26 +
      5 * 0.005;
    expect(big.hourly?.awake).toBeCloseTo(expected, 10);
    expect(big.lines.find((l) => l.item === 'NAT gateway')?.quantity).toBe('2');
  });

  it('leaves out what it has no price for, and says so', () => {
    const unknownClass = estimateCost({
      region: 'us-east-1',
      resourceTypes: resourceTypes(),
      parameters: { ...defaults, DBInstanceClass: 'db.x2g.16xlarge' },
    });
    expect(unknownClass.unpriced).toEqual([
      'Aurora instances: 2 × db.x2g.16xlarge (no price in the us-east-1 table)',
    ]);
    expect(unknownClass.hourly?.awake).toBeCloseTo(AWAKE_HOURLY - 0.146, 10);
  });

  it('marks a region without a price table unknown instead of guessing', () => {
    const elsewhere = estimateCost({
      region: 'eu-west-1',
      resourceTypes: resourceTypes(),
      parameters: defaults,
    });
    expect(elsewhere).toMatchObject({ priced: false, lines: [] });
    expect(elsewhere.hourly).toBeUndefined();
    expect(elsewhere.note).toMatch(/no price table for eu-west-1.*us-east-1.*cost unknown/);
  });

  it('in a shared network, leaves out the NAT gateway and its address: the README’s figures', () => {
    const shared = estimateCost({
      region: 'us-east-1',
      resourceTypes: resourceTypes([]),
      parameters: { ...defaults, SharedVpcId: 'vpc-0a1b2c3d4e5f60718' },
    });
    expect(shared.lines.map((l) => l.item)).not.toContain('NAT gateway');
    expect(shared.hourly?.awake).toBeCloseTo(AWAKE_HOURLY - 0.045 - 0.005, 10);
    expect(shared.hourly?.awake).toBeCloseTo(0.20885342, 8);
    expect(shared.hourly?.asleep).toBeCloseTo(0.05157671, 8);
    // The network's NAT gateway and its address, billed once for all: $1.20 a day.
    expect(shared.sharedNetworkHourly).toBeCloseTo(0.05, 10);
    const own = estimateCost({
      region: 'us-east-1',
      resourceTypes: resourceTypes([]),
      parameters: defaults,
    });
    expect(own.sharedNetworkHourly).toBeUndefined();
  });

  it('prices only the resources the stack has', () => {
    const bare = estimateCost({
      region: 'us-east-1',
      resourceTypes: ['AWS::EC2::VPC', 'AWS::EC2::NatGateway'],
      parameters: {},
    });
    expect(bare.lines.map((l) => l.item)).toEqual(['NAT gateway']);
    expect(bare.hourly).toEqual({ awake: 0.045, asleep: 0.045 });
  });
});

describe('estimateCost with Aurora Serverless v2', () => {
  const serverless = (min: string) =>
    estimateCost({
      region: 'us-east-1',
      resourceTypes: resourceTypes(),
      parameters: { ...defaults, DBInstanceClass: 'db.serverless', DBServerlessMinCapacity: min },
    });
  const provisioned = estimateCost({
    region: 'us-east-1',
    resourceTypes: resourceTypes(),
    parameters: defaults,
  });
  const acuHour = priceTableFor('us-east-1')!.auroraServerlessAcuHour;

  it('costs storage only while paused at 0 ACU: no instance hours, awake or asleep', () => {
    const estimate = serverless('0');
    const line = estimate.lines.find((l) => l.item.startsWith('Aurora Serverless v2'));
    expect(line).toMatchObject({
      item: 'Aurora Serverless v2 (paused when idle: storage only)',
      quantity: '2 × 0 ACU (up to 4 under load)',
      awake: 0,
      asleep: 0,
    });
    expect(estimate.lines.some((l) => l.item === 'Aurora instances')).toBe(false);
    // The provisioned pair's 2 × $0.073 an hour is gone.
    expect(estimate.hourly!.awake).toBeCloseTo(provisioned.hourly!.awake - 0.146, 10);
    expect(estimate.unpriced).toEqual([]);
  });

  it('bills the minimum ACUs where the engine version cannot pause', () => {
    const line = serverless('0.5').lines.find((l) => l.item.startsWith('Aurora Serverless v2'));
    expect(line).toMatchObject({
      item: 'Aurora Serverless v2 (idle, at minimum capacity)',
      quantity: '2 × 0.5 ACU (up to 4 under load)',
      unitPrice: `$${acuHour} per ACU-hour`,
      asleep: 0,
    });
    expect(line!.awake).toBeCloseTo(2 * 0.5 * acuHour, 10);
  });
});
