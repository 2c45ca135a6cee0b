import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import type { CfnTemplate } from '../../../src/template/cfn-yaml.js';
import {
  loadCfnSpec,
  matchesAllowedPattern,
  subVariables,
  validateTemplate,
} from '../../helpers/cfn-spec.js';
import type { CfnSpec } from '../../helpers/cfn-spec.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);

let spec: CfnSpec;
beforeAll(async () => {
  spec = await loadCfnSpec();
});

// Tests poke at arbitrary depths of the parsed template; a loose type keeps them readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

/** A deep copy of the template, changed by `mutate`, for negative tests. */
function mutated(mutate: (copy: Loose) => void): CfnTemplate {
  const copy: Loose = structuredClone(template);
  mutate(copy);
  return copy;
}

describe('templates/environment.yml against the CloudFormation resource specification', () => {
  it('loads the full specification', () => {
    expect(spec.resourceTypeCount).toBeGreaterThan(1500);
    expect(spec.resource('AWS::RDS::DBCluster')?.attributes).toHaveProperty('ReadEndpoint.Address');
    expect(spec.resource('AWS::EC2::NoSuchThing')).toBeUndefined();
  });

  it('is valid: known types and properties, required properties, references, conditions', () => {
    expect(validateTemplate(template, spec)).toEqual([]);
  });
});

describe('the validator can fail', () => {
  const problemsOf = (mutate: Parameters<typeof mutated>[0]) =>
    validateTemplate(mutated(mutate), spec);

  it('rejects a misspelt top-level property', () => {
    expect(
      problemsOf((t) => {
        t.Resources.VPC.Properties.CidrBlok = t.Resources.VPC.Properties.CidrBlock;
        delete t.Resources.VPC.Properties.CidrBlock;
      }),
    ).toEqual(['Resources.VPC.Properties.CidrBlok: unknown property "CidrBlok" of AWS::EC2::VPC']);
  });

  it('rejects a misspelt property in a nested property type', () => {
    expect(
      problemsOf((t) => {
        const options = t.Resources.LaunchTemplate.Properties.LaunchTemplateData.MetadataOptions;
        options.HttpToken = options.HttpTokens;
        delete options.HttpTokens;
      }),
    ).toEqual([
      'Resources.LaunchTemplate.Properties.LaunchTemplateData.MetadataOptions.HttpToken: ' +
        'unknown property "HttpToken" of AWS::EC2::LaunchTemplate.MetadataOptions',
    ]);
  });

  it('rejects a misspelt property inside a branch of Fn::If in a list', () => {
    expect(
      problemsOf((t) => {
        const rule = t.Resources.LoadBalancerSecurityGroup.Properties.SecurityGroupIngress[1];
        rule['Fn::If'][1].FromPrt = 443;
      }),
    ).toEqual([
      expect.stringMatching(
        /\[Fn::If 1\]\.FromPrt: unknown property "FromPrt" of AWS::EC2::SecurityGroup\.Ingress$/,
      ),
    ]);
  });

  it('rejects an unknown resource type and a missing required property', () => {
    const problems = problemsOf((t) => {
      t.Resources.TargetGroup.Type = 'AWS::ElasticLoadBalancingV2::TargetGrup';
      delete t.Resources.AutoScalingGroup.Properties.MaxSize;
    });
    expect(problems).toContain(
      'Resources.TargetGroup.Type: unknown resource type AWS::ElasticLoadBalancingV2::TargetGrup',
    );
    expect(problems).toContain(
      'Resources.AutoScalingGroup.Properties: required property "MaxSize" of AWS::AutoScaling::AutoScalingGroup is missing',
    );
  });

  it('rejects a literal of the wrong shape', () => {
    expect(
      problemsOf((t) => {
        t.Resources.Bastion.Properties.NetworkInterfaces[0].AssociatePublicIpAddress = 'yes';
        t.Resources.AutoScalingGroup.Properties.VPCZoneIdentifier = 'subnet-1';
      }),
    ).toEqual([
      'Resources.AutoScalingGroup.Properties.VPCZoneIdentifier: expected a list, got string "subnet-1"',
      'Resources.Bastion.Properties.NetworkInterfaces[0].AssociatePublicIpAddress: expected a boolean, got string "yes"',
    ]);
  });

  it('rejects dangling Ref, GetAtt, Sub and DependsOn targets', () => {
    const problems = problemsOf((t) => {
      t.Resources.PublicSubnetA.Properties.VpcId = { Ref: 'Vpc' };
      t.Outputs!.DBPort!.Value = { 'Fn::GetAtt': ['DBCluster', 'Endpoint.Prot'] };
      // VPC exists only in a network of the environment's own.
      t.Outputs!.VpcId!.Condition = 'OwnNetwork';
      t.Outputs!.VpcId!.Value = { 'Fn::Sub': '${Nope}-${VPC.Foo}-${!Literal}-${AWS::Region}' };
      t.Resources.Bastion.DependsOn = ['NetworkReady', 'VpcGatewayAttachment'];
    });
    expect(problems).toEqual([
      'Resources.PublicSubnetA.Properties.VpcId.Ref: Vpc is not a parameter, resource or pseudo parameter',
      'Resources.Bastion.DependsOn: "VpcGatewayAttachment" is not a resource',
      'Outputs.DBPort.Value.Fn::GetAtt: AWS::RDS::DBCluster has no attribute "Endpoint.Prot"',
      'Outputs.VpcId.Value.Fn::Sub ${Nope}: Nope is not a parameter, resource or pseudo parameter',
      'Outputs.VpcId.Value.Fn::Sub ${VPC.Foo}: AWS::EC2::VPC has no attribute "Foo"',
    ]);
  });

  it('rejects undefined conditions and unconditional use of a conditional resource', () => {
    const problems = problemsOf((t) => {
      t.Resources.HttpsListener.Condition = 'HasCert';
      t.Resources.HttpListener.Properties.DefaultActions[0]['Fn::If'][0] = 'HasCert';
      t.Resources.PrivateDefaultRouteB.Properties.NatGatewayId = { Ref: 'NatGatewayB' };
      t.Conditions!.Broken = { 'Fn::Not': [{ Condition: 'Missing' }] };
    });
    expect(problems).toEqual([
      'Conditions.Broken.Fn::Not[0].Condition: condition "Missing" is not defined',
      'Resources.PrivateDefaultRouteB.Properties.NatGatewayId.Ref: NatGatewayB only exists if OwnNatPerAz: use it under that condition',
      'Resources.HttpListener.Properties.DefaultActions[0].Fn::If: condition "HasCert" is not defined',
      'Resources.HttpsListener.Condition: condition "HasCert" is not defined',
    ]);
  });

  it('rejects misspelt resource attributes and update-policy keys', () => {
    expect(
      problemsOf((t) => {
        t.Resources.DBCluster.DeletionPolicy = 'Destroy';
        t.Resources.AutoScalingGroup.UpdatePolicy.AutoScalingRollingUpdate.WaitOnResourceSignal = true;
        t.Resources.VPC.Dependson = 'InternetGateway';
      }),
    ).toEqual([
      'Resources.VPC.Dependson: unknown resource attribute',
      'Resources.AutoScalingGroup.UpdatePolicy.AutoScalingRollingUpdate.WaitOnResourceSignal: unknown key',
      'Resources.DBCluster.DeletionPolicy: unknown policy "Destroy"',
    ]);
  });

  it('rejects a parameter default its own constraints refuse, and unknown intrinsics', () => {
    const problems = problemsOf((t) => {
      t.Parameters!.VpcCidr!.Default = '10.0.0.0/8';
      t.Parameters!.MinSize!.Default = -1;
      t.Outputs!.VpcId!.Value = { 'Fn::Substitute': 'x' };
    });
    expect(problems).toEqual([
      expect.stringMatching(/^Parameters\.VpcCidr\.Default: "10\.0\.0\.0\/8" does not match/),
      'Parameters.MinSize.Default: -1 is below MinValue 0',
      'Outputs.VpcId.Value.Fn::Substitute: unknown intrinsic function Fn::Substitute',
    ]);
  });
});

describe('helpers', () => {
  it('extracts Fn::Sub variables in both forms and skips escapes', () => {
    expect(subVariables('${A}-${B.C.D}-${!E}-${AWS::Region}')).toEqual([
      ['A', undefined],
      ['B', 'C.D'],
      ['AWS::Region', undefined],
    ]);
  });

  it('anchors AllowedPattern like CloudFormation does', () => {
    expect(matchesAllowedPattern('[0-9]+', '12')).toBe(true);
    expect(matchesAllowedPattern('[0-9]+', '12a')).toBe(false);
    expect(matchesAllowedPattern('a|b', 'ab')).toBe(false);
  });
});
