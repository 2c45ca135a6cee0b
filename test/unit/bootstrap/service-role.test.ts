/**
 * The CloudFormation service role: enough to build and delete templates/environment.yml, in this
 * region, and an IAM reach limited to the environments' own instance roles.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import {
  ACCOUNT,
  REGION,
  allowedActions,
  evaluate,
  policySize,
  roleStatements,
  type PolicyDocument,
  type Request,
} from './iam.js';
import { resolved } from './template.js';

const setup = resolved();
const service = roleStatements(setup.resources.ServiceRole!);

const ENVIRONMENT_PATH = fileURLToPath(
  new URL('../../../templates/environment.yml', import.meta.url),
);
const environment = parseTemplate(readFileSync(ENVIRONMENT_PATH, 'utf8'), ENVIRONMENT_PATH);

const IN_REGION = { 'aws:RequestedRegion': REGION };
const INSTANCE_ROLE = `arn:aws:iam::${ACCOUNT}:role/pr-env-shop-pr-7-InstanceRole-1A2B3C4D5E6F`;
const INSTANCE_PROFILE = `arn:aws:iam::${ACCOUNT}:instance-profile/pr-env-shop-pr-7-InstanceProfile-1A2B3C4D5E6F`;
const SSM_CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const AMI_PARAMETER = `arn:aws:ssm:${REGION}::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`;

const anywhere = (service: string) =>
  `arn:aws:${service}:${REGION}:${ACCOUNT}:thing/pr-env-shop-pr-7`;
const regional = (...actions: string[]): Request[] =>
  actions.map((action) => ({
    action,
    resource: anywhere(action.split(':')[0]!),
    context: IN_REGION,
  }));
const onRole = (...actions: string[]): Request[] =>
  actions.map((action) => ({ action, resource: INSTANCE_ROLE }));
/** The environment's secret: <stack>-db-<stack id block>, plus Secrets Manager's 6-character suffix. */
const SECRET = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:pr-env-shop-pr-7-db-0f1e2d3c-AbCdEf`;
const onSecret = (...actions: string[]): Request[] =>
  actions.map((action) => ({ action, resource: SECRET }));
const onProfile = (...actions: string[]): Request[] =>
  actions.map((action) => ({ action, resource: INSTANCE_PROFILE }));
const LOG_GROUP = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/pr-env/pr-env-shop-pr-7/app:*`;
const WAKE_FUNCTION = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:pr-env-shop-pr-7-WakeFunction-AbCdEf123456`;
const onFunction = (...actions: string[]): Request[] =>
  actions.map((action) => ({ action, resource: WAKE_FUNCTION }));
const WAKE_CODE = `arn:aws:s3:::${setup.physical.TemplateBucket!.ref}/pr-env/pr-env-shop-pr-7/wake-0123456789ab.zip`;
const passToLambda: Request = {
  action: 'iam:PassRole',
  resource: `arn:aws:iam::${ACCOUNT}:role/pr-env-shop-pr-7-WakeFunctionRole-1A2B3C4D5E6F`,
  context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
};
const passToEc2: Request = {
  action: 'iam:PassRole',
  resource: INSTANCE_ROLE,
  context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
};

/**
 * For each resource type of the environment template, the calls CloudFormation makes as the
 * service role to create and delete it. A type missing here fails the test below: a template
 * change that needs a new permission is noticed before a user's first deploy.
 */
const CALLS_BY_TYPE: Record<string, Request[]> = {
  'AWS::EC2::VPC': regional(
    'ec2:CreateVpc',
    'ec2:ModifyVpcAttribute',
    'ec2:DeleteVpc',
    'ec2:DescribeVpcs',
  ),
  'AWS::EC2::InternetGateway': regional('ec2:CreateInternetGateway', 'ec2:DeleteInternetGateway'),
  'AWS::EC2::VPCGatewayAttachment': regional(
    'ec2:AttachInternetGateway',
    'ec2:DetachInternetGateway',
  ),
  'AWS::EC2::Subnet': regional(
    'ec2:CreateSubnet',
    'ec2:ModifySubnetAttribute',
    'ec2:DeleteSubnet',
    'ec2:DescribeAvailabilityZones',
  ),
  'AWS::EC2::RouteTable': regional('ec2:CreateRouteTable', 'ec2:DeleteRouteTable'),
  'AWS::EC2::Route': regional('ec2:CreateRoute', 'ec2:ReplaceRoute', 'ec2:DeleteRoute'),
  'AWS::EC2::SubnetRouteTableAssociation': regional(
    'ec2:AssociateRouteTable',
    'ec2:DisassociateRouteTable',
  ),
  'AWS::EC2::EIP': regional('ec2:AllocateAddress', 'ec2:ReleaseAddress', 'ec2:CreateTags'),
  'AWS::EC2::NatGateway': regional('ec2:CreateNatGateway', 'ec2:DeleteNatGateway'),
  'AWS::EC2::SecurityGroup': regional(
    'ec2:CreateSecurityGroup',
    'ec2:AuthorizeSecurityGroupIngress',
    'ec2:RevokeSecurityGroupEgress',
    'ec2:DeleteSecurityGroup',
  ),
  'AWS::EC2::LaunchTemplate': regional(
    'ec2:CreateLaunchTemplate',
    'ec2:CreateLaunchTemplateVersion',
    'ec2:DeleteLaunchTemplate',
  ),
  'AWS::EC2::Instance': [...regional('ec2:RunInstances', 'ec2:TerminateInstances'), passToEc2],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': regional(
    'elasticloadbalancing:CreateLoadBalancer',
    'elasticloadbalancing:ModifyLoadBalancerAttributes',
    'elasticloadbalancing:DeleteLoadBalancer',
  ),
  'AWS::ElasticLoadBalancingV2::TargetGroup': regional(
    'elasticloadbalancing:CreateTargetGroup',
    'elasticloadbalancing:DeleteTargetGroup',
    // The wake page's group: its one target is the function.
    'elasticloadbalancing:RegisterTargets',
    'elasticloadbalancing:DeregisterTargets',
  ),
  'AWS::Lambda::Function': [
    ...onFunction(
      'lambda:CreateFunction',
      'lambda:GetFunction',
      'lambda:UpdateFunctionCode',
      'lambda:UpdateFunctionConfiguration',
      'lambda:TagResource',
      'lambda:DeleteFunction',
    ),
    { action: 's3:GetObject', resource: WAKE_CODE },
    passToLambda,
  ],
  'AWS::Lambda::Permission': onFunction(
    'lambda:AddPermission',
    'lambda:GetPolicy',
    'lambda:RemovePermission',
  ),
  'AWS::ElasticLoadBalancingV2::Listener': regional(
    'elasticloadbalancing:CreateListener',
    'elasticloadbalancing:ModifyListener',
    'elasticloadbalancing:DeleteListener',
  ),
  'AWS::AutoScaling::AutoScalingGroup': [
    ...regional(
      'autoscaling:CreateAutoScalingGroup',
      'autoscaling:UpdateAutoScalingGroup',
      'autoscaling:DeleteAutoScalingGroup',
      'autoscaling:DescribeScalingActivities',
      // A group with a launch template needs the caller to be allowed to launch it.
      'ec2:RunInstances',
    ),
    passToEc2,
  ],
  'AWS::AutoScaling::ScalingPolicy': regional(
    'autoscaling:PutScalingPolicy',
    'autoscaling:DeletePolicy',
  ),
  'AWS::RDS::DBSubnetGroup': regional('rds:CreateDBSubnetGroup', 'rds:DeleteDBSubnetGroup'),
  'AWS::RDS::DBCluster': regional(
    'rds:RestoreDBClusterFromSnapshot',
    'rds:RestoreDBClusterToPointInTime',
    'rds:ModifyDBCluster',
    'rds:DeleteDBCluster',
    'rds:DescribeDBClusters',
  ),
  'AWS::RDS::DBInstance': regional('rds:CreateDBInstance', 'rds:DeleteDBInstance'),
  'AWS::IAM::Role': [
    ...onRole('iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:DeleteRole'),
    {
      action: 'iam:AttachRolePolicy',
      resource: INSTANCE_ROLE,
      context: { 'iam:PolicyARN': SSM_CORE },
    },
    { action: 'iam:DetachRolePolicy', resource: INSTANCE_ROLE },
  ],
  // CloudFormation's handlers: generate, create and tag; resolve the cluster's dynamic
  // reference; write the endpoint in (the attachment); delete.
  'AWS::SecretsManager::Secret': [
    ...onSecret(
      'secretsmanager:CreateSecret',
      'secretsmanager:TagResource',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
      'secretsmanager:DeleteSecret',
    ),
    ...regional('secretsmanager:GetRandomPassword'),
  ],
  'AWS::SecretsManager::SecretTargetAttachment': [
    ...onSecret(
      'secretsmanager:GetSecretValue',
      'secretsmanager:PutSecretValue',
      'secretsmanager:DescribeSecret',
    ),
    ...regional('rds:DescribeDBClusters'),
  ],
  // A handle nothing signals: what the web tier waits for in a network of its own (NetworkReady).
  // CloudFormation keeps it itself and calls no other service for it.
  'AWS::CloudFormation::WaitConditionHandle': [],
  'AWS::Logs::LogGroup': [
    ...[
      'logs:CreateLogGroup',
      'logs:PutRetentionPolicy',
      'logs:TagResource',
      'logs:ListTagsForResource',
      'logs:DeleteLogGroup',
    ].map((action) => ({ action, resource: LOG_GROUP })),
    { action: 'logs:DescribeLogGroups', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:*` },
  ],
  'AWS::CloudWatch::Dashboard': [
    'cloudwatch:PutDashboard',
    'cloudwatch:GetDashboard',
    'cloudwatch:DeleteDashboards',
  ].map((action) => ({
    action,
    resource: `arn:aws:cloudwatch::${ACCOUNT}:dashboard/pr-env-shop-pr-7`,
  })),
  // A policy of its own on the instance role.
  'AWS::IAM::Policy': onRole('iam:PutRolePolicy', 'iam:GetRolePolicy', 'iam:DeleteRolePolicy'),
  'AWS::IAM::InstanceProfile': onProfile(
    'iam:CreateInstanceProfile',
    'iam:AddRoleToInstanceProfile',
    'iam:RemoveRoleFromInstanceProfile',
    'iam:DeleteInstanceProfile',
  ),
};

describe('the service role can build and delete the environment template', () => {
  const types = [...new Set(Object.values(environment.Resources).map((r) => r.Type))].sort();

  it('knows every resource type templates/environment.yml declares', () => {
    expect(types.filter((type) => !(type in CALLS_BY_TYPE))).toEqual([]);
  });

  it.each(types)('%s', (type) => {
    const refused = (CALLS_BY_TYPE[type] ?? []).filter((r) => evaluate(service, r) !== 'allow');
    expect(refused).toEqual([]);
  });

  it('resolves the AMI parameter type (so does the deploy role, which creates the change set)', () => {
    const amiParameters = Object.values(environment.Parameters ?? {}).filter((p) =>
      p.Type.startsWith('AWS::SSM::Parameter::Value'),
    );
    expect(amiParameters.map((p) => p.Default)).toEqual([
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    ]);
    const deploy = roleStatements(setup.resources.DeployRole!);
    const arm = AMI_PARAMETER.replace('x86_64', 'arm64');
    for (const statements of [service, deploy]) {
      for (const resource of [AMI_PARAMETER, arm]) {
        expect(evaluate(statements, { action: 'ssm:GetParameters', resource })).toBe('allow');
      }
      expect(
        evaluate(statements, {
          action: 'ssm:GetParameters',
          resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/prod/db-password`,
        }),
      ).toBe('implicit-deny');
    }
  });

  it('fits IAM’s 10,240-character limit on a role’s inline policies', () => {
    const variants: Record<string, string>[] = [
      {},
      {
        SnapshotKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`,
      },
    ];
    for (const parameters of variants) {
      const documents = (
        resolved(parameters).resources.ServiceRole!.Properties.Policies as Array<{
          PolicyDocument: PolicyDocument;
        }>
      ).map((p) => p.PolicyDocument);
      expect(documents.reduce((sum, d) => sum + policySize(d), 0)).toBeLessThan(10_240);
    }
  });
});

describe('the service role is limited', () => {
  it('can only be assumed by CloudFormation', () => {
    const trust = (
      setup.resources.ServiceRole!.Properties.AssumeRolePolicyDocument as PolicyDocument
    ).Statement;
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudformation.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ]);
  });

  it('grants no service wholesale: writes are named one by one, wildcards only for reads', () => {
    for (const action of allowedActions(service)) {
      if (/[*?]/.test(action)) expect(action).toMatch(/^[a-z0-9-]+:(describe|list|get)\*$/);
    }
  });

  it('works in the setup’s region only (IAM aside, which is global)', () => {
    const elsewhere = { 'aws:RequestedRegion': 'eu-west-1' };
    for (const action of [
      'ec2:RunInstances',
      'rds:DeleteDBCluster',
      'elasticloadbalancing:CreateLoadBalancer',
      'autoscaling:CreateAutoScalingGroup',
    ]) {
      expect(evaluate(service, { action, resource: anywhere('x'), context: elsewhere })).toBe(
        'implicit-deny',
      );
    }
  });

  it('creates, changes and deletes only roles and instance profiles named <prefix>-...', () => {
    for (const action of [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:DeleteRole',
      'iam:UpdateAssumeRolePolicy',
    ]) {
      expect(evaluate(service, { action, resource: INSTANCE_ROLE })).toBe('allow');
      for (const other of [
        `arn:aws:iam::${ACCOUNT}:role/Admin`,
        `arn:aws:iam::${ACCOUNT}:role/prod-app`,
      ]) {
        expect(evaluate(service, { action, resource: other })).toBe('implicit-deny');
      }
    }
    expect(
      evaluate(service, {
        action: 'iam:CreateInstanceProfile',
        resource: `arn:aws:iam::${ACCOUNT}:instance-profile/prod-app`,
      }),
    ).toBe('implicit-deny');
    for (const action of [
      'iam:CreateUser',
      'iam:CreateAccessKey',
      'iam:CreatePolicy',
      'iam:CreatePolicyVersion',
    ]) {
      expect(evaluate(service, { action, resource: `arn:aws:iam::${ACCOUNT}:user/pr-env-x` })).toBe(
        'implicit-deny',
      );
    }
  });

  it('can never reach the setup’s own roles, whatever the prefix', () => {
    for (const prefix of ['pr-env', 'pr', 'p', 'prenv', 'prenv-x']) {
      const setupForPrefix = resolved({ StackPrefix: prefix }, { stackName: `${prefix}-setup` });
      const statements = roleStatements(setupForPrefix.resources.ServiceRole!);
      for (const role of ['DeployRole', 'ServiceRole']) {
        const resource = setupForPrefix.physical[role]!.attributes.Arn!;
        for (const action of [
          'iam:PutRolePolicy',
          'iam:AttachRolePolicy',
          'iam:UpdateAssumeRolePolicy',
          'iam:DeleteRole',
        ]) {
          const context = { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' };
          expect(
            evaluate(statements, { action, resource, context }),
            `${prefix} ${role} ${action}`,
          ).not.toBe('allow');
        }
      }
    }
  });

  it('attaches only the Session Manager managed policy', () => {
    const attach = (policy: string) =>
      evaluate(service, {
        action: 'iam:AttachRolePolicy',
        resource: INSTANCE_ROLE,
        context: { 'iam:PolicyARN': policy },
      });
    expect(attach(SSM_CORE)).toBe('allow');
    expect(attach('arn:aws:iam::aws:policy/AdministratorAccess')).toBe('implicit-deny');
    expect(attach(`arn:aws:iam::${ACCOUNT}:policy/anything`)).toBe('implicit-deny');
  });

  it('passes the environments’ roles to EC2 (instances) and Lambda (the wake page) only', () => {
    expect(evaluate(service, passToEc2)).toBe('allow');
    expect(evaluate(service, passToLambda)).toBe('allow');
    for (const other of ['cloudformation.amazonaws.com', 'ecs-tasks.amazonaws.com']) {
      expect(evaluate(service, { ...passToEc2, context: { 'iam:PassedToService': other } })).toBe(
        'implicit-deny',
      );
    }
    expect(
      evaluate(service, { ...passToEc2, resource: setup.physical.DeployRole!.attributes.Arn! }),
    ).not.toBe('allow');
  });

  it('creates service-linked roles for RDS, ELB and Auto Scaling only', () => {
    const link = (name: string) =>
      evaluate(service, {
        action: 'iam:CreateServiceLinkedRole',
        resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/${name}/AWSServiceRole`,
        context: { 'iam:AWSServiceName': name },
      });
    for (const name of [
      'rds.amazonaws.com',
      'elasticloadbalancing.amazonaws.com',
      'autoscaling.amazonaws.com',
    ]) {
      expect(link(name)).toBe('allow');
    }
    expect(link('organizations.amazonaws.com')).toBe('implicit-deny');
  });

  it('uses a customer-managed snapshot key only when given one, and only through RDS', () => {
    expect(allowedActions(service).filter((a) => a.startsWith('kms:'))).toEqual([]);
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const withKey = roleStatements(resolved({ SnapshotKmsKeyArn: key }).resources.ServiceRole!);
    const viaRds = { 'kms:ViaService': `rds.${REGION}.amazonaws.com` };
    expect(evaluate(withKey, { action: 'kms:CreateGrant', resource: key, context: viaRds })).toBe(
      'allow',
    );
    expect(
      evaluate(withKey, {
        action: 'kms:Decrypt',
        resource: key,
        context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` },
      }),
    ).toBe('implicit-deny');
    expect(
      evaluate(withKey, {
        action: 'kms:CreateGrant',
        resource: key.replace('1234abcd', 'ffffffff'),
        context: viaRds,
      }),
    ).toBe('implicit-deny');
  });

  it('reads and writes only the environments’ secrets, never production’s', () => {
    for (const other of ['prod/db-password', 'rds!cluster-0123-abcdef', 'shop-api-key-Xy12Ab']) {
      const resource = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${other}`;
      for (const action of ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue']) {
        expect(evaluate(service, { action, resource, context: IN_REGION }), other).toBe(
          'implicit-deny',
        );
      }
    }
    expect(evaluate(service, { action: 'secretsmanager:GetSecretValue', resource: SECRET })).toBe(
      'allow',
    );
  });

  it('touches no S3, CloudFormation, STS or KMS resource of its own accord', () => {
    for (const action of [
      's3:GetObject',
      'cloudformation:CreateStack',
      'sts:AssumeRole',
      'kms:Decrypt',
    ]) {
      expect(evaluate(service, { action, resource: '*', context: IN_REGION })).toBe(
        'implicit-deny',
      );
    }
  });
});
