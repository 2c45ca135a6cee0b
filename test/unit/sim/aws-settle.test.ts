// The simulator's timing options for realistic runs (issue 8's benchmark): the pause CloudFormation
// takes between an operation's last resource and the stack's own event (`stackSettleMs`), the
// spread of resource delays (`resourceDelayJitter`), and the caller's access key on each call.
import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsSimulator, type AwsSimulatorOptions, type StackEvent } from '../../sim/aws/index.js';
import { clientConfig } from '../../sim/aws/clients.js';

const TEMPLATE = JSON.stringify({
  Parameters: { Version: { Type: 'String' } },
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Version: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Type: 'String', Value: { Ref: 'Version' } },
    },
  },
});

let sim: AwsSimulator | undefined;
let cfn: CloudFormationClient | undefined;
afterEach(async () => {
  cfn?.destroy();
  await sim?.stop();
  sim = cfn = undefined;
});

async function start(options: AwsSimulatorOptions, accessKeyId = 'AKIDSETTLETEST') {
  sim = await AwsSimulator.start({ changeSetDelayMs: 5, ...options });
  cfn = new CloudFormationClient({
    ...clientConfig(sim),
    credentials: { accessKeyId, secretAccessKey: 'secret' },
  });
  return { sim, cfn };
}

/** Creates (or updates) stack `name` through a change set and returns once it is executing. */
async function deploy(
  client: CloudFormationClient,
  name: string,
  type: 'CREATE' | 'UPDATE',
  version: string,
) {
  const created = await client.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: `cs-${version}`,
      ChangeSetType: type,
      TemplateBody: TEMPLATE,
      Parameters: [{ ParameterKey: 'Version', ParameterValue: version }],
    }),
  );
  for (;;) {
    const cs = await client.send(new DescribeChangeSetCommand({ ChangeSetName: created.Id }));
    if (cs.Status === 'CREATE_COMPLETE') break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await client.send(
    new ExecuteChangeSetCommand({ ChangeSetName: created.Id, ClientRequestToken: `op-${version}` }),
  );
}

const at = (events: StackEvent[], logicalId: string, status: string) => {
  const event = events.find(
    (e) => e.LogicalResourceId === logicalId && e.ResourceStatus === status,
  );
  if (!event) throw new Error(`no ${logicalId} ${status} event`);
  return event.Timestamp.getTime();
};

describe('stackSettleMs', () => {
  it('is off by default: the stack event follows the last resource at once', async () => {
    const { sim, cfn } = await start({ resourceDelayMs: 20 });
    await deploy(cfn, 'quick', 'CREATE', 'v1');
    await sim.settled('quick');
    const events = sim.events('quick');
    const gap = at(events, 'quick', 'CREATE_COMPLETE') - at(events, 'Version', 'CREATE_COMPLETE');
    expect(gap).toBeLessThan(15);
  });

  it('holds the stack in progress between its last resource and its own event', async () => {
    const { sim, cfn } = await start({ resourceDelayMs: 20, stackSettleMs: 300 });
    await deploy(cfn, 'env', 'CREATE', 'v1');
    // Both resources done, the stack not yet.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const described = await cfn.send(new DescribeStacksCommand({ StackName: 'env' }));
    expect(described.Stacks?.[0]?.StackStatus).toBe('CREATE_IN_PROGRESS');
    await sim.settled('env');
    const created = sim.events('env');
    const createGap =
      at(created, 'env', 'CREATE_COMPLETE') -
      Math.max(at(created, 'Vpc', 'CREATE_COMPLETE'), at(created, 'Version', 'CREATE_COMPLETE'));
    expect(createGap).toBeGreaterThanOrEqual(290);
    expect(createGap).toBeLessThan(450);

    // An update pauses before its cleanup phase, a delete before DELETE_COMPLETE.
    await deploy(cfn, 'env', 'UPDATE', 'v2');
    await sim.settled('env');
    const updated = sim.events('env');
    const cleanup = updated.findLast(
      (e) => e.ResourceStatus === 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
    );
    const versionUpdated = updated.findLast(
      (e) => e.LogicalResourceId === 'Version' && e.ResourceStatus === 'UPDATE_COMPLETE',
    );
    expect(cleanup!.Timestamp.getTime() - versionUpdated!.Timestamp.getTime()).toBeGreaterThan(290);

    const stackId = sim.stack('env')!.stackId;
    await cfn.send(new DeleteStackCommand({ StackName: 'env' }));
    await sim.settled(stackId);
    const deleted = sim.events(stackId);
    expect(
      at(deleted, 'env', 'DELETE_COMPLETE') - at(deleted, 'Vpc', 'DELETE_COMPLETE'),
    ).toBeGreaterThanOrEqual(290);
  });

  it('draws each operation’s pause from a [min, max] range', async () => {
    const { sim, cfn } = await start({ resourceDelayMs: 5, stackSettleMs: [100, 200] });
    const gaps: number[] = [];
    for (const name of ['a', 'b', 'c', 'd']) {
      await deploy(cfn, name, 'CREATE', 'v1');
      await sim.settled(name);
      const events = sim.events(name);
      gaps.push(at(events, name, 'CREATE_COMPLETE') - at(events, 'Version', 'CREATE_COMPLETE'));
    }
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(95);
      expect(gap).toBeLessThan(300);
    }
  });

  it('lets a stopping simulator end a pausing operation without an error', async () => {
    const { sim, cfn } = await start({ resourceDelayMs: 5, stackSettleMs: 10_000 });
    await deploy(cfn, 'env', 'CREATE', 'v1');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sim.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(sim.stack('env')?.status).toBe('CREATE_IN_PROGRESS');
  });
});

describe('resourceDelayJitter', () => {
  it('spreads each resource step around its delay', async () => {
    const { sim, cfn } = await start({ resourceDelayMs: 100, resourceDelayJitter: 0.5 });
    const took: number[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) {
      await deploy(cfn, name, 'CREATE', 'v1');
      await sim.settled(name);
      const events = sim.events(name);
      const initiated = events.find(
        (e) =>
          e.LogicalResourceId === 'Vpc' && e.ResourceStatusReason === 'Resource creation Initiated',
      )!;
      took.push(at(events, 'Vpc', 'CREATE_COMPLETE') - initiated.Timestamp.getTime());
    }
    for (const ms of took) {
      expect(ms).toBeGreaterThanOrEqual(45);
      expect(ms).toBeLessThan(200);
    }
    // Six draws from 50–150 ms are not all the same.
    expect(Math.max(...took) - Math.min(...took)).toBeGreaterThan(5);
  });
});

describe('call records', () => {
  it("carry the caller's access key ID", async () => {
    const { sim, cfn } = await start({ resourceDelayMs: 5 }, 'AKIDCALLERONE');
    await cfn.send(new DescribeStacksCommand({})).catch(() => undefined);
    const other = new CloudFormationClient({
      ...clientConfig(sim),
      credentials: { accessKeyId: 'AKIDCALLERTWO', secretAccessKey: 'secret' },
    });
    await other.send(new DescribeStacksCommand({}));
    other.destroy();
    expect(sim.calls.map((c) => c.accessKeyId)).toEqual(['AKIDCALLERONE', 'AKIDCALLERTWO']);
  });
});
