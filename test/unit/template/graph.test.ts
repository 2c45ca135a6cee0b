import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import type { CfnTemplate } from '../../../src/template/cfn-yaml.js';
import {
  AFTER_THE_DATABASE,
  directDependencies,
  findDependencyPath,
  formatDependencyPath,
  resourcesOfType,
  transitiveDependencies,
  webTierResources,
} from '../../helpers/template-graph.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);

const DATABASE_TYPES = new Set(['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance']);

/** The chain from `id` to the DB cluster or a DB instance, formatted, or undefined. */
function pathToDatabase(t: CfnTemplate, id: string): string | undefined {
  const path = findDependencyPath(t, id, (to) => DATABASE_TYPES.has(t.Resources[to]?.Type ?? ''));
  return path && formatDependencyPath(path);
}

/** Every web-tier resource's path to the database; empty when the URL waits for no data. */
function webTierPaths(t: CfnTemplate): string[] {
  return webTierResources(t)
    .map((id) => pathToDatabase(t, id))
    .filter((path): path is string => path !== undefined);
}

/** The chain from `id` to any AWS::RDS::DBInstance, formatted, or undefined. */
function pathToDbInstance(t: CfnTemplate, id: string): string | undefined {
  const path = findDependencyPath(t, id, (to) => t.Resources[to]?.Type === 'AWS::RDS::DBInstance');
  return path && formatDependencyPath(path);
}

// Tests poke at arbitrary depths of the parsed template; a loose type keeps them readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** A deep copy of the template, changed by `mutate`, for negative tests. */
function mutated(mutate: (copy: Loose) => void): CfnTemplate {
  const copy: Loose = structuredClone(template);
  mutate(copy);
  return copy;
}

describe('the web tier does not wait for the database: the URL comes before the data', () => {
  it('covers the resources the issue names: the web tier, its roles, profiles, policies and groups', () => {
    expect(webTierResources(template).sort()).toEqual(
      [
        'LoadBalancer',
        'TargetGroup',
        'HttpListener',
        'HttpsListener',
        'LaunchTemplate',
        'AutoScalingGroup',
        'CpuScalingPolicy',
        'Bastion',
        'LoadBalancerSecurityGroup',
        'WebSecurityGroup',
        'BastionSecurityGroup',
        'InstanceRole',
        'InstanceProfile',
        'InstanceDatabaseSecretPolicy',
        'InstanceLogsPolicy',
        'BastionRole',
        'BastionInstanceProfile',
        'WakeTargetGroup',
        'WakeFunction',
        'WakeFunctionPermission',
        'WakeFunctionRole',
      ].sort(),
    );
    expect(resourcesOfType(template, 'AWS::RDS::DBCluster')).toEqual(['DBCluster']);
    expect(resourcesOfType(template, 'AWS::RDS::DBInstance')).toHaveLength(2);
  });

  it.each(webTierResources(template))('%s has no path to the DB cluster or a DB instance', (id) => {
    expect(pathToDatabase(template, id)).toBeUndefined();
  });

  it.each([...AFTER_THE_DATABASE])(
    '%s waits for the cluster, and nothing waits for it',
    (policy) => {
      expect(pathToDatabase(template, policy)).toBeDefined();
      const waiting = Object.keys(template.Resources).filter(
        (id) => id !== policy && transitiveDependencies(template, id).has(policy),
      );
      expect(waiting).toEqual([]);
    },
  );

  it('still sees what the web tier may wait for: the secret, the gateway, the role', () => {
    expect(directDependencies(template, 'LaunchTemplate')).toContainEqual({
      from: 'LaunchTemplate',
      to: 'DBSecret',
      kind: 'Sub',
    });
    const asg = transitiveDependencies(template, 'AutoScalingGroup');
    for (const id of [
      'DBSecret',
      'InstanceDatabaseSecretPolicy',
      'VPCGatewayAttachment',
      'InstanceRole',
    ]) {
      expect(asg).toContain(id);
    }
    expect(asg).not.toContain('DBCluster');
    expect(asg).not.toContain('DBSecretTargetAttachment');
    // The database, on the other hand, waits for the secret (its password).
    expect(transitiveDependencies(template, 'DBWriterInstance')).toContain('DBSecret');
  });
});

describe('the walker catches a web tier that waits for the database', () => {
  it('the endpoint in the user data, as the template had it before', () => {
    const t = mutated((c) => {
      const sub = c.Resources.LaunchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64'];
      sub['Fn::Sub'] += 'echo ${DBCluster.Endpoint.Address}\n';
    });
    expect(webTierPaths(t)).toEqual(
      expect.arrayContaining([
        'LaunchTemplate -(Sub)-> DBCluster',
        'AutoScalingGroup -(Ref)-> LaunchTemplate -(Sub)-> DBCluster',
      ]),
    );
  });

  it('an RDS-managed secret (ManageMasterUserPassword): its ARN is an attribute of the cluster', () => {
    const t = mutated((c) => {
      c.Resources.InstanceDatabaseSecretPolicy.Properties.PolicyDocument.Statement[0].Resource = {
        'Fn::GetAtt': ['DBCluster', 'MasterUserSecret.SecretArn'],
      };
    });
    expect(pathToDatabase(t, 'InstanceDatabaseSecretPolicy')).toBe(
      'InstanceDatabaseSecretPolicy -(GetAtt)-> DBCluster',
    );
    expect(pathToDatabase(t, 'AutoScalingGroup')).toBe(
      'AutoScalingGroup -(DependsOn)-> InstanceDatabaseSecretPolicy -(GetAtt)-> DBCluster',
    );
  });

  it('a policy on a web role that names the cluster, even with nothing waiting on the policy', () => {
    const t = mutated((c) => {
      c.Resources.DescribeOwnCluster = {
        Type: 'AWS::IAM::Policy',
        Properties: {
          PolicyName: 'describe',
          Roles: [{ Ref: 'BastionRole' }],
          PolicyDocument: {
            Statement: [
              {
                Effect: 'Allow',
                Action: 'rds:DescribeDBClusters',
                Resource: { 'Fn::GetAtt': ['DBCluster', 'DBClusterArn'] },
              },
            ],
          },
        },
      };
    });
    expect(webTierPaths(t)).toEqual(['DescribeOwnCluster -(GetAtt)-> DBCluster']);
  });

  it('a secret that waits for the cluster, through which the launch template would wait', () => {
    const t = mutated((c) => {
      c.Resources.DBSecret.DependsOn = 'DBCluster';
    });
    expect(pathToDatabase(t, 'LaunchTemplate')).toBe(
      'LaunchTemplate -(Sub)-> DBSecret -(DependsOn)-> DBCluster',
    );
  });

  it('a security group of the web tier that waits for a DB instance', () => {
    const t = mutated((c) => {
      c.Resources.WebSecurityGroup.DependsOn = 'DBReaderInstance';
    });
    expect(pathToDatabase(t, 'WebSecurityGroup')).toBe(
      'WebSecurityGroup -(DependsOn)-> DBReaderInstance',
    );
    expect(pathToDatabase(t, 'LoadBalancer')).toBeUndefined();
  });
});

describe('the walker follows every kind of reference', () => {
  it('through ${X.Attr} in the user data, transitively up to the ASG', () => {
    const t = mutated((c) => {
      const sub = c.Resources.LaunchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64'];
      sub['Fn::Sub'] += 'echo ${DBReaderInstance.Endpoint.Address}\n';
    });
    expect(pathToDbInstance(t, 'LaunchTemplate')).toBe('LaunchTemplate -(Sub)-> DBReaderInstance');
    expect(pathToDbInstance(t, 'AutoScalingGroup')).toBe(
      'AutoScalingGroup -(Ref)-> LaunchTemplate -(Sub)-> DBReaderInstance',
    );
    expect(pathToDbInstance(t, 'CpuScalingPolicy')).toBe(
      'CpuScalingPolicy -(Ref)-> AutoScalingGroup -(Ref)-> LaunchTemplate -(Sub)-> DBReaderInstance',
    );
  });

  it('through DependsOn, as a string or a list', () => {
    const t = mutated((c) => {
      c.Resources.LoadBalancer.DependsOn = 'DBWriterInstance';
      c.Resources.Bastion.DependsOn = ['VPCGatewayAttachment', 'DBReaderInstance'];
    });
    expect(pathToDbInstance(t, 'HttpListener')).toBe(
      'HttpListener -(Ref)-> LoadBalancer -(DependsOn)-> DBWriterInstance',
    );
    expect(pathToDbInstance(t, 'Bastion')).toBe('Bastion -(DependsOn)-> DBReaderInstance');
  });

  it('through GetAtt in both forms, and through ${X} in a Sub with a variables map', () => {
    const t = mutated((c) => {
      c.Resources.Bastion.Properties.Tags.push({
        Key: 'Db',
        Value: { 'Fn::GetAtt': ['DBWriterInstance', 'Endpoint.Address'] },
      });
      c.Resources.TargetGroup.Properties.Tags = [
        { Key: 'Db', Value: { 'Fn::GetAtt': 'DBReaderInstance.Endpoint.Port' } },
      ];
      c.Resources.LoadBalancer.Properties.Tags.push({
        Key: 'Db',
        Value: { 'Fn::Sub': ['${DBReaderInstance}-${Local}', { Local: 'x' }] },
      });
    });
    expect(pathToDbInstance(t, 'Bastion')).toBe('Bastion -(GetAtt)-> DBWriterInstance');
    expect(pathToDbInstance(t, 'TargetGroup')).toBe('TargetGroup -(GetAtt)-> DBReaderInstance');
    expect(pathToDbInstance(t, 'LoadBalancer')).toBe('LoadBalancer -(Sub)-> DBReaderInstance');
  });

  it('through a Ref inside a Sub variables map, via an intermediate resource', () => {
    const t = mutated((c) => {
      c.Resources.WriterEndpoint = {
        Type: 'AWS::SSM::Parameter',
        Properties: {
          Type: 'String',
          Value: { 'Fn::GetAtt': ['DBWriterInstance', 'Endpoint.Address'] },
        },
      };
      c.Resources.LaunchTemplate.Properties.LaunchTemplateData.UserData = {
        'Fn::Base64': { 'Fn::Sub': ['echo ${Name}', { Name: { Ref: 'WriterEndpoint' } }] },
      };
    });
    expect(pathToDbInstance(t, 'AutoScalingGroup')).toBe(
      'AutoScalingGroup -(Ref)-> LaunchTemplate -(Ref)-> WriterEndpoint -(GetAtt)-> DBWriterInstance',
    );
  });

  it('ignores escapes, names bound by the Sub variables map, and parameters', () => {
    const t = mutated((c) => {
      c.Resources.Bastion.Properties.Tags.push(
        { Key: 'Escaped', Value: { 'Fn::Sub': '${!DBWriterInstance}' } },
        { Key: 'Bound', Value: { 'Fn::Sub': ['${DBWriterInstance}', { DBWriterInstance: 'x' }] } },
      );
    });
    expect(pathToDbInstance(t, 'Bastion')).toBeUndefined();
    expect(directDependencies(t, 'Bastion').map((edge) => edge.to)).not.toContain('ImageId');
  });
});
