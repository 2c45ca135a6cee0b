import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parameterValues, templateNeeds } from '../../../src/preflight/needs.js';
import { parseTemplate, type CfnTemplate } from '../../../src/template/cfn-yaml.js';

const ENVIRONMENT = parseTemplate(
  readFileSync(
    fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url)),
    'utf8',
  ),
  'environment.yml',
);
const p = (values: Record<string, string>) =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));

describe('templateNeeds (what a create adds to the account)', () => {
  it('reads the bundled template: one VPC, one Elastic IP and one NAT gateway in the first zone', () => {
    expect(templateNeeds(ENVIRONMENT, [])).toEqual({
      vpcs: 1,
      elasticIps: 1,
      natGateways: [{ index: 0 }],
      loadBalancers: 1,
      // Its own subnets are new and empty: nothing to check.
      subnetAddresses: {},
    });
  });

  it('counts a NAT gateway and an address per zone with NatGateways=per-az', () => {
    expect(templateNeeds(ENVIRONMENT, p({ NatGateways: 'per-az' }))).toEqual({
      vpcs: 1,
      elasticIps: 2,
      natGateways: [{ index: 0 }, { index: 1 }],
      loadBalancers: 1,
      subnetAddresses: {},
    });
  });

  const SHARED = {
    SharedVpcId: 'vpc-0aaaaaaaaaaaaaaaa',
    SharedPublicSubnetIds: 'subnet-0a00000000000000a,subnet-0b00000000000000b',
    SharedPrivateSubnetIds: 'subnet-0c00000000000000c,subnet-0d00000000000000d',
  };

  it('in a shared network: no VPC, address or NAT gateway; a load balancer, and addresses in each shared subnet', () => {
    expect(templateNeeds(ENVIRONMENT, p(SHARED))).toEqual({
      vpcs: 0,
      elasticIps: 0,
      natGateways: [],
      loadBalancers: 1,
      subnetAddresses: {
        // The load balancer's 8 in each public subnet, and the bastion in the first.
        'subnet-0a00000000000000a': 9,
        'subnet-0b00000000000000b': 8,
        // MaxSize 2 web instances and the writer and reader, spread over the two zones.
        'subnet-0c00000000000000c': 2,
        'subnet-0d00000000000000d': 2,
      },
    });
    expect(
      templateNeeds(ENVIRONMENT, p({ ...SHARED, MaxSize: '7' })).subnetAddresses,
    ).toMatchObject({ 'subnet-0c00000000000000c': 5, 'subnet-0d00000000000000d': 5 });
  });

  it('reads subnets from list parameters and literal lists, and leaves a network load balancer out of the ALB count (not of the addresses)', () => {
    const t = {
      Parameters: { Subnets: { Type: 'List<AWS::EC2::Subnet::Id>' } },
      Resources: {
        Alb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Properties: { Subnets: { Ref: 'Subnets' } },
        },
        Nlb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Properties: { Type: 'network', Subnets: ['subnet-0e00000000000000e'] },
        },
        Box: { Type: 'AWS::EC2::Instance', Properties: { SubnetId: 'subnet-0e00000000000000e' } },
      },
    } as unknown as CfnTemplate;
    expect(templateNeeds(t, p({ Subnets: 'subnet-01,subnet-02' }))).toMatchObject({
      loadBalancers: 1,
      // ELB's 8-address floor holds for every load balancer type.
      subnetAddresses: { 'subnet-01': 8, 'subnet-02': 8, 'subnet-0e00000000000000e': 9 },
    });
  });

  const template = (resources: CfnTemplate['Resources'], extra: Partial<CfnTemplate> = {}) =>
    ({ Resources: resources, ...extra }) as CfnTemplate;

  it('places a NAT gateway by its subnet: a zone name, a parameter, or an unknown zone left out', () => {
    const needs = templateNeeds(
      template(
        {
          Named: { Type: 'AWS::EC2::Subnet', Properties: { AvailabilityZone: 'eu-west-1c' } },
          FromParam: {
            Type: 'AWS::EC2::Subnet',
            Properties: { AvailabilityZone: { Ref: 'Zone' } },
          },
          Unknown: {
            Type: 'AWS::EC2::Subnet',
            Properties: { AvailabilityZone: { 'Fn::ImportValue': 'shared-zone' } },
          },
          Nat1: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'Named' } } },
          Nat2: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'FromParam' } } },
          Nat3: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: { Ref: 'Unknown' } } },
          Nat4: { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-0123' } },
        },
        { Parameters: { Zone: { Type: 'String', Default: 'eu-west-1a' } } },
      ),
      [],
    );
    expect(needs.natGateways).toEqual([{ name: 'eu-west-1c' }, { name: 'eu-west-1a' }]);
  });

  it('counts a conditional resource only when its condition is known to hold', () => {
    const t = template(
      {
        Vpc: { Type: 'AWS::EC2::VPC', Condition: 'Wanted' },
        Eip1: { Type: 'AWS::EC2::EIP', Condition: 'Both' },
        Eip2: { Type: 'AWS::EC2::EIP', Condition: 'Either' },
        // Depends on something the template cannot know before it runs: left out.
        Eip3: { Type: 'AWS::EC2::EIP', Condition: 'Imported' },
      },
      {
        Parameters: { Mode: { Type: 'String', Default: 'on' }, Other: { Type: 'String' } },
        Conditions: {
          Wanted: { 'Fn::Equals': [{ Ref: 'Mode' }, 'on'] },
          Both: {
            'Fn::And': [
              { Condition: 'Wanted' },
              { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Other' }, 'x'] }] },
            ],
          },
          Either: { 'Fn::Or': [{ Condition: 'Imported' }, { Condition: 'Wanted' }] },
          Imported: { 'Fn::Equals': [{ 'Fn::ImportValue': 'flag' }, 'on'] },
        },
      },
    );
    expect(templateNeeds(t, p({ Other: 'y' }))).toMatchObject({ vpcs: 1, elasticIps: 2 });
    expect(templateNeeds(t, p({ Mode: 'off', Other: 'y' }))).toMatchObject({
      vpcs: 0,
      elasticIps: 0,
    });
  });

  it('takes the values sent over the template defaults', () => {
    expect(parameterValues(ENVIRONMENT, p({ NatGateways: 'per-az' }))).toMatchObject({
      NatGateways: 'per-az',
      VpcCidr: '10.0.0.0/16',
    });
  });
});
