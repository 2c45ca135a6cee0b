import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { parameterValueProblems } from '../../helpers/cfn-spec.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
const parameters = template.Parameters ?? {};

/** Parameters the action always passes: their names are a contract with src/. */
const ACTION_PARAMETERS = [
  'EnvironmentName',
  'PullRequestNumber',
  'AppVersion',
  'DBSnapshotIdentifier',
  'DBEngine',
  'DBEngineVersion',
  'DBCloneSourceCluster',
  'DBCloneRestoreTime',
  'DBCloneClusterName',
  'DBMasterUsername',
];

const OUTPUTS = [
  'EnvironmentUrl',
  'LoadBalancerDnsName',
  'LoadBalancerFullName',
  'BastionInstanceId',
  'DBClusterEndpoint',
  'DBReaderEndpoint',
  'DBPort',
  'DBSecretArn',
  'VpcId',
  'AutoScalingGroupName',
  'LogGroupName',
  'DashboardName',
  'DBScrub',
];

const accepts = (name: string, value: unknown) =>
  parameterValueProblems(parameters[name] as Record<string, unknown>, value);

describe('parameters', () => {
  it('declares the parameters the action passes, without defaults', () => {
    for (const name of ACTION_PARAMETERS) {
      expect(parameters[name], name).toBeDefined();
      expect(parameters[name], name).not.toHaveProperty('Default');
    }
  });

  it('gives every other parameter a default, so the action can omit it', () => {
    const others = Object.keys(parameters).filter((name) => !ACTION_PARAMETERS.includes(name));
    expect(others.length).toBeGreaterThan(10);
    for (const name of others) expect(parameters[name], name).toHaveProperty('Default');
  });

  it('describes every parameter and constrains every string', () => {
    for (const [name, parameter] of Object.entries(parameters)) {
      expect(parameter.Description, name).toMatch(/\w{3,}/);
      if (parameter.Type === 'String') {
        expect(parameter.AllowedPattern ?? parameter.AllowedValues, name).toBeDefined();
      }
      if (parameter.Type === 'Number') {
        expect(parameter, name).toHaveProperty('MinValue');
        expect(parameter, name).toHaveProperty('MaxValue');
      }
    }
  });

  it('lists every parameter in exactly one group of AWS::CloudFormation::Interface', () => {
    const groups = (
      template.Metadata?.['AWS::CloudFormation::Interface'] as {
        ParameterGroups: Array<{ Label: { default: string }; Parameters: string[] }>;
      }
    ).ParameterGroups;
    const listed = groups.flatMap((group) => group.Parameters);
    expect([...listed].sort()).toEqual(Object.keys(parameters).sort());
    expect(new Set(listed).size).toBe(listed.length);
    expect(groups[0]!.Parameters).toEqual(ACTION_PARAMETERS);
  });

  it('is cheap by default', () => {
    expect(parameters.InstanceType!.Default).toMatch(/^t[34]g?\.(nano|micro|small)$/);
    expect(parameters.BastionInstanceType!.Default).toMatch(/^t[34]g?\.(nano|micro)$/);
    expect(parameters.DBInstanceClass!.Default).toBe('db.t4g.medium');
    expect(parameters.NatGateways!.Default).toBe('single');
    expect([
      parameters.MinSize!.Default,
      parameters.DesiredCapacity!.Default,
      parameters.MaxSize!.Default,
    ]).toEqual([1, 1, 2]);
  });

  // Values that would otherwise fail deep inside AWS, minutes into a deploy.
  it.each([
    [
      'EnvironmentName',
      'pr-env-myrepo-pr-12',
      ['', '12-starts-with-digit', 'has_underscore', `a${'b'.repeat(128)}`],
    ],
    ['EnvironmentName', `a${'b'.repeat(127)}`, []],
    ['PullRequestNumber', '12', ['', '0', '12a', '#12']],
    [
      'AppVersion',
      '0123456789abcdef0123456789abcdef01234567',
      ['main', '0123456', '0123456789ABCDEF0123456789ABCDEF01234567'],
    ],
    ['DBSnapshotIdentifier', 'rds:prod-2024-06-01-03-00', ['1abc', 'snap shot']],
    // Empty: the cluster is a clone.
    ['DBSnapshotIdentifier', '', []],
    ['DBCloneSourceCluster', 'prod-db', ['1prod', 'prod_db', `a${'b'.repeat(63)}`]],
    ['DBCloneSourceCluster', '', []],
    [
      'DBCloneRestoreTime',
      '2026-11-22T03:05:00Z',
      ['2026-11-22', '2026-11-22T03:05:00.123Z', 'now'],
    ],
    ['DBCloneRestoreTime', '', []],
    [
      'DBCloneClusterName',
      'pr-env-shop-pr-7-20261122t030512',
      ['Pr-env', 'pr--env', 'pr-env-', '7-pr', `a${'b'.repeat(63)}`],
    ],
    ['DBCloneClusterName', '', []],
    ['DBMasterUsername', 'postgres', ['', '1admin', 'ad-min', 'a b']],
    ['DBMasterUsername', 'app_admin', []],
    ['DBServerlessMinCapacity', '0', ['-1', '257']],
    ['DBServerlessMinCapacity', '0.5', []],
    ['DBServerlessAutoPauseSeconds', '300', ['299', '86401']],
    ['DBSnapshotIdentifier', 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:prod-manual', []],
    ['DBEngine', 'aurora-mysql', ['postgres', 'mysql', 'aurora']],
    ['DBEngine', 'aurora-postgresql', []],
    ['DBEngineVersion', '8.0.mysql_aurora.3.08.0', ['', 'latest', '16.']],
    ['DBEngineVersion', '16.4', []],
    ['VpcCidr', '10.20.0.0/20', ['10.0.0.0/8', '10.0.0.0/24', '10.0.0/16', '256.0.0.0/16']],
    [
      'AppArtifactS3Uri',
      's3://my-bucket/builds/app.tar.gz',
      ['https://x/y', 's3://bucket', "s3://b-ok/it's", 's3://b-ok/$(x)', 's3://b-ok/*'],
    ],
    ['AppArtifactS3Uri', '', []],
    ['HealthCheckPath', '/healthz', ['health', '/a b', "/'"]],
    [
      'CertificateArn',
      'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
      ['arn:aws:iam::123456789012:server-certificate/x'],
    ],
    ['InstanceType', 't4g.small', ['t3', 'T3.micro', 't3.micro ']],
    ['DBInstanceClass', 'db.serverless', ['t4g.medium', 'db.']],
    ['NatGateways', 'per-az', ['two', 'none']],
    ['MinSize', '2', ['-1', 'one', '21']],
    // 0 is how an environment sleeps (/pr-env sleep): no web instances.
    ['MinSize', '0', []],
    ['DesiredCapacity', '0', ['-1', '21']],
    ['CpuTargetValue', '75', ['5', '95']],
  ] as Array<[string, string, string[]]>)(
    '%s accepts %j and refuses bad values',
    (name, good, bad) => {
      expect(accepts(name, good)).toEqual([]);
      for (const value of bad) expect(accepts(name, value), value).not.toEqual([]);
    },
  );
});

describe('outputs', () => {
  it('declares exactly the outputs the action reports', () => {
    expect(Object.keys(template.Outputs ?? {})).toEqual(OUTPUTS);
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      expect(output.Description, name).toBeTruthy();
      expect(output, name).not.toHaveProperty('Condition');
    }
  });

  it('points the DB outputs at the cluster endpoints, not at an instance', () => {
    expect(template.Outputs!.DBClusterEndpoint!.Value).toEqual({
      'Fn::GetAtt': ['DBCluster', 'Endpoint.Address'],
    });
    expect(template.Outputs!.DBReaderEndpoint!.Value).toEqual({
      'Fn::GetAtt': ['DBCluster', 'ReadEndpoint.Address'],
    });
    expect(template.Outputs!.DBPort!.Value).toEqual({
      'Fn::GetAtt': ['DBCluster', 'Endpoint.Port'],
    });
  });
});
