import {
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { sdkClients } from '../../sim/aws/clients.js';

let sim: AwsSimulator;
let cfn: CloudFormationClient;

beforeAll(async () => {
  sim = await AwsSimulator.start({
    resourceDelayMs: 5,
    changeSetDelayMs: 5,
    quotas: { 'AWS::EC2::VPC': 2 },
  });
  cfn = sdkClients(sim).cloudformation;
});
afterAll(async () => {
  cfn.destroy();
  await sim.stop();
});

async function createStack(
  name: string,
  template: object,
  parameters: Record<string, string> = {},
) {
  const { StackId } = await cfn.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: 'c',
      ChangeSetType: 'CREATE',
      TemplateBody: JSON.stringify(template),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
    }),
  );
  await sim.settled(StackId);
  expect(
    (await cfn.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: 'c' }))).Status,
  ).toBe('CREATE_COMPLETE');
  await cfn.send(
    new ExecuteChangeSetCommand({
      StackName: name,
      ChangeSetName: 'c',
      ClientRequestToken: `${name}-create`,
    }),
  );
  await sim.settled(StackId);
  return StackId ?? '';
}

async function deleteStack(stackId: string) {
  await cfn.send(new DeleteStackCommand({ StackName: stackId, ClientRequestToken: 'delete' }));
  await sim.settled(stackId);
  return sim.stack(stackId);
}

const network = (withDependsOn: boolean) => ({
  Resources: {
    Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
    Igw: { Type: 'AWS::EC2::InternetGateway' },
    Attach: {
      Type: 'AWS::EC2::VPCGatewayAttachment',
      Properties: { VpcId: { Ref: 'Vpc' }, InternetGatewayId: { Ref: 'Igw' } },
    },
    NatEip: {
      Type: 'AWS::EC2::EIP',
      Properties: { Domain: 'vpc' },
      ...(withDependsOn ? { DependsOn: 'Attach' } : {}),
    },
  },
});

describe('VPC teardown', () => {
  it('fails to detach the gateway while an EIP without DependsOn is still mapped', async () => {
    const stackId = await createStack('net-bad', network(false));
    const stack = await deleteStack(stackId);
    expect(stack?.status).toBe('DELETE_FAILED');
    const failed = sim
      .events(stackId)
      .find((e) => e.ResourceStatus === 'DELETE_FAILED' && e.LogicalResourceId === 'Attach');
    expect(failed?.ResourceStatusReason).toMatch(
      /has some mapped public address\(es\)\. Please unmap those public address\(es\) before detaching the gateway\./,
    );
    // The EIP is gone by now, so a retry succeeds.
    expect((await deleteStack(stackId))?.status).toBe('DELETE_COMPLETE');
  });

  it('deletes cleanly when the EIP depends on the attachment', async () => {
    const stackId = await createStack('net-good', network(true));
    expect((await deleteStack(stackId))?.status).toBe('DELETE_COMPLETE');
  });
});

describe('quotas', () => {
  it('fails the VPC beyond the configured quota', async () => {
    const vpc = {
      Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } } },
    };
    await createStack('q1', vpc);
    await createStack('q2', vpc);
    const third = await createStack('q3', vpc);
    expect(sim.stack(third)?.status).toBe('ROLLBACK_COMPLETE');
    expect(
      sim.events(third).find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toContain('The maximum number of VPCs has been reached.');
  });
});

describe('Aurora restores', () => {
  it('refuses an engine that does not match the snapshot', async () => {
    sim.addSnapshot({
      cluster: 'prod',
      id: 'mysql-snap',
      engine: 'aurora-mysql',
      engineVersion: '8.0',
    });
    const stackId = await createStack('db', {
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBCluster',
          Properties: { Engine: 'aurora-postgresql', SnapshotIdentifier: 'mysql-snap' },
        },
      },
    });
    expect(sim.stack(stackId)?.status).toBe('ROLLBACK_COMPLETE');
    expect(
      sim.events(stackId).find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toContain("doesn't match the engine name of your snapshot (aurora-mysql)");
  });
});

describe('replacing custom-named resources', () => {
  it('fails the update and rolls back, as CloudFormation cannot reuse the name', async () => {
    sim.addSnapshot({ cluster: 'prod', id: 'pg-1', engine: 'aurora-postgresql' });
    sim.addSnapshot({ cluster: 'prod', id: 'pg-2', engine: 'aurora-postgresql' });
    const template = {
      Parameters: { Snapshot: { Type: 'String' } },
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBCluster',
          DeletionPolicy: 'Delete',
          UpdateReplacePolicy: 'Delete',
          Properties: {
            DBClusterIdentifier: 'pr-9-db',
            Engine: 'aurora-postgresql',
            SnapshotIdentifier: { Ref: 'Snapshot' },
          },
        },
      },
    };
    const stackId = await createStack('named', template, { Snapshot: 'pg-1' });
    expect(sim.cluster('pr-9-db')).toBeDefined();
    await cfn.send(
      new CreateChangeSetCommand({
        StackName: 'named',
        ChangeSetName: 'u',
        TemplateBody: JSON.stringify(template),
        Parameters: [{ ParameterKey: 'Snapshot', ParameterValue: 'pg-2' }],
      }),
    );
    await sim.settled(stackId);
    await cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'named',
        ChangeSetName: 'u',
        ClientRequestToken: 'u1',
      }),
    );
    await sim.settled(stackId);
    expect(sim.stack(stackId)?.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    const failure = sim.events(stackId).find((e) => e.ResourceStatus === 'UPDATE_FAILED');
    expect(failure?.ResourceStatusReason).toBe(
      'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename pr-9-db and update the stack again.',
    );
    expect(sim.stack(stackId)?.parameters).toEqual({ Snapshot: 'pg-1' });
  });
});
