/**
 * The deploy role: exactly what the action calls, on the stacks it names, and nothing else.
 * Requests are built from the action's own naming code (src/naming.ts), and the list of calls
 * is read from src/, so that a new AWS call without a permission fails here, not in a user's run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stackName, uniqueName } from '../../../src/naming.js';
import {
  ACCOUNT,
  REGION,
  allowedActions,
  evaluate,
  list,
  policySize,
  roleStatements,
  type PolicyDocument,
  type Request,
  type Statement,
} from './iam.js';
import { resolved } from './template.js';

/** The quick start with the builds' bucket and image repository named, as examples/ use them. */
const APP = {
  AppBuildsBucket: 'acme-builds',
  AppBuildsPrefix: 'shop/',
  AppImageRepository: 'shop',
};
const setup = resolved(APP);
const deploy = roleStatements(setup.resources.DeployRole!);
const serviceRoleArn = setup.physical.ServiceRole!.attributes.Arn!;
const bucket = setup.physical.TemplateBucket!.ref;

const stackArn = (name: string) =>
  `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${name}/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const STACK = stackName('pr-env', 'shop', 7);
const LONG_STACK = stackName('pr-env', `shop-${'x'.repeat(150)}`, 12345);
const CLUSTER = `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:prod-db`;
/** A PR environment's Aurora cluster: CloudFormation names it after the stack, in lower case. */
const ENV_CLUSTER = `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:pr-env-shop-pr-7-dbcluster-abcdefghijkl`;
/** A PR environment's bastion. */
const BASTION = `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0123456789abcdef0`;
const SNAPSHOT = `arn:aws:rds:${REGION}:${ACCOUNT}:cluster-snapshot:rds:prod-db-2026-11-22-03-00`;
const templateKey = (stack: string) =>
  `pr-env/${stack}/${uniqueName('template', '9000000001-1')}.json`;
/** A build pr-env uploads (app-artifact from the workspace or a run's artifact). */
const buildKey = (stack: string) => `pr-env/${stack}/app/${'4f0c2d8a'.repeat(5)}.tar.gz`;
const CI_BUILD = `arn:aws:s3:::acme-builds/shop/${'4f0c2d8a'.repeat(5)}.tar.gz`;

/** What each AWS call the action makes is authorised against, for a given stack. */
function requestsFor(action: string, stack: string): Request[] {
  const onStack = { resource: stackArn(stack) };
  switch (action) {
    case 'cloudformation:DescribeStacks':
      // With a StackName (one stack) and without (the sweeper).
      return [
        { action, ...onStack },
        { action, resource: '*' },
      ];
    case 'cloudformation:CreateChangeSet':
      return [{ action, ...onStack, context: { 'cloudformation:RoleArn': serviceRoleArn } }];
    case 'cloudformation:DescribeStackEvents':
    case 'cloudformation:DescribeStackResource':
    case 'cloudformation:DescribeStackResources':
    case 'cloudformation:DescribeChangeSet':
    case 'cloudformation:ListChangeSets':
    case 'cloudformation:ExecuteChangeSet':
    case 'cloudformation:DeleteChangeSet':
    case 'cloudformation:DeleteStack':
    case 'cloudformation:ContinueUpdateRollback':
      return [{ action, ...onStack }];
    case 'rds:DescribeDBClusterSnapshots':
      return [
        { action, resource: CLUSTER },
        { action, resource: SNAPSHOT },
      ];
    case 'rds:DescribeDBClusters':
      // data-source clone: the source, and its clone group (a filtered list, on cluster:*);
      // sleep and wake: the PR's cluster.
      return [
        { action, resource: CLUSTER },
        { action, resource: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:*` },
        {
          action,
          resource: ENV_CLUSTER,
          context: { 'rds:cluster-tag/pr-env:repository': 'octo-org/shop' },
        },
      ];
    case 'rds:StopDBCluster':
    case 'rds:StartDBCluster':
      // Sleep and wake: the PR's cluster, which carries the stack's tags.
      return [
        {
          action,
          resource: ENV_CLUSTER,
          context: { 'rds:cluster-tag/pr-env:repository': 'octo-org/shop' },
        },
      ];
    case 's3:PutObject':
      return [
        { action, resource: `arn:aws:s3:::${bucket}/${templateKey(stack)}` },
        { action, resource: `arn:aws:s3:::${bucket}/${buildKey(stack)}` },
      ];
    // HeadObject is authorised as s3:GetObject; ListBucket (on the prefix) makes a missing key
    // a 404 rather than a 403. On CI's builds, and on the builds pr-env uploads.
    case 's3:HeadObject':
      return [
        { action: 's3:GetObject', resource: CI_BUILD },
        { action: 's3:GetObject', resource: `arn:aws:s3:::${bucket}/${buildKey(stack)}` },
        {
          action: 's3:ListBucket',
          resource: 'arn:aws:s3:::acme-builds',
          context: { 's3:prefix': `shop/${'4f0c2d8a'.repeat(5)}.tar.gz` },
        },
        {
          action: 's3:ListBucket',
          resource: `arn:aws:s3:::${bucket}`,
          context: { 's3:prefix': buildKey(stack) },
        },
      ];
    // The scrub: the PR's bastion (which carries the stack's tags) and Amazon's shell document.
    case 'ssm:SendCommand':
      return [
        {
          action,
          resource: BASTION,
          context: { 'ssm:resourceTag/pr-env:repository': 'octo-org/shop' },
        },
        { action, resource: `arn:aws:ssm:${REGION}::document/AWS-RunShellScript` },
      ];
    case 'ssm:GetCommandInvocation':
      return [{ action, resource: '*' }];
    case 'ecr:DescribeImages':
      return [{ action, resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/shop` }];
    // The preflight's reads: neither EC2's nor ELB's Describe* nor GetServiceQuota names a
    // resource; nor does the sweeper's look at a waking environment's target health.
    case 'elasticloadbalancing:DescribeLoadBalancers':
    case 'elasticloadbalancing:DescribeTargetHealth':
    case 'cloudwatch:GetMetricData':
    case 'ec2:DescribeAccountAttributes':
    case 'ec2:DescribeAddresses':
    case 'ec2:DescribeAvailabilityZones':
    case 'ec2:DescribeNatGateways':
    case 'ec2:DescribeSubnets':
    case 'ec2:DescribeVpcs':
    case 'servicequotas:GetServiceQuota':
      return [{ action, resource: '*' }];
    // Production in another account: which account a cluster ARN is in needs no permission
    // (GetCallerIdentity), and the shared snapshot's key is checked only with a key set up
    // (SnapshotKmsKeyArn): see "production in another account" below.
    case 'sts:GetCallerIdentity':
    case 'kms:DescribeKey':
      return [];
    default:
      throw new Error(
        `The action calls ${action}, which the bootstrap tests do not know: grant it in templates/bootstrap.yml (deploy role), then add it here`,
      );
  }
}

/**
 * `service:Action` for every AWS SDK command the action's source sends (`new XCommand(`), however
 * it imports it (statically or on first use). The IAM prefix is the client package that exports
 * the command: cloudformation, rds, s3, ec2, servicequotas, elasticloadbalancing and so on.
 */
async function awsCallsInSource(): Promise<string[]> {
  const root = fileURLToPath(new URL('../../../src', import.meta.url));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      // src/share/ runs in production's account as its own function, with its own role
      // (templates/production-share.yml, test/unit/share/template.test.ts): not the action's.
      // src/wake/handler.ts is the wake page's function, in the environment with a role of its
      // own (test/unit/template/wake-page.test.ts); the rest of src/wake/ is the action's too.
      if (entry.isDirectory()) {
        if (full !== path.join(root, 'share')) walk(full);
      } else if (entry.name.endsWith('.ts') && full !== path.join(root, 'wake', 'handler.ts')) {
        files.push(full);
      }
    }
  };
  walk(root);
  // IAM prefix -> the client package, and what it exports.
  const clients: Record<string, { pkg: string; exports: Record<string, unknown> }> = {
    cloudformation: {
      pkg: '@aws-sdk/client-cloudformation',
      exports: await import('@aws-sdk/client-cloudformation'),
    },
    rds: { pkg: '@aws-sdk/client-rds', exports: await import('@aws-sdk/client-rds') },
    s3: { pkg: '@aws-sdk/client-s3', exports: await import('@aws-sdk/client-s3') },
    ec2: { pkg: '@aws-sdk/client-ec2', exports: await import('@aws-sdk/client-ec2') },
    servicequotas: {
      pkg: '@aws-sdk/client-service-quotas',
      exports: await import('@aws-sdk/client-service-quotas'),
    },
    kms: { pkg: '@aws-sdk/client-kms', exports: await import('@aws-sdk/client-kms') },
    sts: { pkg: '@aws-sdk/client-sts', exports: await import('@aws-sdk/client-sts') },
    ecr: { pkg: '@aws-sdk/client-ecr', exports: await import('@aws-sdk/client-ecr') },
    ssm: { pkg: '@aws-sdk/client-ssm', exports: await import('@aws-sdk/client-ssm') },
    cloudwatch: {
      pkg: '@aws-sdk/client-cloudwatch',
      exports: await import('@aws-sdk/client-cloudwatch'),
    },
    elasticloadbalancing: {
      pkg: '@aws-sdk/client-elastic-load-balancing-v2',
      exports: await import('@aws-sdk/client-elastic-load-balancing-v2'),
    },
  };
  // A file may load its commands through a facade of src/aws/sdk/ alone.
  const facade = (pkg: string) => `sdk/${pkg.replace('@aws-sdk/client-', '')}.js'`;
  const calls = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [, name = ''] of text.matchAll(/\bnew\s+(\w+)Command\s*\(/g)) {
      // Several clients export a command of the same name (RDS and EC2 both have
      // DescribeAccountAttributes): the one the file imports is the one it sends.
      const service = Object.keys(clients).find(
        (key) =>
          `${name}Command` in clients[key]!.exports &&
          (text.includes(`'${clients[key]!.pkg}'`) || text.includes(facade(clients[key]!.pkg))),
      );
      if (!service) {
        throw new Error(
          `${path.relative(root, file)} sends ${name}Command, from an AWS client the bootstrap tests do not know: add its client here and its permission to the deploy role`,
        );
      }
      calls.add(`${service}:${name}`);
    }
  }
  return [...calls].sort();
}

const calls = await awsCallsInSource();

describe('the deploy role allows every AWS call the action makes', () => {
  it('finds the calls in src/ (CloudFormation, RDS, S3, EC2, Service Quotas)', () => {
    expect(calls).toEqual(
      expect.arrayContaining([
        'cloudformation:CreateChangeSet',
        'cloudformation:DescribeStacks',
        'rds:DescribeDBClusterSnapshots',
        's3:PutObject',
        'ec2:DescribeVpcs',
        'servicequotas:GetServiceQuota',
        's3:HeadObject',
        'ecr:DescribeImages',
      ]),
    );
    expect(calls.length).toBeGreaterThanOrEqual(10);
  });

  for (const stack of [STACK, LONG_STACK]) {
    it(`on the PR's own stack (${stack.length > 40 ? 'a long, hashed repository name' : stack})`, () => {
      const refused = calls
        .flatMap((call) => requestsFor(call, stack))
        .filter((request) => evaluate(deploy, request) !== 'allow');
      expect(refused).toEqual([]);
    });
  }

  it('lets CloudFormation read a large template from the bucket (the caller needs s3:GetObject)', () => {
    const resource = `arn:aws:s3:::${bucket}/${templateKey(STACK)}`;
    expect(evaluate(deploy, { action: 's3:GetObject', resource })).toBe('allow');
  });
});

describe('production in another account (SourceDBCluster an ARN, SnapshotKmsKeyArn its share key)', () => {
  const PRODUCTION = '111122223333';
  const SOURCE = `arn:aws:rds:${REGION}:${PRODUCTION}:cluster:prod-db`;
  const KEY = `arn:aws:kms:${REGION}:${PRODUCTION}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
  const crossAccount = roleStatements(
    resolved({ SourceDBCluster: SOURCE, SnapshotKmsKeyArn: KEY }).resources.DeployRole!,
  );
  const allowed = (action: string, resource: string) =>
    evaluate(crossAccount, { action, resource }) === 'allow';

  it('may list the snapshots production shares, and not a third account’s', () => {
    const action = 'rds:DescribeDBClusterSnapshots';
    expect(
      allowed(
        action,
        `arn:aws:rds:${REGION}:${PRODUCTION}:cluster-snapshot:pr-env-share-prod-db-1`,
      ),
    ).toBe(true);
    expect(allowed(action, SOURCE)).toBe(true);
    expect(allowed(action, `arn:aws:rds:${REGION}:444455556666:cluster-snapshot:x`)).toBe(false);
    // Not this account's snapshots any more: production's are the only source.
    expect(allowed(action, `arn:aws:rds:${REGION}:${ACCOUNT}:cluster-snapshot:rds:prod-db-1`)).toBe(
      false,
    );
  });

  it('may describe the source cluster (a clone across accounts), and nothing else of production', () => {
    expect(allowed('rds:DescribeDBClusters', SOURCE)).toBe(true);
    expect(
      allowed('rds:DescribeDBClusters', `arn:aws:rds:${REGION}:${PRODUCTION}:cluster:billing`),
    ).toBe(false);
    for (const action of ['rds:StopDBCluster', 'rds:StartDBCluster', 'rds:ModifyDBCluster']) {
      expect(evaluate(crossAccount, { action, resource: SOURCE })).not.toBe('allow');
    }
  });

  it('may describe the share key to check it before a deploy, and do nothing else with it', () => {
    expect(allowed('kms:DescribeKey', KEY)).toBe(true);
    expect(allowed('kms:DescribeKey', KEY.replace('0f1e', '9f1e'))).toBe(false);
    for (const action of ['kms:Decrypt', 'kms:CreateGrant', 'kms:ReEncryptFrom']) {
      expect(allowed(action, KEY)).toBe(false);
    }
  });

  it('grants no key at all without SnapshotKmsKeyArn', () => {
    expect(allowedActions(deploy)).not.toContain('kms:describekey');
  });
});

describe('the deploy role allows nothing else', () => {
  it('grants exactly these actions, none of them by wildcard', () => {
    expect([...new Set(allowedActions(deploy))].sort()).toEqual(
      [
        'cloudformation:describestacks',
        'cloudformation:describestackevents',
        'cloudformation:describestackresource',
        'cloudformation:describestackresources',
        'cloudformation:describechangeset',
        'cloudformation:listchangesets',
        'cloudformation:executechangeset',
        'cloudformation:deletechangeset',
        'cloudformation:deletestack',
        'cloudformation:continueupdaterollback',
        'cloudformation:tagresource',
        'cloudformation:untagresource',
        'cloudformation:createchangeset',
        'iam:passrole',
        'rds:describedbclustersnapshots',
        'rds:describedbclusters',
        'rds:stopdbcluster',
        'rds:startdbcluster',
        's3:putobject',
        's3:getobject',
        's3:listbucket',
        'ecr:describeimages',
        'ssm:getparameters',
        'ssm:sendcommand',
        'ssm:getcommandinvocation',
        'ec2:describeaccountattributes',
        'ec2:describeaddresses',
        'ec2:describeavailabilityzones',
        'ec2:describenatgateways',
        'ec2:describesubnets',
        'ec2:describevpcs',
        'elasticloadbalancing:describeloadbalancers',
        'elasticloadbalancing:describetargethealth',
        'cloudwatch:getmetricdata',
        'servicequotas:getservicequota',
      ].sort(),
    );
    for (const action of allowedActions(deploy)) expect(action).not.toMatch(/[*?]/);
    expect(deploy.some((s) => s.NotAction !== undefined || s.NotResource !== undefined)).toBe(
      false,
    );
  });

  it("uses Resource \"*\" only for reads that name no resource: DescribeStacks for the sweeper, the preflight's counts and quotas, a waking environment's target health, the scrub's result", () => {
    const starred = deploy.filter((s) => s.Effect === 'Allow' && list(s.Resource).includes('*'));
    expect(starred.flatMap((s) => list(s.Action)).sort()).toEqual(
      [
        'cloudformation:DescribeStacks',
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeNatGateways',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeTargetHealth',
        'cloudwatch:GetMetricData',
        'servicequotas:GetServiceQuota',
        'ssm:GetCommandInvocation',
      ].sort(),
    );
    for (const action of starred.flatMap((s) => list(s.Action))) {
      expect(action).toMatch(/:(Describe|Get)/);
    }
  });

  it('names every CloudFormation resource as a stack of the prefix', () => {
    const cfn = deploy.filter(
      (s) => s.Effect === 'Allow' && list(s.Action).some((a) => a.startsWith('cloudformation:')),
    );
    const resources = new Set(cfn.flatMap((s) => list(s.Resource)));
    expect([...resources].sort()).toEqual(
      ['*', `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/pr-env-*`].sort(),
    );
  });

  const mutating = [
    'cloudformation:CreateChangeSet',
    'cloudformation:ExecuteChangeSet',
    'cloudformation:DeleteStack',
    'cloudformation:ContinueUpdateRollback',
    'cloudformation:DescribeStackEvents',
  ];

  it('refuses stacks outside the prefix, including one whose name merely contains it', () => {
    for (const name of [
      'prod-api',
      'pr-environment-x',
      'my-pr-env-shop-pr-7',
      'PR-ENV-shop-pr-7',
    ]) {
      for (const action of mutating) {
        const context = { 'cloudformation:RoleArn': serviceRoleArn };
        expect(
          evaluate(deploy, { action, resource: stackArn(name), context }),
          `${action} ${name}`,
        ).not.toBe('allow');
      }
    }
  });

  it('never touches the setup stack itself, even when its name starts with the prefix', () => {
    const unlucky = resolved({}, { stackName: 'pr-env-setup' });
    const statements = roleStatements(unlucky.resources.DeployRole!);
    const context = { 'cloudformation:RoleArn': unlucky.physical.ServiceRole!.attributes.Arn! };
    const writes = mutating.filter((a) => !a.startsWith('cloudformation:Describe'));
    for (const action of [
      ...writes,
      'cloudformation:UpdateStack',
      'cloudformation:DeleteChangeSet',
      'cloudformation:TagResource',
      'cloudformation:SetStackPolicy',
    ]) {
      expect(evaluate(statements, { action, resource: unlucky.stackId, context })).toBe(
        'explicit-deny',
      );
    }
    // Reading it stays allowed: its outputs are the shared network's IDs (network-stack).
    expect(
      evaluate(statements, { action: 'cloudformation:DescribeStacks', resource: unlucky.stackId }),
    ).toBe('allow');
    // Its environments are still fine.
    expect(
      evaluate(statements, { action: 'cloudformation:DeleteStack', resource: stackArn(STACK) }),
    ).toBe('allow');
  });

  it('creates change sets only to run as the service role, never with its own permissions', () => {
    const action = 'cloudformation:CreateChangeSet';
    const resource = stackArn(STACK);
    expect(evaluate(deploy, { action, resource })).toBe('implicit-deny');
    expect(
      evaluate(deploy, {
        action,
        resource,
        context: { 'cloudformation:RoleArn': `arn:aws:iam::${ACCOUNT}:role/Admin` },
      }),
    ).toBe('implicit-deny');
    expect(
      evaluate(deploy, { action, resource, context: { 'cloudformation:RoleArn': serviceRoleArn } }),
    ).toBe('allow');
  });

  it('has no CreateStack or UpdateStack: every change goes through a reviewed change set', () => {
    for (const action of ['cloudformation:CreateStack', 'cloudformation:UpdateStack']) {
      expect(evaluate(deploy, { action, resource: stackArn(STACK) })).toBe('implicit-deny');
    }
  });

  it('passes only the service role, and only to CloudFormation', () => {
    const action = 'iam:PassRole';
    const toCfn = { 'iam:PassedToService': 'cloudformation.amazonaws.com' };
    expect(evaluate(deploy, { action, resource: serviceRoleArn, context: toCfn })).toBe('allow');
    expect(
      evaluate(deploy, {
        action,
        resource: serviceRoleArn,
        context: { 'iam:PassedToService': 'ec2.amazonaws.com' },
      }),
    ).toBe('implicit-deny');
    for (const other of [
      `arn:aws:iam::${ACCOUNT}:role/Admin`,
      setup.physical.DeployRole!.attributes.Arn!,
      `arn:aws:iam::${ACCOUNT}:role/pr-env-shop-pr-7-InstanceRole-X`,
    ]) {
      expect(evaluate(deploy, { action, resource: other, context: toCfn })).toBe('implicit-deny');
    }
  });

  it('reads the source cluster and its snapshots, and can change neither', () => {
    const describe = 'rds:DescribeDBClusterSnapshots';
    expect(
      evaluate(deploy, {
        action: describe,
        resource: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:other-db`,
      }),
    ).toBe('implicit-deny');
    for (const action of [
      'rds:DeleteDBClusterSnapshot',
      'rds:ModifyDBClusterSnapshotAttribute',
      'rds:CopyDBClusterSnapshot',
      'rds:RestoreDBClusterFromSnapshot',
      'rds:RestoreDBClusterToPointInTime',
      'rds:ModifyDBCluster',
      'rds:DeleteDBCluster',
      'rds:StopDBCluster',
      'rds:CreateDBClusterSnapshot',
    ]) {
      expect(evaluate(deploy, { action, resource: SNAPSHOT })).toBe('implicit-deny');
      expect(evaluate(deploy, { action, resource: CLUSTER })).toBe('implicit-deny');
    }
    // Reading the source is what a clone needs (its status, instances, clone group).
    expect(evaluate(deploy, { action: 'rds:DescribeDBClusters', resource: CLUSTER })).toBe('allow');
    expect(evaluate(deploy, { action: 'rds:DescribeDBClusters', resource: SNAPSHOT })).toBe(
      'implicit-deny',
    );
  });

  it("runs the scrub only on this repository's environments, and only as Amazon's shell script", () => {
    const allowed = (resource: string, repository?: string) =>
      evaluate(deploy, {
        action: 'ssm:SendCommand',
        resource,
        context: repository ? { 'ssm:resourceTag/pr-env:repository': repository } : {},
      });
    expect(allowed(BASTION, 'octo-org/shop')).toBe('allow');
    // Another repository's instance, or one without the tag (production's servers).
    expect(allowed(BASTION, 'octo-org/other')).not.toBe('allow');
    expect(allowed(BASTION)).not.toBe('allow');
    // Only AWS-RunShellScript: no other document, and no document of the account's own.
    expect(allowed(`arn:aws:ssm:${REGION}::document/AWS-RunShellScript`)).toBe('allow');
    expect(allowed(`arn:aws:ssm:${REGION}::document/AWS-RunPowerShellScript`)).not.toBe('allow');
    expect(allowed(`arn:aws:ssm:${REGION}:${ACCOUNT}:document/AWS-RunShellScript`)).not.toBe(
      'allow',
    );
    // Nothing else of SSM (parameters aside): no Session Manager, no CancelCommand.
    for (const action of ['ssm:StartSession', 'ssm:CancelCommand', 'ssm:PutParameter'])
      expect(evaluate(deploy, { action, resource: BASTION })).not.toBe('allow');
  });

  it("stops and starts only this repository's environment clusters", () => {
    for (const action of ['rds:StopDBCluster', 'rds:StartDBCluster']) {
      const tagged = (repository?: string) =>
        evaluate(deploy, {
          action,
          resource: ENV_CLUSTER,
          context: repository ? { 'rds:cluster-tag/pr-env:repository': repository } : {},
        });
      expect(tagged('octo-org/shop')).toBe('allow');
      expect(tagged('octo-org/other')).toBe('implicit-deny');
      expect(tagged()).toBe('implicit-deny');
    }
    for (const action of ['rds:DeleteDBCluster', 'rds:ModifyDBCluster', 'rds:RebootDBCluster']) {
      const context = { 'rds:cluster-tag/pr-env:repository': 'octo-org/shop' };
      expect(evaluate(deploy, { action, resource: ENV_CLUSTER, context })).toBe('implicit-deny');
    }
  });

  it('writes templates only under pr-env/<prefix>-... of its own bucket', () => {
    const put = (resource: string) => evaluate(deploy, { action: 's3:PutObject', resource });
    expect(put(`arn:aws:s3:::${bucket}/other/key.json`)).toBe('implicit-deny');
    expect(put(`arn:aws:s3:::${bucket}/pr-env/prod-api/t.json`)).toBe('implicit-deny');
    expect(put(`arn:aws:s3:::another-bucket/${templateKey(STACK)}`)).toBe('implicit-deny');
    for (const action of ['s3:DeleteObject', 's3:PutBucketPolicy', 's3:ListBucket']) {
      expect(
        evaluate(deploy, { action, resource: `arn:aws:s3:::${bucket}/${templateKey(STACK)}` }),
      ).toBe('implicit-deny');
    }
  });

  it('follows the prefix parameter', () => {
    const other = roleStatements(resolved({ StackPrefix: 'preview' }).resources.DeployRole!);
    const resource = stackArn(stackName('preview', 'shop', 7));
    expect(evaluate(other, { action: 'cloudformation:DeleteStack', resource })).toBe('allow');
    expect(
      evaluate(other, { action: 'cloudformation:DeleteStack', resource: stackArn(STACK) }),
    ).toBe('implicit-deny');
  });

  it('fits IAM’s 10,240-character limit on a role’s inline policies', () => {
    const documents = (
      setup.resources.DeployRole!.Properties.Policies as Array<{ PolicyDocument: PolicyDocument }>
    ).map((p) => p.PolicyDocument);
    expect(documents.reduce((sum, d) => sum + policySize(d), 0)).toBeLessThan(10_240);
  });
});

describe('the builds of the pull requests', () => {
  it('are read only where the bootstrap names them: the builds’ prefix, the one image repository', () => {
    const get = (resource: string) => evaluate(deploy, { action: 's3:GetObject', resource });
    expect(get(CI_BUILD)).toBe('allow');
    expect(get('arn:aws:s3:::acme-builds/other-team/app.tar.gz')).toBe('implicit-deny');
    expect(get('arn:aws:s3:::prod-data/customers.csv')).toBe('implicit-deny');
    for (const action of ['s3:PutObject', 's3:DeleteObject']) {
      expect(evaluate(deploy, { action, resource: CI_BUILD })).toBe('implicit-deny');
    }
    const list = (prefix: string) =>
      evaluate(deploy, {
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::acme-builds',
        context: { 's3:prefix': prefix },
      });
    expect(list('shop/x.tar.gz')).toBe('allow');
    expect(list('')).toBe('implicit-deny');
    expect(list('other-team/')).toBe('implicit-deny');
    const describeImages = (repository: string) =>
      evaluate(deploy, {
        action: 'ecr:DescribeImages',
        resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${repository}`,
      });
    expect(describeImages('shop')).toBe('allow');
    expect(describeImages('payments')).toBe('implicit-deny');
    for (const action of ['ecr:BatchGetImage', 'ecr:PutImage', 'ecr:GetAuthorizationToken']) {
      expect(
        evaluate(deploy, { action, resource: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/shop` }),
      ).toBe('implicit-deny');
    }
  });

  it('are not reachable at all when the bootstrap names none', () => {
    const bare = roleStatements(resolved().resources.DeployRole!);
    expect(allowedActions(bare)).not.toContain('ecr:describeimages');
    expect(evaluate(bare, { action: 's3:GetObject', resource: CI_BUILD })).toBe('implicit-deny');
    // pr-env's own uploads stay possible: they live in the template bucket.
    const own = `arn:aws:s3:::${resolved().physical.TemplateBucket!.ref}/${buildKey(STACK)}`;
    expect(evaluate(bare, { action: 's3:PutObject', resource: own })).toBe('allow');
  });
});

describe('only the repository’s workflows can assume the deploy role', () => {
  const WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
  const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

  function trustOf(parameters: Record<string, string> = {}) {
    const role = resolved(parameters).resources.DeployRole!;
    const document = role.Properties.AssumeRolePolicyDocument as PolicyDocument;
    return document.Statement;
  }

  /** Whether a token with this sub (and aud) may assume the role. */
  const assumes = (trust: Statement[], sub: string, aud = 'sts.amazonaws.com') =>
    evaluate(trust, {
      action: WEB_IDENTITY,
      resource: '*',
      context: {
        'token.actions.githubusercontent.com:sub': sub,
        'token.actions.githubusercontent.com:aud': aud,
      },
    }) === 'allow';

  it('trusts GitHub’s OIDC provider, for web identity only, with the sub and aud conditions', () => {
    const [statement, ...more] = trustOf();
    expect(more).toEqual([]);
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Federated: PROVIDER },
      Action: WEB_IDENTITY,
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:octo-org/shop:*' },
      },
    });
  });

  it('admits the repository’s runs and no other repository’s', () => {
    const trust = trustOf();
    expect(assumes(trust, 'repo:octo-org/shop:ref:refs/heads/main')).toBe(true);
    expect(assumes(trust, 'repo:octo-org/shop:pull_request')).toBe(true);
    expect(assumes(trust, 'repo:octo-org/shop:environment:pr-7')).toBe(true);
    expect(assumes(trust, 'repo:octo-org/shop-fork:ref:refs/heads/main')).toBe(false);
    expect(assumes(trust, 'repo:evil-org/shop:ref:refs/heads/main')).toBe(false);
    expect(assumes(trust, 'repo:octo-org/shopping:pull_request')).toBe(false);
    expect(
      assumes(trust, 'repo:octo-org/shop:ref:refs/heads/main', 'https://github.com/octo-org'),
    ).toBe(false);
  });

  it('can be narrowed to one subject, such as runs on main', () => {
    const trust = trustOf({ SubjectClaimFilter: 'ref:refs/heads/main' });
    expect(assumes(trust, 'repo:octo-org/shop:ref:refs/heads/main')).toBe(true);
    expect(assumes(trust, 'repo:octo-org/shop:pull_request')).toBe(false);
    expect(assumes(trust, 'repo:octo-org/shop:ref:refs/heads/feature')).toBe(false);
  });

  it('trusts only GitHub’s immutable subject format once the owner and repository IDs are given', () => {
    const trust = trustOf({ GitHubOwnerId: '123456', GitHubRepositoryId: '456789' });
    expect(assumes(trust, 'repo:octo-org@123456/shop@456789:ref:refs/heads/main')).toBe(true);
    // A recycled name carries other IDs; the name-only format is no longer enough.
    expect(assumes(trust, 'repo:octo-org@999999/shop@111111:ref:refs/heads/main')).toBe(false);
    expect(assumes(trust, 'repo:octo-org/shop:ref:refs/heads/main')).toBe(false);
    // One ID alone is not the immutable format: the name-based subject stays.
    expect(assumes(trustOf({ GitHubOwnerId: '123456' }), 'repo:octo-org/shop:pull_request')).toBe(
      true,
    );
  });

  it('uses the account’s existing provider when asked not to create one', () => {
    const setupWithout = resolved({ CreateOidcProvider: 'false' });
    expect(setupWithout.resources).not.toHaveProperty('GitHubOidcProvider');
    const [statement] = trustOf({ CreateOidcProvider: 'false' });
    expect(statement?.Principal).toEqual({ Federated: PROVIDER });
    expect(setupWithout.outputs.OidcProviderArn).toBe(PROVIDER);
  });

  it('creates the provider for the audience configure-aws-credentials requests', () => {
    expect(setup.resources.GitHubOidcProvider?.Properties).toEqual({
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('lasts long enough for a run: a session above the action’s 60-minute default timeout', () => {
    expect(Number(setup.resources.DeployRole!.Properties.MaxSessionDuration)).toBe(7200);
  });
});
