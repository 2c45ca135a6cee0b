/**
 * The bundled template in a shared network (SharedVpcId and its subnets, from network-stack): no
 * network resource of its own, every reference to the network resolved to the parameters, and an
 * environment isolated from its neighbours by its own security groups alone.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { matchesAllowedPattern, PSEUDO_PARAMETERS } from '../../helpers/cfn-spec.js';
import { NO_VALUE, templateValues, type Values } from '../../helpers/template-values.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
const { resolve, existing, withDefaults } = templateValues(template);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

const VPC = 'vpc-0a1b2c3d4e5f60718';
const PUBLIC = ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0aaaaaaaaaaaaaaa2'];
const PRIVATE = ['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0bbbbbbbbbbbbbbb2'];
const REQUIRED = {
  EnvironmentName: 'pr-env-shop-pr-7',
  DBEngine: 'aurora-postgresql',
  'AWS::StackName': 'pr-env-shop-pr-7',
  'AWS::StackId':
    'arn:aws:cloudformation:us-east-1:123456789012:stack/pr-env-shop-pr-7/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
};
const OWN: Values = withDefaults(REQUIRED);
const SHARED: Values = withDefaults({
  ...REQUIRED,
  SharedVpcId: VPC,
  SharedPublicSubnetIds: PUBLIC.join(','),
  SharedPrivateSubnetIds: PRIVATE.join(','),
});
const NETWORK_TYPES = [
  'AWS::EC2::VPC',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::Route',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::EIP',
  'AWS::EC2::NatGateway',
];
const typeOf = (id: string) => template.Resources[id]!.Type;
const props = (id: string, values: Values): Loose =>
  resolve(template.Resources[id]?.Properties ?? {}, values);

/** Every Ref and GetAtt target left in a resolved value. */
function targets(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => targets(item, found));
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string') found.push(record.Ref);
    if (Array.isArray(record['Fn::GetAtt'])) found.push(String(record['Fn::GetAtt'][0]));
    Object.values(record).forEach((item) => targets(item, found));
  }
  return found;
}

describe('a shared network', () => {
  it('creates no VPC, subnet, gateway, Elastic IP or route of its own', () => {
    const shared = existing(SHARED);
    expect(shared.filter((id) => NETWORK_TYPES.includes(typeOf(id)))).toEqual([]);
    // Its own network has them all, the default.
    for (const type of NETWORK_TYPES) {
      expect(
        existing(OWN).some((id) => typeOf(id) === type),
        type,
      ).toBe(true);
    }
    // Per-AZ NAT gateways are a setting of its own network only.
    expect(
      existing({ ...SHARED, NatGateways: 'per-az' }).filter(
        (id) => typeOf(id) === 'AWS::EC2::NatGateway',
      ),
    ).toEqual([]);
  });

  it('resolves every reference to something that exists: a resource created, or a parameter', () => {
    const shared = new Set(existing(SHARED));
    const parameters = new Set(Object.keys(template.Parameters ?? {}));
    for (const id of shared) {
      const resource = template.Resources[id]!;
      const refs = targets(
        resolve({ p: resource.Properties ?? {}, m: resource.Metadata ?? {} }, SHARED),
      );
      for (const target of [...refs, ...[resource.DependsOn ?? []].flat()]) {
        expect(
          shared.has(target) || parameters.has(target) || PSEUDO_PARAMETERS.has(target),
          `${id} → ${target}`,
        ).toBe(true);
      }
    }
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      for (const target of targets(resolve(output.Value, SHARED))) {
        expect(
          shared.has(target) || parameters.has(target) || PSEUDO_PARAMETERS.has(target),
          `${name} → ${target}`,
        ).toBe(true);
      }
    }
    for (const handle of ['InternetReady', 'NetworkReady']) {
      expect(resolve(template.Resources[handle]!.Metadata, SHARED)).toEqual({});
    }
  });

  it('places the load balancer and bastion in the public subnets, instances and database in the private ones', () => {
    expect(props('LoadBalancer', SHARED).Subnets).toEqual(PUBLIC);
    expect(props('AutoScalingGroup', SHARED).VPCZoneIdentifier).toEqual(PRIVATE);
    expect(props('DBSubnetGroup', SHARED).SubnetIds).toEqual(PRIVATE);
    expect(props('Bastion', SHARED).NetworkInterfaces[0].SubnetId).toBe(PUBLIC[0]);
    for (const id of existing(SHARED).filter((x) => typeOf(x) === 'AWS::EC2::SecurityGroup')) {
      expect(props(id, SHARED).VpcId, id).toBe(VPC);
    }
    expect(props('TargetGroup', SHARED).VpcId).toBe(VPC);
    expect(resolve(template.Outputs!.VpcId!.Value, SHARED)).toBe(VPC);
  });

  it('isolates each environment by its own security groups: no rule by address range inside the VPC', () => {
    const rules = (id: string) => {
      const inline = props(id, SHARED).SecurityGroupIngress;
      return (inline === NO_VALUE || inline === undefined ? [] : inline) as Array<
        Record<string, unknown>
      >;
    };
    // The database: its own web tier and bastion only (and the web tier only once any scrub passed).
    expect(rules('DBSecurityGroup').map((r) => r.SourceSecurityGroupId)).toEqual([
      { Ref: 'WebSecurityGroup' },
      { Ref: 'BastionSecurityGroup' },
    ]);
    // The web tier: its own load balancer only.
    expect(rules('WebSecurityGroup').map((r) => r.SourceSecurityGroupId)).toEqual([
      { Ref: 'LoadBalancerSecurityGroup' },
    ]);
    for (const id of ['DBSecurityGroup', 'WebSecurityGroup']) {
      for (const rule of rules(id)) {
        expect(rule, id).not.toHaveProperty('CidrIp');
        expect(rule, id).not.toHaveProperty('SourcePrefixListId');
      }
    }
    // No standalone ingress rule that another stack's group could be named in.
    expect(
      existing(SHARED).filter((id) => typeOf(id) === 'AWS::EC2::SecurityGroupIngress'),
    ).toEqual([]);
  });

  it('accepts only a VPC ID and two subnet IDs each, or nothing', () => {
    const accepts = (name: string, value: string) =>
      matchesAllowedPattern(String(template.Parameters?.[name]?.AllowedPattern), value);
    expect(accepts('SharedVpcId', '')).toBe(true);
    expect(accepts('SharedVpcId', VPC)).toBe(true);
    expect(accepts('SharedVpcId', 'vpc-xyz')).toBe(false);
    expect(accepts('SharedPrivateSubnetIds', PRIVATE.join(','))).toBe(true);
    expect(accepts('SharedPrivateSubnetIds', PRIVATE[0]!)).toBe(false);
    expect(accepts('SharedPrivateSubnetIds', `${PRIVATE.join(',')},${PUBLIC[0]}`)).toBe(false);
  });
});
