/**
 * EC2, as far as an account's room for one more environment goes: VPCs, Elastic IPs, NAT
 * gateways, subnets, zones and the account's Elastic IP limit. What exists is read from the
 * simulated stacks' live resources, plus extras a test seeds (the default VPC, another team's
 * addresses). The EC2 Query protocol: flat `Filter.1.Value.1` requests; responses with a
 * lower-case `<requestId>`, `<item>` lists and errors in `<Response><Errors>`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isLive } from './changes.js';
import { availabilityZones } from './intrinsics.js';
import type { QueryParams, XmlReply } from './query-protocol.js';
import type { StackRecord } from './stack-model.js';
import { children, escapeXml, xmlList } from './xml.js';

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** What the simulator answers for a quota nobody configured: effectively no limit. */
export const UNLIMITED_QUOTA = 1000;

export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** `<Response><Errors><Error>…`, the shape the SDK's EC2 protocol reads. */
export function ec2ErrorReply(error: Ec2Error): XmlReply {
  const requestId = randomUUID();
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors>` +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `</Errors><RequestID>${requestId}</RequestID></Response>`;
  return { status: error.status, body, requestId };
}

function ec2Response(action: string, fields: Record<string, unknown>): XmlReply {
  const requestId = randomUUID();
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}">` +
    `<requestId>${requestId}</requestId>${children(fields)}</${action}Response>`;
  return { status: 200, body, requestId };
}

const items = (list: readonly unknown[]) => xmlList('item', list);
const hex = (n: number) => randomBytes(n).toString('hex').slice(0, n);

export interface Vpc {
  vpcId: string;
  cidrBlock: string;
  isDefault: boolean;
}
export interface Address {
  allocationId: string;
  publicIp: string;
}
export interface NatGateway {
  natGatewayId: string;
  subnetId: string;
  state: string;
}
export interface Subnet {
  subnetId: string;
  availabilityZone: string;
  vpcId: string;
  cidrBlock: string;
  availableIpAddressCount: number;
}

/** AWS reserves five addresses of every subnet (network, router, DNS, future use, broadcast). */
const RESERVED_PER_SUBNET = 5;

function addressesIn(cidr: string): number {
  const bits = Number(cidr.split('/')[1] ?? 24);
  return 2 ** (32 - bits) - RESERVED_PER_SUBNET;
}

/** Resources that are not any stack's: they count against quotas all the same. */
export interface Ec2Seed {
  /** VPCs to add (the first one seeded is the default VPC). */
  vpcs?: number;
  /** Elastic IPs to add. */
  addresses?: number;
  /** NAT gateways to add, per zone: `{ 'us-east-1a': 5 }`. */
  natGateways?: Record<string, number>;
  /** Subnets to add by ID (a shared network made outside the simulated stacks). */
  subnets?: Array<{ subnetId: string; availabilityZone?: string; cidrBlock?: string }>;
}

export interface Ec2Options {
  region: string;
  accountId: string;
  stacks: () => StackRecord[];
  /** The simulator's `quotas` option: `AWS::EC2::EIP` is the account's Elastic IP limit. */
  quotas: Record<string, number>;
}

type Row = Record<string, unknown>;

/** Which filters each list supports, and the field each one reads. */
const FILTER_FIELDS: Record<string, Record<string, string>> = {
  DescribeVpcs: { 'vpc-id': 'vpcId', 'is-default': 'isDefault' },
  DescribeNatGateways: {
    state: 'state',
    'subnet-id': 'subnetId',
    'nat-gateway-id': 'natGatewayId',
  },
  DescribeSubnets: { 'subnet-id': 'subnetId', 'availability-zone': 'availabilityZone' },
  DescribeAvailabilityZones: {
    state: 'zoneState',
    'zone-type': 'zoneType',
    'zone-name': 'zoneName',
  },
};

export class Ec2Service {
  private readonly extra = {
    vpcs: [] as Vpc[],
    addresses: [] as Address[],
    natGateways: [] as NatGateway[],
    subnets: [] as Subnet[],
  };
  private denied: Array<string | RegExp> = [];
  private readonly used = new Map<string, number>();

  constructor(private readonly options: Ec2Options) {}

  /** Adds resources outside any stack. */
  seed(seed: Ec2Seed): void {
    for (let i = 0; i < (seed.vpcs ?? 0); i++) {
      const isDefault = this.extra.vpcs.length === 0;
      this.extra.vpcs.push({
        vpcId: `vpc-0${hex(16)}`,
        cidrBlock: isDefault ? '172.31.0.0/16' : `10.${100 + i}.0.0/16`,
        isDefault,
      });
    }
    for (let i = 0; i < (seed.addresses ?? 0); i++) {
      this.extra.addresses.push({
        allocationId: `eipalloc-0${hex(16)}`,
        publicIp: `3.${[1, 2, 3].map(() => randomBytes(1)[0] ?? 1).join('.')}`,
      });
    }
    for (const subnet of seed.subnets ?? []) {
      const cidrBlock = subnet.cidrBlock ?? '10.0.0.0/24';
      this.extra.subnets.push({
        subnetId: subnet.subnetId,
        availabilityZone: subnet.availabilityZone ?? `${this.options.region}a`,
        vpcId: 'vpc-seed',
        cidrBlock,
        availableIpAddressCount: addressesIn(cidrBlock),
      });
    }
    for (const [zone, count] of Object.entries(seed.natGateways ?? {})) {
      const subnet = {
        subnetId: `subnet-0${hex(16)}`,
        availabilityZone: zone,
        vpcId: 'vpc-seed',
        cidrBlock: '10.250.0.0/24',
        availableIpAddressCount: addressesIn('10.250.0.0/24'),
      };
      this.extra.subnets.push(subnet);
      for (let i = 0; i < count; i++) {
        this.extra.natGateways.push({
          natGatewayId: `nat-0${hex(16)}`,
          subnetId: subnet.subnetId,
          state: 'available',
        });
      }
    }
  }

  /** Takes `count` addresses of a subnet, as other network interfaces there would. */
  useAddresses(subnetId: string, count: number): void {
    this.used.set(subnetId, (this.used.get(subnetId) ?? 0) + count);
  }

  /** Answers matching actions with UnauthorizedOperation, as IAM does without ec2:<Action>. */
  deny(actions: string | RegExp): void {
    this.denied.push(actions);
  }

  allow(): void {
    this.denied = [];
  }

  private live(type: string) {
    return this.options
      .stacks()
      .flatMap((s) => [...s.resources.values()])
      .filter((r) => r.type === type && isLive(r) && r.status !== 'CREATE_FAILED');
  }

  vpcs(): Vpc[] {
    const fromStacks = this.live('AWS::EC2::VPC').map((r) => ({
      vpcId: r.physicalId ?? '',
      cidrBlock: String(r.properties.CidrBlock ?? '10.0.0.0/16'),
      isDefault: false,
    }));
    return [...this.extra.vpcs, ...fromStacks];
  }

  addresses(): Address[] {
    const fromStacks = this.live('AWS::EC2::EIP').map((r) => ({
      allocationId: `eipalloc-0${(r.physicalId ?? '').replace(/\D/g, '').padEnd(16, '0').slice(0, 16)}`,
      publicIp: r.physicalId ?? '',
    }));
    return [...this.extra.addresses, ...fromStacks];
  }

  natGateways(): NatGateway[] {
    const fromStacks = this.live('AWS::EC2::NatGateway').map((r) => ({
      natGatewayId: r.physicalId ?? '',
      subnetId: String(r.properties.SubnetId ?? ''),
      state: 'available',
    }));
    return [...this.extra.natGateways, ...fromStacks];
  }

  subnets(): Subnet[] {
    const interfaces = this.interfacesBySubnet();
    const fromStacks = this.live('AWS::EC2::Subnet').map((r) => {
      const subnetId = r.physicalId ?? '';
      const cidrBlock = String(r.properties.CidrBlock ?? '10.0.0.0/24');
      return {
        subnetId,
        availabilityZone: String(r.properties.AvailabilityZone ?? `${this.options.region}a`),
        vpcId: String(r.properties.VpcId ?? ''),
        cidrBlock,
        availableIpAddressCount: addressesIn(cidrBlock),
      };
    });
    return [...this.extra.subnets, ...fromStacks].map((subnet) => {
      const taken = (interfaces.get(subnet.subnetId) ?? 0) + (this.used.get(subnet.subnetId) ?? 0);
      return {
        ...subnet,
        availableIpAddressCount: Math.max(subnet.availableIpAddressCount - taken, 0),
      };
    });
  }

  /**
   * Network interfaces the stacks' live resources hold, by subnet: a load balancer's one per
   * subnet, an instance's one, an Auto Scaling group's desired instances spread over its subnets.
   */
  private interfacesBySubnet(): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (id: unknown, n = 1) => {
      if (typeof id === 'string' && id) counts.set(id, (counts.get(id) ?? 0) + n);
    };
    const list = (v: unknown) => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : []);
    for (const lb of this.live('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      for (const id of list(lb.properties.Subnets)) add(id);
    }
    for (const instance of this.live('AWS::EC2::Instance')) {
      const nics = list(instance.properties.NetworkInterfaces) as Array<{ SubnetId?: unknown }>;
      add(instance.properties.SubnetId ?? nics[0]?.SubnetId);
    }
    for (const group of this.live('AWS::AutoScaling::AutoScalingGroup')) {
      const subnets = list(group.properties.VPCZoneIdentifier);
      const desired = Number(group.properties.DesiredCapacity ?? group.properties.MinSize ?? 0);
      subnets.forEach((id, i) =>
        add(id, Math.floor(desired / subnets.length) + (i < desired % subnets.length ? 1 : 0)),
      );
    }
    return counts;
  }

  handle(params: QueryParams): XmlReply {
    try {
      const action = params.action;
      if (this.denied.some((d) => (typeof d === 'string' ? d === action : d.test(action)))) {
        throw new Ec2Error(
          'UnauthorizedOperation',
          `You are not authorized to perform this operation. User: arn:aws:sts::${this.options.accountId}:assumed-role/pr-env-deploy/GitHubActions is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action`,
          403,
        );
      }
      return ec2Response(action, this.answer(action, params));
    } catch (error) {
      if (error instanceof Ec2Error) return ec2ErrorReply(error);
      throw error;
    }
  }

  private answer(action: string, params: QueryParams): Record<string, unknown> {
    switch (action) {
      case 'DescribeAccountAttributes':
        return { accountAttributeSet: items(this.accountAttributes(params)) };
      case 'DescribeVpcs': {
        const page = this.page(action, params, this.vpcs() as unknown as Row[]);
        return {
          vpcSet: items(page.rows.map((v) => ({ ...v, state: 'available' }))),
          ...page.next,
        };
      }
      case 'DescribeAddresses':
        return {
          addressesSet: items(this.addresses().map((a) => ({ ...a, domain: 'vpc' }))),
        };
      case 'DescribeNatGateways': {
        const page = this.page(action, params, this.natGateways() as unknown as Row[]);
        return { natGatewaySet: items(page.rows), ...page.next };
      }
      case 'DescribeSubnets': {
        const ids = params.strings('SubnetId');
        const all = this.subnets().filter((s) => ids.length === 0 || ids.includes(s.subnetId));
        const page = this.page(action, params, all as unknown as Row[]);
        return {
          subnetSet: items(page.rows.map((s) => ({ ...s, state: 'available' }))),
          ...page.next,
        };
      }
      case 'DescribeAvailabilityZones': {
        const zones = availabilityZones(this.options.region).map((zoneName, i) => ({
          zoneName,
          zoneId: `use1-az${i + 1}`,
          zoneState: 'available',
          regionName: this.options.region,
          zoneType: 'availability-zone',
        }));
        return { availabilityZoneInfo: items(this.filtered(action, params, zones)) };
      }
      default:
        throw new Ec2Error(
          'InvalidAction',
          `The action ${action} is not valid for this web service.`,
        );
    }
  }

  private accountAttributes(params: QueryParams): Row[] {
    const eips = this.options.quotas['AWS::EC2::EIP'] ?? UNLIMITED_QUOTA;
    const defaultVpc = this.extra.vpcs.find((v) => v.isDefault)?.vpcId ?? 'none';
    const all: Array<[string, string]> = [
      ['supported-platforms', 'VPC'],
      ['default-vpc', defaultVpc],
      ['max-instances', '20'],
      ['vpc-max-security-groups-per-interface', '5'],
      ['max-elastic-ips', '5'],
      ['vpc-max-elastic-ips', String(eips)],
    ];
    const wanted = params.strings('AttributeName');
    return all
      .filter(([name]) => wanted.length === 0 || wanted.includes(name))
      .map(([attributeName, value]) => ({
        attributeName,
        attributeValueSet: items([{ attributeValue: value }]),
      }));
  }

  private filtered(action: string, params: QueryParams, rows: Row[]): Row[] {
    const fields = FILTER_FIELDS[action] ?? {};
    let out = rows;
    for (const filter of params.list('Filter') as Array<{ Name?: string; Value?: unknown }>) {
      const field = filter.Name && fields[filter.Name];
      if (!field) {
        throw new Ec2Error('InvalidParameterValue', `The filter '${filter.Name}' is invalid`);
      }
      const values = Array.isArray(filter.Value) ? filter.Value.map(String) : [];
      out = out.filter((row) => values.includes(String(row[field])));
    }
    return out;
  }

  /** MaxResults (5 to 1000) and an opaque NextToken, as the paginated Describe* calls take them. */
  private page(action: string, params: QueryParams, rows: Row[]) {
    const matching = this.filtered(action, params, rows);
    const max = params.number('MaxResults');
    if (max !== undefined && (max < 5 || max > 1000)) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `Value ( ${max} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`,
      );
    }
    const start = Number(Buffer.from(params.string('NextToken') ?? '', 'base64').toString() || 0);
    const end = max === undefined ? matching.length : start + max;
    const next = end < matching.length ? Buffer.from(String(end)).toString('base64') : undefined;
    return { rows: matching.slice(start, end), next: next ? { nextToken: next } : {} };
  }
}
