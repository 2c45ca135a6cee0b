import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { matchesAllowedPattern } from '../../helpers/cfn-spec.js';
import { resourcesOfType } from '../../helpers/template-graph.js';
import { NO_VALUE, templateValues, type Values } from '../../helpers/template-values.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
const resources = template.Resources;
// Tests poke at arbitrary depths of the parsed template; a loose type keeps them readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const props = (id: string): Loose => resources[id]?.Properties ?? {};

/** The values the action passes; every other parameter keeps its default. */
const REQUIRED_VALUES: Record<string, string> = {
  EnvironmentName: 'pr-env-myrepo-pr-12',
  PullRequestNumber: '12',
  AppVersion: '0123456789abcdef0123456789abcdef01234567',
  DBSnapshotIdentifier: 'rds:prod-2024-06-01-03-00',
  DBEngine: 'aurora-postgresql',
  DBEngineVersion: '16.4',
  DBCloneSourceCluster: '',
  DBCloneRestoreTime: '',
  DBCloneClusterName: '',
  DBMasterUsername: 'postgres',
};

const defaults = (): Values => ({
  ...Object.fromEntries(
    Object.entries(template.Parameters ?? {}).map(([name, p]) => [name, p.Default]),
  ),
  ...REQUIRED_VALUES,
});

const { resolve, existing } = templateValues(template);

/** Scenarios that switch every condition both ways. */
const SCENARIOS: Array<[string, Values]> = [
  ['defaults', defaults()],
  [
    'every option on',
    {
      ...defaults(),
      DBEngine: 'aurora-mysql',
      DBEngineVersion: '8.0.mysql_aurora.3.08.0',
      NatGateways: 'per-az',
      CertificateArn:
        'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      AppArtifactS3Uri: 's3://my-bucket/builds/app.tar.gz',
      SshCidr: '203.0.113.0/24',
    },
  ],
  [
    'a scrub pending (the database closed to the web tier)',
    {
      ...defaults(),
      DBAppAccess: 'closed',
      DBScrubSqlS3Uri: 's3://pr-env-templates/pr-env/pr-env-myrepo-pr-12/scrub/0a1b.sql',
      DBScrubState: `pending sha256=${'0'.repeat(64)} at=2026-12-03T06:00:00Z`,
    },
  ],
];

interface Rule {
  group: string;
  rule: Record<string, unknown>;
}
/** Every ingress rule, inline or standalone, as resolved for one set of values. */
function ingressRules(values: Values): Rule[] {
  const rules: Rule[] = [];
  for (const id of existing(values)) {
    const resource = resources[id]!;
    if (resource.Type === 'AWS::EC2::SecurityGroup') {
      const inline = resolve(props(id).SecurityGroupIngress ?? [], values);
      if (inline === NO_VALUE) continue;
      for (const rule of inline as Array<Record<string, unknown>>) rules.push({ group: id, rule });
    }
    if (resource.Type === 'AWS::EC2::SecurityGroupIngress') {
      const rule = resolve(props(id), values) as Record<string, unknown>;
      rules.push({ group: String((rule.GroupId as { Ref?: string })?.Ref), rule });
    }
  }
  return rules;
}
const covers = (rule: Record<string, unknown>, port: number) =>
  String(rule.IpProtocol) === '-1' ||
  (Number(rule.FromPort) <= port && port <= Number(rule.ToPort));

describe.each(SCENARIOS)('network exposure (%s)', (_name, values) => {
  const rules = ingressRules(values);
  const dbPort = Number(resolve(props('DBCluster').Port, values));

  it('uses the port of the engine family', () => {
    expect(dbPort).toBe(values.DBEngine === 'aurora-mysql' ? 3306 : 5432);
  });

  it('opens nothing to the internet but HTTP/HTTPS on the load balancer', () => {
    const open = rules.filter(
      ({ rule }) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0',
    );
    expect(open.length).toBeGreaterThan(0);
    for (const { group, rule } of open) {
      expect(group).toBe('LoadBalancerSecurityGroup');
      expect(String(rule.IpProtocol)).toBe('tcp');
      for (const port of [22, 3306, 5432]) expect(covers(rule, port)).toBe(false);
      expect([80, 443]).toContain(Number(rule.FromPort));
      expect(rule.ToPort).toBe(rule.FromPort);
    }
  });

  it('reaches the database only from the web and bastion security groups', () => {
    const dbGroups = (props('DBCluster').VpcSecurityGroupIds as Array<{ Ref: string }>).map(
      (group) => group.Ref,
    );
    expect(dbGroups).toEqual(['DBSecurityGroup']);
    const dbRules = rules.filter(({ group }) => dbGroups.includes(group));
    // The web tier only once the scrub (if any) has passed: DBAppAccess open.
    expect(dbRules.map(({ rule }) => rule.SourceSecurityGroupId)).toEqual(
      values.DBAppAccess === 'closed'
        ? [{ Ref: 'BastionSecurityGroup' }]
        : [{ Ref: 'WebSecurityGroup' }, { Ref: 'BastionSecurityGroup' }],
    );
    for (const { rule } of dbRules) {
      expect(rule).not.toHaveProperty('CidrIp');
      expect(rule).not.toHaveProperty('CidrIpv6');
      expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: dbPort, ToPort: dbPort });
    }
    // No other rule anywhere opens a database port to an address range.
    for (const { rule } of rules.filter(({ rule }) => rule.CidrIp || rule.CidrIpv6)) {
      expect(covers(rule, 3306) || covers(rule, 5432)).toBe(false);
    }
  });

  it('opens SSH only when SshCidr is set, and only from it', () => {
    const ssh = rules.filter(({ rule }) => covers(rule, 22));
    if (values.SshCidr === '') {
      expect(ssh).toEqual([]);
    } else {
      expect(ssh).toEqual([
        {
          group: 'BastionSecurityGroup',
          rule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIp: values.SshCidr },
        },
      ]);
    }
  });
});

describe('SSH parameter', () => {
  const parameter = template.Parameters!.SshCidr!;
  it('defaults to no rule and refuses the whole internet', () => {
    expect(parameter.Default).toBe('');
    const pattern = parameter.AllowedPattern!;
    for (const bad of ['0.0.0.0/0', '::/0', '10.0.0.0/33', '10.0.0.0', '300.0.0.0/8']) {
      expect(matchesAllowedPattern(pattern, bad), bad).toBe(false);
    }
    for (const good of ['', '203.0.113.7/32', '10.0.0.0/8']) {
      expect(matchesAllowedPattern(pattern, good), good).toBe(true);
    }
  });
});

describe('instances', () => {
  const launchData = props('LaunchTemplate').LaunchTemplateData;

  it('require IMDSv2 on every launch template and instance', () => {
    for (const id of resourcesOfType(template, 'AWS::EC2::LaunchTemplate')) {
      expect(props(id).LaunchTemplateData.MetadataOptions.HttpTokens, id).toBe('required');
    }
    const instances = resourcesOfType(template, 'AWS::EC2::Instance');
    expect(instances).toEqual(['Bastion']);
    for (const id of instances) expect(props(id).MetadataOptions.HttpTokens, id).toBe('required');
  });

  it('have encrypted gp3 root volumes', () => {
    for (const mappings of [launchData.BlockDeviceMappings, props('Bastion').BlockDeviceMappings]) {
      expect(mappings).toEqual([
        {
          DeviceName: '/dev/xvda',
          Ebs: { VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
        },
      ]);
    }
  });

  it('take the AMI from SSM, Amazon Linux 2023 by default', () => {
    const image = template.Parameters!.ImageId!;
    expect(image.Type).toBe('AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
    expect(image.Default).toMatch(/^\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-/);
    expect(launchData.ImageId).toEqual({ Ref: 'ImageId' });
    expect(props('Bastion').ImageId).toEqual({ Ref: 'ImageId' });
  });

  it('keep web instances in private subnets and the bastion in a public one', () => {
    const own = defaults();
    expect(resolve(props('AutoScalingGroup').VPCZoneIdentifier, own)).toEqual([
      { Ref: 'PrivateSubnetA' },
      { Ref: 'PrivateSubnetB' },
    ]);
    expect(resolve(props('LoadBalancer').Subnets, own)).toEqual([
      { Ref: 'PublicSubnetA' },
      { Ref: 'PublicSubnetB' },
    ]);
    expect(resolve(props('Bastion').NetworkInterfaces[0].SubnetId, own)).toEqual({
      Ref: 'PublicSubnetA',
    });
    for (const id of resourcesOfType(template, 'AWS::EC2::Subnet')) {
      expect(props(id).MapPublicIpOnLaunch, id).not.toBe(true);
    }
  });
});

describe('database', () => {
  const cluster = resources.DBCluster!;

  it('is deleted with the stack and never snapshotted or protected', () => {
    expect(cluster.DeletionPolicy).toBe('Delete');
    expect(cluster.UpdateReplacePolicy).toBe('Delete');
    expect(cluster.Properties!.DeletionProtection).toBe(false);
  });

  it('is restored from the snapshot with the engine the action passes', () => {
    expect(resolve(cluster.Properties, defaults())).toMatchObject({
      SnapshotIdentifier: 'rds:prod-2024-06-01-03-00',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DBSubnetGroupName: { Ref: 'DBSubnetGroup' },
    });
    // A restore inherits these; the password is the environment's own (see database.test.ts).
    for (const inherited of ['MasterUsername', 'DatabaseName', 'StorageEncrypted']) {
      expect(cluster.Properties).not.toHaveProperty(inherited);
    }
    expect(resolve(props('DBSubnetGroup').SubnetIds, defaults())).toEqual([
      { Ref: 'PrivateSubnetA' },
      { Ref: 'PrivateSubnetB' },
    ]);
  });

  it('has a writer and a reader, neither publicly accessible', () => {
    const instances = resourcesOfType(template, 'AWS::RDS::DBInstance');
    expect(instances).toEqual(['DBWriterInstance', 'DBReaderInstance']);
    for (const id of instances) {
      expect(props(id), id).toMatchObject({
        DBClusterIdentifier: { Ref: 'DBCluster' },
        DBInstanceClass: { Ref: 'DBInstanceClass' },
        Engine: { Ref: 'DBEngine' },
        PubliclyAccessible: false,
      });
      expect(resources[id]!.DeletionPolicy).toBe('Delete');
    }
    expect(props('DBWriterInstance').PromotionTier).toBe(0);
    expect(resources.DBReaderInstance!.DependsOn).toBe('DBWriterInstance');
  });
});

describe('names', () => {
  /** Properties that would give a resource a fixed physical name. */
  const PHYSICAL_NAMES: Record<string, string[]> = {
    'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name'],
    'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name'],
    'AWS::AutoScaling::AutoScalingGroup': ['AutoScalingGroupName'],
    'AWS::AutoScaling::ScalingPolicy': ['PolicyName'],
    'AWS::EC2::LaunchTemplate': ['LaunchTemplateName'],
    'AWS::EC2::SecurityGroup': ['GroupName'],
    'AWS::RDS::DBCluster': ['DBClusterIdentifier'],
    'AWS::RDS::DBInstance': ['DBInstanceIdentifier'],
    'AWS::RDS::DBSubnetGroup': ['DBSubnetGroupName'],
    'AWS::IAM::Role': ['RoleName'],
    'AWS::IAM::InstanceProfile': ['InstanceProfileName'],
    'AWS::SecretsManager::Secret': ['Name'],
  };

  /**
   * CloudFormation cannot replace a resource whose name stays the same. The two names the
   * template sets change whenever their resource must be new: the secret's carries the stack's
   * own ID (a stack of the same name after a delete gets a new one), and a clone's identifier is
   * the action's DBCloneClusterName, new for each clone; a restored cluster keeps a generated name.
   */
  const NAMED = new Map<string, unknown>([
    ['DBSecret.Name', props('DBSecret').Name],
    [
      'DBCluster.DBClusterIdentifier',
      { 'Fn::If': ['IsClone', { Ref: 'DBCloneClusterName' }, { Ref: 'AWS::NoValue' }] },
    ],
  ]);

  it('leaves every physical name to CloudFormation, but names that change with their resource', () => {
    for (const [id, resource] of Object.entries(resources)) {
      const forbidden = ['Name', ...(PHYSICAL_NAMES[resource.Type] ?? [])];
      for (const key of forbidden) {
        if (NAMED.has(`${id}.${key}`)) {
          expect(resource.Properties?.[key], `${id}.${key}`).toEqual(NAMED.get(`${id}.${key}`));
        } else {
          expect(resource.Properties ?? {}, `${id}.${key}`).not.toHaveProperty(key);
        }
      }
    }
    for (const type of Object.keys(PHYSICAL_NAMES).filter(
      (t) => t !== 'AWS::AutoScaling::ScalingPolicy',
    )) {
      expect(resourcesOfType(template, type).length, type).toBeGreaterThan(0);
    }
    const stackId =
      'arn:aws:cloudformation:us-east-1:123456789012:stack/pr-env-shop-pr-7/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
    expect(
      resolve(NAMED.get('DBSecret.Name'), {
        'AWS::StackName': 'pr-env-shop-pr-7',
        'AWS::StackId': stackId,
      }),
    ).toBe('pr-env-shop-pr-7-db-0f1e2d3c');
  });
});

describe('IAM', () => {
  // The instances' roles; the wake page's role (Lambda's) has tests of its own (wake-page.test.ts).
  const roles = resourcesOfType(template, 'AWS::IAM::Role').filter(
    (id) => id !== 'WakeFunctionRole',
  );
  it('has the two instance roles and the wake page’s', () => {
    expect(resourcesOfType(template, 'AWS::IAM::Role').sort()).toEqual([
      'BastionRole',
      'InstanceRole',
      'WakeFunctionRole',
    ]);
  });
  const ssmCore = {
    'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore',
  };

  it.each(roles)('%s: EC2 only, SSM core, no wildcards', (id) => {
    const role = props(id);
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.ManagedPolicyArns).toEqual([ssmCore]);
    // A registry login names no repository: the one "*" IAM leaves no choice about.
    const text = JSON.stringify(role.Policies ?? []).replace(
      '{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}',
      '',
    );
    expect(text).not.toMatch(/"(Action|Resource)":"\*"/);
    expect(text).not.toMatch(/"Action":"[a-z0-9]+:\*"/);
  });

  it('lets web instances read the app artifact object, and only when one is given', () => {
    const policies = resolve(props('InstanceRole').Policies, SCENARIOS[1]![1]) as Loose[];
    expect(policies).toHaveLength(1);
    expect(policies[0]!.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        // GetObjectVersion: the instances fetch the exact version pr-env found.
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: 'arn:aws:s3:::my-bucket/builds/app.tar.gz',
      },
    ]);
    // Even evaluated with an empty URI, the ARN expression stays in range (no Select error).
    const statement = (props('InstanceRole').Policies[0]['Fn::If'][1] as Loose).PolicyDocument
      .Statement[0];
    expect(resolve(statement.Resource, defaults())).toBe('arn:aws:s3:::');
    expect(resolve(props('InstanceRole').Policies, defaults())).toEqual([]);
    // The bastion's own grants exist only for a scrub (scrub-gate.test.ts).
    expect(resolve(props('BastionRole').Policies, defaults())).toBe(NO_VALUE);
  });

  it('lets web instances pull the app image from its one ECR repository, and only when given', () => {
    const repository = 'arn:aws:ecr:us-east-1:123456789012:repository/shop';
    const policies = resolve(props('InstanceRole').Policies, {
      ...defaults(),
      AppImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:${'a'.repeat(64)}`,
      AppImageRepositoryArn: repository,
    }) as Loose[];
    expect(policies).toHaveLength(1);
    expect(policies[0]!.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
          'ecr:BatchCheckLayerAvailability',
        ],
        Resource: repository,
      },
    ]);
    // An image from another registry needs (and gets) no AWS permission.
    expect(
      resolve(props('InstanceRole').Policies, { ...defaults(), AppImage: 'ghcr.io/acme/shop:1' }),
    ).toEqual([]);
  });
});

describe('availability and lifecycle', () => {
  it('makes the NAT EIPs, bastion, ALB and ASG depend on the gateway attachment', () => {
    for (const id of ['NatEipA', 'NatEipB']) {
      expect([resources[id]!.DependsOn].flat(), id).toContain('VPCGatewayAttachment');
    }
    // Through handles that name the attachment and the routes in a network of their own: the
    // way in for the load balancer and bastion, the way out for the instances.
    for (const id of ['Bastion', 'LoadBalancer']) {
      expect([resources[id]!.DependsOn].flat(), id).toContain('InternetReady');
    }
    expect([resources.AutoScalingGroup!.DependsOn].flat()).toContain('NetworkReady');
    expect(resolve(resources.InternetReady!.Metadata, defaults())).toEqual({
      Routes: [{ Ref: 'VPCGatewayAttachment' }, { Ref: 'PublicDefaultRoute' }],
    });
    expect(resolve(resources.NetworkReady!.Metadata, defaults())).toEqual({
      Routes: [
        { Ref: 'VPCGatewayAttachment' },
        { Ref: 'PrivateDefaultRouteA' },
        { Ref: 'PrivateDefaultRouteB' },
      ],
    });
  });

  it('shares one NAT gateway by default and runs one per AZ on request', () => {
    const nat = (values: Values) =>
      existing(values).filter((id) => resources[id]!.Type === 'AWS::EC2::NatGateway');
    expect(nat(SCENARIOS[0]![1])).toEqual(['NatGatewayA']);
    expect(nat(SCENARIOS[1]![1])).toEqual(['NatGatewayA', 'NatGatewayB']);
    expect(resolve(props('PrivateDefaultRouteB').NatGatewayId, SCENARIOS[0]![1])).toEqual({
      Ref: 'NatGatewayA',
    });
    expect(resolve(props('PrivateDefaultRouteB').NatGatewayId, SCENARIOS[1]![1])).toEqual({
      Ref: 'NatGatewayB',
    });
  });

  it('fails a broken boot through resource signals and rolls instances on a new version', () => {
    const asg = resources.AutoScalingGroup!;
    expect(asg.CreationPolicy).toEqual({
      ResourceSignal: { Count: { Ref: 'DesiredCapacity' }, Timeout: 'PT15M' },
    });
    expect(asg.UpdatePolicy).toMatchObject({
      AutoScalingRollingUpdate: { WaitOnResourceSignals: true, MaxBatchSize: 1 },
    });
    expect(asg.Properties).toMatchObject({
      HealthCheckType: 'ELB',
      MinSize: { Ref: 'MinSize' },
      MaxSize: { Ref: 'MaxSize' },
      DesiredCapacity: { Ref: 'DesiredCapacity' },
      TargetGroupARNs: [{ Ref: 'TargetGroup' }],
      LaunchTemplate: {
        LaunchTemplateId: { Ref: 'LaunchTemplate' },
        Version: { 'Fn::GetAtt': ['LaunchTemplate', 'LatestVersionNumber'] },
      },
    });
    const userData = props('LaunchTemplate').LaunchTemplateData.UserData['Fn::Base64']['Fn::Sub'];
    expect(userData).toContain('/opt/aws/bin/cfn-signal');
    expect(userData).toContain('--resource AutoScalingGroup');
    expect(userData).toContain("trap 'signal 1' ERR");
    expect(userData).toContain('${AppVersion}');
  });

  it('scales on CPU with the target parameter (60% by default)', () => {
    expect(props('CpuScalingPolicy')).toEqual({
      AutoScalingGroupName: { Ref: 'AutoScalingGroup' },
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' },
        TargetValue: { Ref: 'CpuTargetValue' },
      },
    });
    expect(template.Parameters!.CpuTargetValue!.Default).toBe(60);
  });

  it('serves HTTP, or HTTPS with a redirect when a certificate is given', () => {
    const http = (values: Values) => resolve(props('HttpListener').DefaultActions, values);
    expect(http(SCENARIOS[0]![1])).toEqual([
      { Type: 'forward', TargetGroupArn: { Ref: 'TargetGroup' } },
    ]);
    expect(http(SCENARIOS[1]![1])).toEqual([
      {
        Type: 'redirect',
        RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
      },
    ]);
    expect(existing(SCENARIOS[0]![1])).not.toContain('HttpsListener');
    expect(existing(SCENARIOS[1]![1])).toContain('HttpsListener');
    expect(props('TargetGroup').HealthCheckPath).toEqual({ Ref: 'HealthCheckPath' });
  });
});
