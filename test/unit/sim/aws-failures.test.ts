import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeEventsCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { sdkClients } from '../../sim/aws/clients.js';

const body = (resources: Record<string, unknown>, outputs: Record<string, unknown> = {}) =>
  JSON.stringify({
    Parameters: { Size: { Type: 'String', Default: 'small' } },
    Resources: resources,
    Outputs: outputs,
  });

const APP = body(
  {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Sg: {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: { GroupDescription: 'app', VpcId: { Ref: 'Vpc' } },
    },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { DelaySeconds: 0 } },
    Topic: { Type: 'AWS::SNS::Topic', Properties: { DisplayName: { Ref: 'Size' } } },
  },
  { Display: { Value: { 'Fn::GetAtt': ['Topic', 'TopicName'] } }, SgId: { Value: { Ref: 'Sg' } } },
);

let sim: AwsSimulator;
let cfn: CloudFormationClient;

beforeAll(async () => {
  sim = await AwsSimulator.start({ resourceDelayMs: 10, changeSetDelayMs: 10 });
  cfn = sdkClients(sim).cloudformation;
});
afterEach(() => sim.clearFaults());
afterAll(async () => {
  cfn.destroy();
  await sim.stop();
});

async function run(
  name: string,
  type: 'CREATE' | 'UPDATE',
  token: string,
  templateBody = APP,
  size = 'small',
) {
  const csName = `cs-${token}`;
  const { StackId } = await cfn.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: csName,
      ChangeSetType: type,
      TemplateBody: templateBody,
      Parameters: [{ ParameterKey: 'Size', ParameterValue: size }],
    }),
  );
  for (;;) {
    const cs = await cfn.send(
      new DescribeChangeSetCommand({ StackName: name, ChangeSetName: csName }),
    );
    if (cs.Status === 'CREATE_COMPLETE') break;
    if (cs.Status === 'FAILED') throw new Error(cs.StatusReason);
    await new Promise((r) => setTimeout(r, 5));
  }
  await cfn.send(
    new ExecuteChangeSetCommand({
      StackName: name,
      ChangeSetName: csName,
      ClientRequestToken: token,
    }),
  );
  await sim.settled(StackId);
  return StackId ?? '';
}

const eventsOf = (stackId: string, token: string) =>
  sim
    .events(stackId)
    .filter((e) => e.ClientRequestToken === token)
    .map(
      (e) =>
        `${e.LogicalResourceId} ${e.ResourceStatus}${e.ResourceStatusReason ? ` (${e.ResourceStatusReason})` : ''}`,
    );

describe('create failure', () => {
  it('cancels in-flight resources, rolls back and ends in ROLLBACK_COMPLETE', async () => {
    sim.failResource(
      'Sg',
      'Resource handler returned message: "The vpc ID \'vpc-1\' does not exist"',
    );
    sim.setResourceDelay('AWS::SQS::Queue', 150);
    const stackId = await run('fail-1', 'CREATE', 'create-1');
    sim.setResourceDelay('AWS::SQS::Queue', 10);
    const stack = sim.stack(stackId);
    expect(stack?.status).toBe('ROLLBACK_COMPLETE');
    const events = eventsOf(stackId, 'create-1');
    expect(events).toContain(
      'Sg CREATE_FAILED (Resource handler returned message: "The vpc ID \'vpc-1\' does not exist")',
    );
    expect(events).toContain('Queue CREATE_FAILED (Resource creation cancelled)');
    expect(events).toContain(
      'fail-1 ROLLBACK_IN_PROGRESS (The following resource(s) failed to create: [Sg, Queue]. Rollback requested by user.)',
    );
    expect(events.indexOf('Sg DELETE_COMPLETE')).toBeLessThan(
      events.indexOf('Vpc DELETE_COMPLETE'),
    );
    expect(events.at(-1)).toBe('fail-1 ROLLBACK_COMPLETE');
    // The root cause is the first failure; cancellations come after it.
    const failures = events.filter((e) => e.includes('_FAILED'));
    expect(failures[0]).toMatch(/^Sg CREATE_FAILED/);
    // The newer DescribeEvents API groups events by operation and can return only failures.
    const described = await cfn.send(
      new DescribeEventsCommand({ StackName: 'fail-1', Filters: { FailedEvents: true } }),
    );
    const failed = described.OperationEvents ?? [];
    expect(failed.at(-1)).toMatchObject({
      LogicalResourceId: 'Sg',
      ResourceStatus: 'CREATE_FAILED',
      EventType: 'PROVISIONING_ERROR',
      OperationType: 'CREATE_STACK',
      OperationStatus: 'FAILED',
      ClientRequestToken: 'create-1',
    });
    expect(failed.every((e) => e.ResourceStatus?.endsWith('_FAILED'))).toBe(true);
    const stacks = await cfn.send(new DescribeStacksCommand({ StackName: 'fail-1' }));
    expect(stacks.Stacks?.[0]?.LastOperations?.map((o) => o.OperationType)).toEqual([
      'ROLLBACK',
      'CREATE_STACK',
    ]);

    await expect(run('fail-1', 'UPDATE', 'again')).rejects.toThrow(
      `Stack:${stackId} is in ROLLBACK_COMPLETE state and can not be updated.`,
    );
    await cfn.send(new DeleteStackCommand({ StackName: 'fail-1', ClientRequestToken: 'del' }));
    await sim.settled(stackId);
    expect(sim.stack(stackId)?.status).toBe('DELETE_COMPLETE');
    const recreated = await run('fail-1', 'CREATE', 'create-2');
    expect(recreated).not.toBe(stackId);
    expect(sim.stack('fail-1')?.status).toBe('CREATE_COMPLETE');
  });

  it('rejects mutations while an operation is in progress', async () => {
    sim.setResourceDelay('Queue', 300);
    const { StackId } = await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'busy',
        ChangeSetName: 'c1',
        ChangeSetType: 'CREATE',
        TemplateBody: APP,
      }),
    );
    await new Promise((r) => setTimeout(r, 30));
    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'busy',
        ChangeSetName: 'c1',
        ClientRequestToken: 't',
      }),
    );
    await expect(
      cfn.send(
        new CreateChangeSetCommand({ StackName: 'busy', ChangeSetName: 'c2', TemplateBody: APP }),
      ),
    ).rejects.toThrow(`Stack:${StackId} is in CREATE_IN_PROGRESS state and can not be updated.`);
    await expect(cfn.send(new DeleteStackCommand({ StackName: 'busy' }))).rejects.toThrow(
      `Stack [${StackId}] cannot be deleted while in status CREATE_IN_PROGRESS`,
    );
    sim.setResourceDelay('Queue', 10);
    await sim.settled('busy');
    expect(sim.stack('busy')?.status).toBe('CREATE_COMPLETE');
  });
});

describe('update failure', () => {
  it('rolls back to the previous state and outputs', async () => {
    const stackId = await run('upd', 'CREATE', 'c');
    const before = sim.stack(stackId);
    sim.failResource('Topic', 'Invalid parameter: DisplayName', { operation: 'update' });
    await run('upd', 'UPDATE', 'u1', APP, 'large');
    const events = eventsOf(stackId, 'u1');
    expect(events).toEqual([
      'upd UPDATE_IN_PROGRESS (User Initiated)',
      'Topic UPDATE_IN_PROGRESS',
      'Topic UPDATE_FAILED (Invalid parameter: DisplayName)',
      'upd UPDATE_ROLLBACK_IN_PROGRESS (The following resource(s) failed to update: [Topic]. )',
      'Topic UPDATE_IN_PROGRESS',
      'Topic UPDATE_COMPLETE',
      'upd UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'upd UPDATE_ROLLBACK_COMPLETE',
    ]);
    const after = sim.stack(stackId);
    expect(after?.parameters).toEqual({ Size: 'small' });
    expect(after?.outputs).toEqual(before?.outputs);
    // UPDATE_ROLLBACK_COMPLETE is updatable.
    await run('upd', 'UPDATE', 'u2', APP, 'large');
    expect(sim.stack(stackId)?.status).toBe('UPDATE_COMPLETE');
  });

  it('can end in UPDATE_ROLLBACK_FAILED, from which ContinueUpdateRollback recovers', async () => {
    const stackId = await run('urf', 'CREATE', 'c');
    sim.failResource('Topic', 'Rate exceeded', { operation: 'update', rollbackFails: true });
    await run('urf', 'UPDATE', 'u1', APP, 'large');
    expect(sim.stack(stackId)).toMatchObject({
      status: 'UPDATE_ROLLBACK_FAILED',
      statusReason: 'The following resource(s) failed to update: [Topic]. ',
    });
    await cfn.send(
      new ContinueUpdateRollbackCommand({ StackName: 'urf', ClientRequestToken: 'cont' }),
    );
    await sim.settled(stackId);
    expect(sim.stack(stackId)?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(eventsOf(stackId, 'cont').at(-1)).toBe('urf UPDATE_ROLLBACK_COMPLETE');
  });
});

describe('delete failure', () => {
  it('ends in DELETE_FAILED; a retry can retain the stuck resource', async () => {
    const stackId = await run('del', 'CREATE', 'c');
    sim.failResource('Vpc', "The vpc 'vpc-1' has dependencies and cannot be deleted.", {
      operation: 'delete',
      times: 1,
    });
    await cfn.send(new DeleteStackCommand({ StackName: 'del', ClientRequestToken: 'd1' }));
    await sim.settled(stackId);
    const failed = await cfn.send(new DescribeStacksCommand({ StackName: 'del' }));
    expect(failed.Stacks?.[0]).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: 'The following resource(s) failed to delete: [Vpc]. ',
    });
    await expect(
      cfn.send(new DeleteStackCommand({ StackName: 'nope', RetainResources: ['X'] })),
    ).resolves.toBeDefined();
    await cfn.send(
      new DeleteStackCommand({
        StackName: 'del',
        ClientRequestToken: 'd2',
        RetainResources: ['Vpc'],
      }),
    );
    await sim.settled(stackId);
    expect(eventsOf(stackId, 'd2')).toEqual([
      'del DELETE_IN_PROGRESS (User Initiated)',
      'Vpc DELETE_SKIPPED',
      'del DELETE_COMPLETE',
    ]);
  });
});

describe('seeded stacks', () => {
  it('places stacks in recovery states and settles in-progress ones', async () => {
    sim.seedStack({
      name: 'rb',
      status: 'ROLLBACK_COMPLETE',
      tags: { pr: '9' },
      parameters: { Env: 'x' },
    });
    const review = sim.seedStack({ name: 'review', status: 'REVIEW_IN_PROGRESS' });
    sim.seedStack({ name: 'stuck', status: 'UPDATE_ROLLBACK_FAILED', templateBody: APP });
    sim.seedStack({
      name: 'busy-seed',
      status: 'UPDATE_IN_PROGRESS',
      settleAfterMs: 250,
      clientRequestToken: 'someone-else',
    });
    const describe = async (name: string) =>
      (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    expect((await describe('busy-seed'))?.StackStatus).toBe('UPDATE_IN_PROGRESS');
    expect(await describe('rb')).toMatchObject({
      StackStatus: 'ROLLBACK_COMPLETE',
      Tags: [{ Key: 'pr', Value: '9' }],
    });
    expect((await describe('stuck'))?.StackStatusReason).toBe(
      'The following resource(s) failed to update: [Vpc]. ',
    );
    await sim.settled('busy-seed');
    const events = await cfn.send(new DescribeStackEventsCommand({ StackName: 'busy-seed' }));
    expect(events.StackEvents?.[0]).toMatchObject({
      ResourceStatus: 'UPDATE_COMPLETE',
      ClientRequestToken: 'someone-else',
    });

    await cfn.send(new DeleteStackCommand({ StackName: 'review' }));
    await cfn.send(new ContinueUpdateRollbackCommand({ StackName: 'stuck' }));
    await sim.settled();
    expect(sim.stack('review')).toBeUndefined();
    expect(sim.stack(review.stackId)?.status).toBe('DELETE_COMPLETE');
    expect(sim.stack('stuck')?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  });
});
