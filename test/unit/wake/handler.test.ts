import {
  CloudFormationClient,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  UpdateStackCommand,
  type Stack,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeDBClustersCommand, RDSClient, StartDBClusterCommand } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { answerVisit } from '../../../src/wake/handler.js';
import {
  nextWakeStep,
  restoreCapacityUpdate,
  switchListenerUpdate,
} from '../../../src/wake/decide.js';

const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/pr-env-shop-pr-7/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ROLE = 'arn:aws:iam::123456789012:role/pr-env-setup-ServiceRole-1A2B';
const CLUSTER = 'pr-env-shop-pr-7-dbcluster-abc';
const NOW = new Date('2026-12-03T16:00:00Z');
const APP_GROUP =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/pr-env-Targe-1A2B/0123456789abcdef';
const ENV = { STACK_ID, APP_TARGET_GROUP: APP_GROUP, ENVIRONMENT_NAME: 'pr-env-shop-pr-7' };

function asleep(status: StackStatus = 'UPDATE_COMPLETE'): Stack {
  return {
    StackName: 'pr-env-shop-pr-7',
    StackId: STACK_ID,
    StackStatus: status,
    CreationTime: new Date('2026-12-01T00:00:00Z'),
    RoleARN: ROLE,
    Capabilities: ['CAPABILITY_IAM'],
    Parameters: [
      { ParameterKey: 'MinSize', ParameterValue: '0' },
      { ParameterKey: 'DesiredCapacity', ParameterValue: '0' },
      { ParameterKey: 'Asleep', ParameterValue: 'true' },
      { ParameterKey: 'AppVersion', ParameterValue: 'f'.repeat(40) },
    ],
    Tags: [
      { Key: 'pr-env:repository', Value: 'acme/shop' },
      { Key: 'pr-env:pull-request', Value: '7' },
      { Key: 'pr-env:state', Value: 'asleep' },
      { Key: 'pr-env:awake-capacity', Value: 'MinSize=1 DesiredCapacity=2' },
      { Key: 'pr-env:active-at', Value: '2026-12-02T10:00:00Z' },
    ],
  };
}

/** As the first wake update leaves it: capacity back, the listeners still on the page. */
function waking(status: StackStatus = 'UPDATE_COMPLETE'): Stack {
  const stack = asleep(status);
  stack.Parameters = stack.Parameters!.map((p) =>
    p.ParameterKey === 'MinSize'
      ? { ...p, ParameterValue: '1' }
      : p.ParameterKey === 'DesiredCapacity'
        ? { ...p, ParameterValue: '2' }
        : p,
  );
  stack.Tags = stack.Tags!.map((t) => (t.Key === 'pr-env:state' ? { ...t, Value: 'waking' } : t));
  return stack;
}

const cfn = mockClient(CloudFormationClient);
const rds = mockClient(RDSClient);
const elb = mockClient(ElasticLoadBalancingV2Client);
const clients = () => ({
  cfn: new CloudFormationClient({}),
  rds: new RDSClient({}),
  elb: new ElasticLoadBalancingV2Client({}),
});

function world(stack: Stack, clusterStatus: string, clusterStack = STACK_ID) {
  cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack] });
  cfn.on(DescribeStackResourcesCommand).resolves({
    StackResources: [
      {
        LogicalResourceId: 'DBCluster',
        ResourceType: 'AWS::RDS::DBCluster',
        PhysicalResourceId: CLUSTER,
        ResourceStatus: 'UPDATE_COMPLETE',
        Timestamp: NOW,
      },
    ],
  });
  rds.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: CLUSTER,
        Status: clusterStatus,
        TagList: [{ Key: 'aws:cloudformation:stack-id', Value: clusterStack }],
      },
    ],
  });
}

beforeEach(() => {
  cfn.reset();
  rds.reset();
  elb.reset();
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('a visit to a sleeping environment', () => {
  it('starts its stopped database, and answers the page instead of a 503', async () => {
    world(asleep(), 'stopped');
    rds.on(StartDBClusterCommand).resolves({});
    const answer = await answerVisit(clients(), ENV, NOW);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(answer.body).toContain(
      'This environment is asleep. Waking it up: ready in about 16 minutes',
    );
    expect(answer.body).toContain('<meta http-equiv="refresh" content="20">');
    expect(rds.commandCalls(StartDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: CLUSTER },
    ]);
    // The web tier waits for the database, as /pr-env wake does.
    expect(cfn.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });

  it('once the database is available, restores the capacity, the listeners still on the page', async () => {
    world(asleep(), 'available');
    cfn.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
    const answer = await answerVisit(clients(), ENV, NOW);
    expect(answer.body).toContain('ready in about 6 minutes');
    const [update] = cfn.commandCalls(UpdateStackCommand).map((c) => c.args[0].input);
    expect(update).toEqual(restoreCapacityUpdate(asleep(), NOW));
    expect(update).toEqual({
      StackName: STACK_ID,
      UsePreviousTemplate: true,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'MinSize', ParameterValue: '1' },
        { ParameterKey: 'DesiredCapacity', ParameterValue: '2' },
        // Still the page: until an instance is healthy, the app's group would answer 503.
        { ParameterKey: 'Asleep', UsePreviousValue: true },
        { ParameterKey: 'AppVersion', UsePreviousValue: true },
      ],
      Tags: [
        { Key: 'pr-env:repository', Value: 'acme/shop' },
        { Key: 'pr-env:pull-request', Value: '7' },
        { Key: 'pr-env:awake-capacity', Value: 'MinSize=1 DesiredCapacity=2' },
        { Key: 'pr-env:state', Value: 'waking' },
        { Key: 'pr-env:active-at', Value: '2026-12-03T16:00:00Z' },
        { Key: 'pr-env:woke-on-visit', Value: '2026-12-03T16:00:00Z' },
      ],
    });
    // The stack's own service role runs it: the function passes none (it may not pass roles).
    expect(update).not.toHaveProperty('RoleARN');
    expect(rds.commandCalls(StartDBClusterCommand)).toHaveLength(0);
    expect(elb.commandCalls(DescribeTargetHealthCommand)).toHaveLength(0);
  });

  it('waking, waits for a healthy instance in the app’s group, then turns the listeners back', async () => {
    world(waking(), 'available');
    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: 'i-0a' },
          TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress' },
        },
      ],
    });
    expect((await answerVisit(clients(), ENV, NOW)).body).toContain('ready in about 6 minutes');
    expect(cfn.commandCalls(UpdateStackCommand)).toHaveLength(0);
    expect(elb.commandCalls(DescribeTargetHealthCommand)[0]!.args[0].input).toEqual({
      TargetGroupArn: APP_GROUP,
    });

    elb.on(DescribeTargetHealthCommand).resolves({
      TargetHealthDescriptions: [
        { Target: { Id: 'i-0a' }, TargetHealth: { State: 'healthy' } },
        { Target: { Id: 'i-0b' }, TargetHealth: { State: 'initial' } },
      ],
    });
    cfn.on(UpdateStackCommand).resolves({ StackId: STACK_ID });
    expect((await answerVisit(clients(), ENV, NOW)).body).toContain('ready in about 1 minute<');
    const [update] = cfn.commandCalls(UpdateStackCommand).map((c) => c.args[0].input);
    expect(update).toEqual({
      StackName: STACK_ID,
      UsePreviousTemplate: true,
      Capabilities: ['CAPABILITY_IAM'],
      Parameters: [
        { ParameterKey: 'MinSize', UsePreviousValue: true },
        { ParameterKey: 'DesiredCapacity', UsePreviousValue: true },
        { ParameterKey: 'Asleep', ParameterValue: 'false' },
        { ParameterKey: 'AppVersion', UsePreviousValue: true },
      ],
      Tags: [
        { Key: 'pr-env:repository', Value: 'acme/shop' },
        { Key: 'pr-env:pull-request', Value: '7' },
        { Key: 'pr-env:active-at', Value: '2026-12-02T10:00:00Z' },
      ],
    });
    expect(rds.commandCalls(StartDBClusterCommand)).toHaveLength(0);
  });

  it('a burst of 20 visits makes one wake: one start, then one update; every visitor gets the page', async () => {
    world(asleep(), 'stopped');
    let starts = 0;
    rds.on(StartDBClusterCommand).callsFake(async () => {
      starts += 1;
      if (starts > 1) {
        throw Object.assign(new Error(`DbCluster ${CLUSTER} is in starting state.`), {
          name: 'InvalidDBClusterStateFault',
        });
      }
      return {};
    });
    const first = await Promise.all(
      Array.from({ length: 20 }, () => answerVisit(clients(), ENV, NOW)),
    );
    expect(first.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
    expect(starts).toBeGreaterThan(0);
    expect(cfn.commandCalls(UpdateStackCommand)).toHaveLength(0);
    const startsBefore = rds.commandCalls(StartDBClusterCommand).length;

    world(asleep(), 'available');
    let updates = 0;
    cfn.on(UpdateStackCommand).callsFake(async () => {
      updates += 1;
      if (updates > 1) {
        throw Object.assign(
          new Error(`Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`),
          { name: 'ValidationError' },
        );
      }
      return { StackId: STACK_ID };
    });
    const second = await Promise.all(
      Array.from({ length: 20 }, () => answerVisit(clients(), ENV, NOW)),
    );
    expect(second.every((a) => a.statusCode === 200 && a.body.includes('Waking it up'))).toBe(true);
    // No second start once the database is up; AWS accepted one start and one update, the rest
    // found them under way, and said nothing.
    expect(rds.commandCalls(StartDBClusterCommand)).toHaveLength(startsBefore);
    expect(updates).toBeGreaterThan(0);
    expect(console.error).not.toHaveBeenCalled();
  });

  it('does nothing while the stack is mid-update (the wake under way)', async () => {
    world(asleep('UPDATE_IN_PROGRESS'), 'available');
    const answer = await answerVisit(clients(), ENV, NOW);
    expect(answer.body).toContain('starting its web servers');
    expect(cfn.commandCalls(UpdateStackCommand)).toHaveLength(0);
  });

  it('never starts a cluster that is not its own stack’s', async () => {
    world(asleep(), 'stopped', STACK_ID.replace('pr-env-shop-pr-7', 'pr-env-shop-pr-8'));
    const answer = await answerVisit(clients(), ENV, NOW);
    expect(answer.statusCode).toBe(200);
    expect(rds.commandCalls(StartDBClusterCommand)).toHaveLength(0);
    expect(cfn.commandCalls(UpdateStackCommand)).toHaveLength(0);
    expect(console.error).toHaveBeenCalledWith(
      expect.stringMatching(/not stopped or started: its tags name the stack/),
    );
  });

  it('only ever names its own stack', async () => {
    world(asleep(), 'available');
    cfn.on(UpdateStackCommand).resolves({});
    await answerVisit(clients(), ENV, NOW);
    for (const call of cfn.calls()) {
      const input = call.args[0].input as { StackName?: string };
      expect(input.StackName).toBe(STACK_ID);
    }
  });

  it('a failure other than "under way" is logged, and the visitor still gets the page', async () => {
    world(asleep(), 'available');
    cfn
      .on(UpdateStackCommand)
      .rejects(Object.assign(new Error('Access denied'), { name: 'AccessDenied' }));
    const answer = await answerVisit(clients(), ENV, NOW);
    expect(answer.statusCode).toBe(200);
    expect(console.error).toHaveBeenCalledWith(
      `pr-env wake of "${STACK_ID}" failed: Access denied`,
    );
  });
});

describe('nextWakeStep', () => {
  const cluster = (status: string) => [{ id: CLUSTER, status }];
  const step = (stack: Stack, status: string, healthyTargets?: number) =>
    nextWakeStep({ stack, clusters: cluster(status), healthyTargets });

  it('leaves an awake environment be', () => {
    const awake = { ...asleep(), Tags: [] };
    expect(step(awake, 'stopped')).toEqual({ kind: 'awake' });
  });

  it('goes database first, then the capacity, then the listeners', () => {
    expect(step(asleep(), 'stopped')).toEqual({ kind: 'start-database', clusters: [CLUSTER] });
    expect(step(asleep(), 'starting')).toEqual({ kind: 'wait-database', statuses: ['starting'] });
    expect(step(asleep(), 'available')).toEqual({ kind: 'restore-capacity' });
    expect(step(asleep('UPDATE_IN_PROGRESS'), 'available')).toEqual({
      kind: 'busy',
      status: 'UPDATE_IN_PROGRESS',
    });
    expect(step(waking('UPDATE_IN_PROGRESS'), 'available', 1)).toEqual({
      kind: 'busy',
      status: 'UPDATE_IN_PROGRESS',
    });
    expect(step(waking(), 'available', 0)).toEqual({ kind: 'wait-instances' });
    expect(step(waking(), 'available')).toEqual({ kind: 'wait-instances' });
    expect(step(waking(), 'available', 1)).toEqual({ kind: 'switch-listener' });
  });

  it('without a remembered capacity, gives it back to the template’s defaults', () => {
    const stack = asleep();
    stack.Tags = stack.Tags!.filter((t) => t.Key !== 'pr-env:awake-capacity');
    expect(restoreCapacityUpdate(stack, NOW).Parameters).toEqual([
      { ParameterKey: 'Asleep', UsePreviousValue: true },
      { ParameterKey: 'AppVersion', UsePreviousValue: true },
    ]);
  });

  it('a stack without the Asleep parameter is not given one', () => {
    const stack = waking();
    stack.Parameters = stack.Parameters!.filter((p) => p.ParameterKey !== 'Asleep');
    expect(switchListenerUpdate(stack).Parameters).not.toContainEqual(
      expect.objectContaining({ ParameterKey: 'Asleep' }),
    );
  });
});
