import { beforeAll, describe, expect, it } from 'vitest';
import type { CfnTemplate } from '../../../src/template/cfn-yaml.js';
import { loadCfnSpec, matchesAllowedPattern, validateTemplate } from '../../helpers/cfn-spec.js';
import type { CfnSpec } from '../../helpers/cfn-spec.js';
import { bootstrap } from './template.js';

let spec: CfnSpec;
beforeAll(async () => {
  spec = await loadCfnSpec();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

function mutated(mutate: (copy: Loose) => void): CfnTemplate {
  const copy: Loose = structuredClone(bootstrap);
  mutate(copy);
  return copy;
}

describe('templates/bootstrap.yml against the CloudFormation resource specification', () => {
  it('is valid: known types and properties, required properties, references, conditions', () => {
    expect(validateTemplate(bootstrap, spec)).toEqual([]);
  });

  it('declares the resources of the one-time setup, the OIDC provider only on request', () => {
    const types = Object.fromEntries(
      Object.entries(bootstrap.Resources).map(([id, r]) => [id, r.Type]),
    );
    expect(types).toEqual({
      GitHubOidcProvider: 'AWS::IAM::OIDCProvider',
      TemplateBucket: 'AWS::S3::Bucket',
      TemplateBucketPolicy: 'AWS::S3::BucketPolicy',
      DeployRole: 'AWS::IAM::Role',
      ServiceRole: 'AWS::IAM::Role',
      ...Object.fromEntries(
        Object.entries(bootstrap.Resources)
          .filter(([id]) => id.startsWith('Shared'))
          .map(([id, r]) => [id, r.Type]),
      ),
    });
    expect(bootstrap.Resources.GitHubOidcProvider?.Condition).toBe('ShouldCreateOidcProvider');
    // The shared network: one VPC, two public and two private subnets, one NAT gateway, only on
    // request (SharedNetwork=true).
    const shared = Object.entries(bootstrap.Resources).filter(([id]) => id.startsWith('Shared'));
    for (const [id, r] of shared) expect(r.Condition, id).toBe('HasSharedNetwork');
    const count = (type: string) => shared.filter(([, r]) => r.Type === type).length;
    expect([
      count('AWS::EC2::VPC'),
      count('AWS::EC2::Subnet'),
      count('AWS::EC2::NatGateway'),
    ]).toEqual([1, 4, 1]);
  });

  it('gives no IAM role a fixed name, so CAPABILITY_IAM is enough and two setups never collide', () => {
    for (const resource of Object.values(bootstrap.Resources)) {
      expect(resource.Properties ?? {}).not.toHaveProperty('RoleName');
      expect(resource.Properties ?? {}).not.toHaveProperty('BucketName');
    }
  });

  it('accepts what the action accepts for stack-prefix and source-db-cluster, and refuses the rest', () => {
    const prefix = bootstrap.Parameters!.StackPrefix!.AllowedPattern!;
    const cluster = bootstrap.Parameters!.SourceDBCluster!.AllowedPattern!;
    // The patterns in src/inputs.ts, anchored there too.
    for (const ok of ['pr-env', 'pr', 'Preview-1', 'a'.repeat(40)]) {
      expect(matchesAllowedPattern(prefix, ok)).toBe(true);
    }
    for (const bad of ['1pr', '-pr', 'pr_env', 'a'.repeat(41), '']) {
      expect(matchesAllowedPattern(prefix, bad)).toBe(false);
    }
    expect(matchesAllowedPattern(cluster, 'prod-db')).toBe(true);
    expect(matchesAllowedPattern(cluster, 'prod_db')).toBe(false);
  });

  it('refuses a subject filter that could escape into another claim', () => {
    const filter = bootstrap.Parameters!.SubjectClaimFilter!.AllowedPattern!;
    expect(matchesAllowedPattern(filter, '*')).toBe(true);
    expect(matchesAllowedPattern(filter, 'ref:refs/heads/main')).toBe(true);
    expect(matchesAllowedPattern(filter, 'environment:pr env')).toBe(false);
    expect(matchesAllowedPattern(filter, '"')).toBe(false);
  });
});

describe('the specification check catches a broken bootstrap template', () => {
  it('rejects a misspelt bucket property and a dangling reference', () => {
    const problems = validateTemplate(
      mutated((t) => {
        const pab = t.Resources.TemplateBucket.Properties.PublicAccessBlockConfiguration;
        pab.BlockPublicAcl = pab.BlockPublicAcls;
        delete pab.BlockPublicAcls;
        t.Resources.DeployRole.Properties.MaxSessionDuration = { Ref: 'SessionSeconds' };
      }),
      spec,
    );
    expect(problems).toEqual([
      'Resources.TemplateBucket.Properties.PublicAccessBlockConfiguration.BlockPublicAcl: ' +
        'unknown property "BlockPublicAcl" of AWS::S3::Bucket.PublicAccessBlockConfiguration',
      'Resources.DeployRole.Properties.MaxSessionDuration.Ref: SessionSeconds is not a parameter, resource or pseudo parameter',
    ]);
  });

  it('rejects an unconditional use of the conditional OIDC provider', () => {
    const problems = validateTemplate(
      mutated((t) => {
        t.Outputs.OidcProviderArn.Value = { Ref: 'GitHubOidcProvider' };
      }),
      spec,
    );
    expect(problems).toEqual([
      'Outputs.OidcProviderArn.Value.Ref: GitHubOidcProvider only exists if ShouldCreateOidcProvider: use it under that condition',
    ]);
  });
});
