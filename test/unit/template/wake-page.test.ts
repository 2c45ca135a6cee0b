/**
 * The wake page (issue 18, part 2): while the environment sleeps, its listeners forward to a
 * Lambda function that answers a page and wakes it; awake, to the app. One template parameter,
 * Asleep, set by the same stack update that sleeps and wakes, switches them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTemplate, type CfnTemplate } from '../../../src/template/cfn-yaml.js';
import { loadCfnSpec, validateTemplate, type CfnSpec } from '../../helpers/cfn-spec.js';
import { templateValues, type Values } from '../../helpers/template-values.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
// Tests poke at arbitrary depths of the parsed template; a loose type keeps them readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const resources = template.Resources as Loose;
const { resolve, existing, withDefaults } = templateValues(template);

const WAKE_CODE = {
  WakeFunctionS3Bucket: 'pr-env-setup-templatebucket-1a2b3c',
  WakeFunctionS3Key: 'pr-env/pr-env-shop-pr-7/wake-0123456789abcdef.zip',
};
const CERTIFICATE = {
  CertificateArn:
    'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-aaaa-bbbb-cccc-0123456789ab',
};
const WAKE_RESOURCES = [
  'WakeFunctionRole',
  'WakeDatabasePolicy',
  'WakeFunction',
  'WakeFunctionPermission',
  'WakeTargetGroup',
];

const values = (extra: Values): Values => withDefaults(extra);
/** Where a listener's default action sends a request, with these values. */
function forwardsTo(listener: string, extra: Values): unknown {
  const [action] = resolve(resources[listener].Properties.DefaultActions, values(extra)) as Loose[];
  return action.Type === 'forward' ? action.TargetGroupArn : action.Type;
}

describe('the listeners follow the Asleep parameter', () => {
  it.each([
    ['awake, with the wake page', { ...WAKE_CODE, Asleep: 'false' }, { Ref: 'TargetGroup' }],
    ['asleep, with the wake page', { ...WAKE_CODE, Asleep: 'true' }, { Ref: 'WakeTargetGroup' }],
    // No code to run (no template-bucket): a sleeping URL answers 503, as before.
    ['asleep, without the wake page', { Asleep: 'true' }, { Ref: 'TargetGroup' }],
    ['awake, by default', {}, { Ref: 'TargetGroup' }],
  ])('%s', (_name, extra, target) => {
    expect(forwardsTo('HttpListener', extra)).toEqual(target);
  });

  it('with a certificate, HTTP still redirects and HTTPS switches', () => {
    const asleep = { ...WAKE_CODE, ...CERTIFICATE, Asleep: 'true' };
    expect(forwardsTo('HttpListener', asleep)).toBe('redirect');
    expect(forwardsTo('HttpsListener', asleep)).toEqual({ Ref: 'WakeTargetGroup' });
    expect(forwardsTo('HttpsListener', { ...asleep, Asleep: 'false' })).toEqual({
      Ref: 'TargetGroup',
    });
  });

  it('takes only true or false, false by default', () => {
    expect(template.Parameters!.Asleep).toMatchObject({
      Default: 'false',
      AllowedValues: ['false', 'true'],
    });
  });

  it('sleep and wake add or remove nothing: the wake resources exist awake and asleep', () => {
    const awake = existing(values({ ...WAKE_CODE, Asleep: 'false' }));
    const asleep = existing(values({ ...WAKE_CODE, Asleep: 'true' }));
    expect(asleep).toEqual(awake);
    expect(awake).toEqual(expect.arrayContaining(WAKE_RESOURCES));
  });

  it('without the code, none of them is created', () => {
    const none = existing(values({ Asleep: 'true' }));
    for (const id of WAKE_RESOURCES) expect(none).not.toContain(id);
    // Half a location is no location.
    const half = existing(values({ WakeFunctionS3Bucket: WAKE_CODE.WakeFunctionS3Bucket }));
    expect(half).not.toContain('WakeFunction');
  });
});

describe('the wake function', () => {
  const props = (id: string): Loose => resolve(resources[id].Properties, values(WAKE_CODE));

  it('runs Node.js 22 from the code pr-env uploaded, and knows its stack by ID', () => {
    expect(props('WakeFunction')).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { S3Bucket: WAKE_CODE.WakeFunctionS3Bucket, S3Key: WAKE_CODE.WakeFunctionS3Key },
      Role: { 'Fn::GetAtt': ['WakeFunctionRole', 'Arn'] },
      Environment: {
        Variables: { STACK_ID: { Ref: 'AWS::StackId' }, APP_TARGET_GROUP: { Ref: 'TargetGroup' } },
      },
      // Into the environment's own log group, which goes with the stack.
      LoggingConfig: { LogGroup: { Ref: 'AppLogGroup' } },
    });
    expect(props('WakeFunction').Timeout).toBeLessThanOrEqual(30);
  });

  it('is the one target of a lambda target group, registered once the load balancer may invoke it', () => {
    expect(props('WakeTargetGroup')).toEqual({
      TargetType: 'lambda',
      Targets: [{ Id: { 'Fn::GetAtt': ['WakeFunction', 'Arn'] } }],
    });
    expect(resources.WakeTargetGroup.DependsOn).toBe('WakeFunctionPermission');
    expect(props('WakeFunctionPermission')).toEqual({
      FunctionName: { 'Fn::GetAtt': ['WakeFunction', 'Arn'] },
      Action: 'lambda:InvokeFunction',
      Principal: 'elasticloadbalancing.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });
});

describe('the wake function’s role reaches its own stack, cluster and log group only', () => {
  const role = (): Loose => resolve(resources.WakeFunctionRole.Properties, values(WAKE_CODE));

  it('is Lambda’s alone, with no managed policy', () => {
    expect(role().AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role().ManagedPolicyArns).toBeUndefined();
  });

  it('updates and reads this stack, by its ID, and writes to its log group', () => {
    const [policy] = role().Policies;
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackResources',
          'cloudformation:UpdateStack',
          'cloudformation:TagResource',
          'cloudformation:UntagResource',
        ],
        Resource: { Ref: 'AWS::StackId' },
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': ['AppLogGroup', 'Arn'] },
      },
      // Read-only, and without a resource to name: ELB's Describe actions take none.
      { Effect: 'Allow', Action: 'elasticloadbalancing:DescribeTargetHealth', Resource: '*' },
    ]);
    // The update runs as the stack's service role: passing a role is no right of the function.
    expect(JSON.stringify(role())).not.toContain('iam:');
  });

  it('starts this stack’s cluster and no other', () => {
    const policy = resolve(resources.WakeDatabasePolicy.Properties, values(WAKE_CODE)) as Loose;
    expect(policy.Roles).toEqual([{ Ref: 'WakeFunctionRole' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['rds:DescribeDBClusters', 'rds:StartDBCluster'],
        Resource: {
          'Fn::Sub':
            'arn:${AWS::Partition}:rds:${AWS::Region}:${AWS::AccountId}:cluster:${DBCluster}',
        },
      },
    ]);
  });

  it('has no other wildcard', () => {
    const text = JSON.stringify([role(), resources.WakeDatabasePolicy.Properties]).replace(
      '{"Effect":"Allow","Action":"elasticloadbalancing:DescribeTargetHealth","Resource":"*"}',
      '',
    );
    expect(text).not.toMatch(/"(Action|Resource)":"\*"/);
    expect(text).not.toMatch(/"[a-z0-9]+:\*"/);
  });
});

describe('each state is a valid template for CloudFormation', () => {
  let spec: CfnSpec;
  beforeAll(async () => {
    spec = await loadCfnSpec();
  });

  const SWITCHED = /"(Asleep|WakeFunctionS3Bucket|WakeFunctionS3Key|HasWakePage|ServesWakePage)"/;
  /**
   * The template as CloudFormation sees it in one state: the resources that state leaves out are
   * gone, and those the state changes (the listeners, the wake resources) are resolved with it.
   */
  function asDeployed(extra: Values): CfnTemplate {
    const vals = values({ ...extra, EnvironmentName: 'pr-env-shop-pr-7' });
    const kept = new Set(existing(vals));
    return {
      ...template,
      Resources: Object.fromEntries(
        Object.entries(template.Resources as Loose).flatMap(([id, resource]: [string, Loose]) => {
          if (!SWITCHED.test(JSON.stringify(resource))) return [[id, resource]];
          if (!kept.has(id)) return [];
          // Kept in this state: its condition is met, so it is dropped.
          const rest = { ...resource, Properties: resolve(resource.Properties ?? {}, vals) };
          delete rest.Condition;
          return [[id, rest]];
        }),
      ),
    } as CfnTemplate;
  }

  it.each([
    ['awake', { ...WAKE_CODE, Asleep: 'false' }],
    ['asleep', { ...WAKE_CODE, Asleep: 'true' }],
    ['asleep, with a certificate', { ...WAKE_CODE, ...CERTIFICATE, Asleep: 'true' }],
    ['asleep, without the wake page', { Asleep: 'true' }],
  ])('%s', (_name, extra) => {
    expect(validateTemplate(asDeployed(extra), spec)).toEqual([]);
  });

  it('the check can fail: a misspelt property of the wake page’s target group', () => {
    const broken = asDeployed({ ...WAKE_CODE, Asleep: 'true' }) as Loose;
    broken.Resources.WakeTargetGroup.Properties.Targts = [];
    expect(validateTemplate(broken, spec)).toEqual([
      expect.stringContaining('unknown property "Targts"'),
    ]);
  });
});
