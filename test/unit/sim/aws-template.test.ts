import {
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { sdkClients } from '../../sim/aws/clients.js';
import { Evaluator, cidrSubnets } from '../../sim/aws/intrinsics.js';
import { parseTemplate } from '../../sim/aws/template.js';

const YAML_TEMPLATE = `
AWSTemplateFormatVersion: '2010-09-09'
Description: Per-PR environment
Parameters:
  Env:
    Type: String
    AllowedPattern: '[a-z0-9-]+'
  WithBastion:
    Type: String
    Default: 'false'
    AllowedValues: ['true', 'false']
  ImageId:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
  DbPassword:
    Type: String
    NoEcho: true
    Default: secret
Mappings:
  Sizes:
    small: { Instance: t3.micro }
Conditions:
  HasBastion: !Equals [!Ref WithBastion, 'true']
  IsProdLike: !Or [!Equals [!Ref Env, prod], !Condition HasBastion]
  NoBastion: !Not [!Condition HasBastion]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.20.0.0/16
      Tags:
        - Key: Name
          Value: !Sub '\${AWS::StackName}-vpc'
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      AvailabilityZone: !Select [0, !GetAZs '']
      CidrBlock: !Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]
  Bastion:
    Type: AWS::EC2::Instance
    Condition: HasBastion
    DependsOn: Attach
    Properties:
      ImageId: !Ref ImageId
      InstanceType: !FindInMap [Sizes, small, Instance]
      SubnetId: !Ref SubnetA
      UserData: !Base64 |
        #!/bin/bash
        echo hello
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    DependsOn: Attach
    Properties:
      Name: !Join ['-', [!Ref Env, alb]]
      Subnets: [!Ref SubnetA]
Outputs:
  Url:
    Value: !Sub
      - 'https://\${Host}/\${Path}'
      - Host: !GetAtt Alb.DNSName
        Path: !Select [1, !Split ['/', 'a/b/c']]
  BastionIp:
    Condition: HasBastion
    Value: !GetAtt Bastion.PublicIp
  Mode:
    Value: !If [IsProdLike, full, !If [NoBastion, lean, other]]
  Azs:
    Value: !Join [',', !GetAZs '']
  Ami:
    Value: !Ref ImageId
  Region:
    Value: !Sub '\${AWS::Region}/\${AWS::AccountId}/\${AWS::Partition}/\${AWS::URLSuffix}/\${!Literal}'
`;

let sim: AwsSimulator;
let cfn: CloudFormationClient;

beforeAll(async () => {
  sim = await AwsSimulator.start({ resourceDelayMs: 5, changeSetDelayMs: 10 });
  cfn = sdkClients(sim).cloudformation;
});
afterAll(async () => {
  cfn.destroy();
  await sim.stop();
});

async function create(name: string, parameters: Record<string, string>) {
  const { StackId } = await cfn.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: 'c',
      ChangeSetType: 'CREATE',
      TemplateBody: YAML_TEMPLATE,
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
    }),
  );
  while (
    (await cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: 'c' })))
      .Status !== 'CREATE_COMPLETE'
  ) {
    await new Promise((r) => setTimeout(r, 5));
  }
  await cfn.send(
    new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: 'c', ClientRequestToken: 't' }),
  );
  await sim.settled(StackId);
  const stack = (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  return {
    stack,
    outputs: Object.fromEntries(stack?.Outputs?.map((o) => [o.OutputKey, o.OutputValue]) ?? []),
  };
}

describe('templates with intrinsics (YAML short form)', () => {
  it('evaluates conditions, GetAZs, Select, Cidr, Sub, GetAtt, FindInMap and SSM parameters', async () => {
    sim.putSsmParameter(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      'ami-0123456789abcdef0',
    );
    const { stack, outputs } = await create('tpl-1', { Env: 'pr-12', WithBastion: 'true' });
    expect(stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(stack?.Description).toBe('Per-PR environment');
    expect(outputs.Url).toMatch(/^https:\/\/pr-12-alb-\d{10}\.us-east-1\.elb\.amazonaws\.com\/b$/);
    expect(outputs.BastionIp).toMatch(/^54\.\d+\.\d+\.10$/);
    expect(outputs.Mode).toBe('full');
    expect(outputs.Azs).toBe('us-east-1a,us-east-1b,us-east-1c,us-east-1d,us-east-1e,us-east-1f');
    // Ref to an SSM-typed parameter yields the resolved value.
    expect(outputs.Ami).toBe('ami-0123456789abcdef0');
    expect(outputs.Region).toBe('us-east-1/123456789012/aws/amazonaws.com/${Literal}');
    expect(stack?.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'DbPassword', ParameterValue: '****' },
        {
          ParameterKey: 'ImageId',
          ParameterValue: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
          ResolvedValue: 'ami-0123456789abcdef0',
        },
      ]),
    );
    const view = sim.stack('tpl-1');
    const props = (id: string) => view?.resources.find((r) => r.logicalId === id)?.properties ?? {};
    expect(props('SubnetA')).toMatchObject({
      AvailabilityZone: 'us-east-1a',
      CidrBlock: '10.20.1.0/24',
    });
    expect(props('Bastion')).toMatchObject({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: 't3.micro',
      UserData: Buffer.from('#!/bin/bash\necho hello\n').toString('base64'),
    });
    expect(props('Vpc')).toEqual({
      CidrBlock: '10.20.0.0/16',
      Tags: [{ Key: 'Name', Value: 'tpl-1-vpc' }],
    });
    // DependsOn is honoured: the bastion starts only after the gateway attachment completed.
    const events = sim.events('tpl-1').map((e) => `${e.LogicalResourceId} ${e.ResourceStatus}`);
    expect(events.indexOf('Attach CREATE_COMPLETE')).toBeLessThan(
      events.indexOf('Bastion CREATE_IN_PROGRESS'),
    );
  });

  it('does not create resources whose condition is false', async () => {
    const { outputs } = await create('tpl-2', { Env: 'pr-13' });
    expect(outputs.Mode).toBe('lean');
    expect(outputs).not.toHaveProperty('BastionIp');
    const resources = await cfn.send(new DescribeStackResourcesCommand({ StackName: 'tpl-2' }));
    expect(resources.StackResources?.map((r) => r.LogicalResourceId).sort()).toEqual([
      'Alb',
      'Attach',
      'Igw',
      'SubnetA',
      'Vpc',
    ]);
    expect(outputs.Ami).toMatch(/^ami-0[0-9a-f]+$/);
    expect(sim.stack('tpl-2')?.resources.find((r) => r.logicalId === 'Alb')?.physicalId).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/pr-13-alb\/[0-9a-f]{16}$/,
    );
  });

  it('rejects template errors when the change set is created', async () => {
    const attempt = (template: object) =>
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'bad',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: JSON.stringify(template),
        }),
      );
    await expect(
      attempt({
        Resources: {
          A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { Ref: 'Missing' } } },
        },
      }),
    ).rejects.toThrow(
      'Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template',
    );
    await expect(
      attempt({
        Resources: {
          A: { Type: 'AWS::SNS::Topic', DependsOn: 'B' },
          B: { Type: 'AWS::SNS::Topic', DependsOn: 'A' },
        },
      }),
    ).rejects.toThrow(/^Circular dependency between resources: \[(A, B|B, A)\]$/);
    await expect(
      attempt({
        Resources: {
          A: {
            Type: 'AWS::SNS::Topic',
            Properties: { TopicName: { 'Fn::ImportValue': 'shared-vpc' } },
          },
        },
      }),
    ).rejects.toThrow('No export named shared-vpc found.');
    await expect(
      attempt({
        Resources: {
          A: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Select': [3, ['a']] } } },
        },
      }),
    ).rejects.toThrow('Template error: Fn::Select cannot select nonexistent value at index 3');
    await expect(
      cfn.send(
        new CreateChangeSetCommand({
          StackName: 'bad',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateBody: 'Resources: [',
        }),
      ),
    ).rejects.toThrow(/^Template format error: YAML not well-formed/);
    expect(sim.stack('bad')).toBeUndefined();
  });
});

describe('Evaluator', () => {
  const template = parseTemplate(
    JSON.stringify({
      Parameters: { List: { Type: 'CommaDelimitedList' } },
      Conditions: { Yes: { 'Fn::Equals': ['a', 'a'] } },
      Resources: { R: { Type: 'AWS::SNS::Topic' } },
    }),
  );
  const evaluator = new Evaluator(template, {
    parameters: { List: ['x', 'y'] },
    pseudo: { region: 'eu-west-1', accountId: '111111111111', stackName: 's', stackId: 'arn:s' },
    ref: (id) => `${id}-physical`,
    getAtt: (id, attribute) => `${id}.${attribute}`,
    importValue: () => 'imported',
  });

  it('handles lists, NoValue and nested functions', () => {
    expect(evaluator.evaluate({ 'Fn::Join': ['+', { Ref: 'List' }] })).toBe('x+y');
    expect(
      evaluator.evaluate({ A: { 'Fn::If': ['Yes', { Ref: 'AWS::NoValue' }, 1] }, B: 2 }),
    ).toEqual({ B: 2 });
    expect(evaluator.evaluate([{ 'Fn::If': ['Yes', { Ref: 'AWS::NoValue' }, 1] }, 3])).toEqual([3]);
    expect(evaluator.evaluate({ 'Fn::Sub': '${R}/${R.Arn}' })).toBe('R-physical/R.Arn');
    expect(evaluator.evaluate({ 'Fn::GetAZs': { Ref: 'AWS::Region' } })).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
    ]);
    expect(
      evaluator.evaluate({
        'Fn::And': [{ Condition: 'Yes' }, { 'Fn::Not': [{ 'Fn::Equals': [1, 2] }] }],
      }),
    ).toBe(true);
    expect(evaluator.evaluate({ 'Fn::ImportValue': 'x' })).toBe('imported');
  });

  it('computes real Fn::Cidr blocks', () => {
    expect(cidrSubnets('10.0.0.0/16', 3, 8)).toEqual(['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24']);
    expect(cidrSubnets('10.0.0.0/24', 2, 5)).toEqual(['10.0.0.0/27', '10.0.0.32/27']);
  });
});
