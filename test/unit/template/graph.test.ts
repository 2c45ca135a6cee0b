import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import type { CfnTemplate } from '../../../src/template/cfn-yaml.js';
import {
  directDependencies,
  findDependencyPath,
  formatDependencyPath,
  resourcesOfType,
  transitiveDependencies,
} from '../../helpers/template-graph.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);

/** Resources that must come up without waiting for the Aurora instances. */
const WEB_TIER_TYPES = new Set([
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::AutoScaling::ScalingPolicy',
  'AWS::EC2::Instance',
]);

const webTier = (t: CfnTemplate) =>
  Object.keys(t.Resources).filter((id) => WEB_TIER_TYPES.has(t.Resources[id]!.Type));

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

describe('the web tier does not wait for the database instances', () => {
  it('covers the resources the issue names', () => {
    expect(webTier(template)).toEqual(
      expect.arrayContaining([
        'LoadBalancer',
        'TargetGroup',
        'HttpListener',
        'HttpsListener',
        'LaunchTemplate',
        'AutoScalingGroup',
        'CpuScalingPolicy',
        'Bastion',
      ]),
    );
    expect(resourcesOfType(template, 'AWS::RDS::DBInstance')).toHaveLength(2);
  });

  it.each(webTier(template))('%s has no path to an AWS::RDS::DBInstance', (id) => {
    expect(pathToDbInstance(template, id)).toBeUndefined();
  });

  it('still sees the dependencies the web tier is allowed: the cluster endpoint, the IGW', () => {
    expect(directDependencies(template, 'LaunchTemplate')).toContainEqual({
      from: 'LaunchTemplate',
      to: 'DBCluster',
      kind: 'Sub',
    });
    const asg = transitiveDependencies(template, 'AutoScalingGroup');
    expect(asg).toContain('DBCluster');
    expect(asg).toContain('VPCGatewayAttachment');
    expect(asg).toContain('InstanceRole');
    expect(asg).not.toContain('DBWriterInstance');
    expect(findDependencyPath(template, 'AutoScalingGroup', (id) => id === 'DBCluster')).toEqual([
      { from: 'AutoScalingGroup', to: 'LaunchTemplate', kind: 'Ref' },
      { from: 'LaunchTemplate', to: 'DBCluster', kind: 'Sub' },
    ]);
  });
});

describe('the walker catches a dependency on a DB instance', () => {
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
