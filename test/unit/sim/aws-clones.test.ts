/**
 * The simulator's Aurora clones (a DBCluster with SourceDBClusterIdentifier and RestoreType
 * copy-on-write), DescribeDBClusters' clone groups and fields, and DescribeStackResource's resolved
 * Metadata: what data-source clone and the progress feed rely on.
 */
import {
  CreateChangeSetCommand,
  DescribeStackResourceCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, type RDSClient } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { sdkClients } from '../../sim/aws/clients.js';

let sim: AwsSimulator;
let cfn: CloudFormationClient;
let rds: RDSClient;

beforeAll(async () => {
  sim = await AwsSimulator.start({ resourceDelayMs: 5, changeSetDelayMs: 5 });
  ({ cloudformation: cfn, rds } = sdkClients(sim));
});
afterAll(async () => {
  cfn.destroy();
  rds.destroy();
  await sim.stop();
});

async function createStack(name: string, template: object): Promise<string> {
  const { StackId } = await cfn.send(
    new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: 'c',
      ChangeSetType: 'CREATE',
      TemplateBody: JSON.stringify(template),
    }),
  );
  await sim.settled(StackId);
  await cfn.send(
    new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: 'c', ClientRequestToken: name }),
  );
  await sim.settled(StackId);
  return StackId ?? '';
}

const cloneOf = (source: string, name: string) => ({
  Resources: {
    Db: {
      Type: 'AWS::RDS::DBCluster',
      DeletionPolicy: 'Delete',
      Properties: {
        SourceDBClusterIdentifier: source,
        RestoreType: 'copy-on-write',
        UseLatestRestorableTime: true,
        DBClusterIdentifier: name,
        Engine: 'aurora-postgresql',
      },
    },
    Writer: {
      Type: 'AWS::RDS::DBInstance',
      Properties: {
        DBClusterIdentifier: { Ref: 'Db' },
        DBInstanceClass: 'db.t4g.medium',
        Engine: 'aurora-postgresql',
      },
    },
  },
});

describe('Aurora copy-on-write clones', () => {
  it('clones an available cluster into its clone group, with its engine and master user', async () => {
    sim.addCluster({ id: 'prod-db', engineVersion: '16.6', masterUsername: 'app_admin' });
    const stackId = await createStack('clone-ok', cloneOf('prod-db', 'pr-7-20261122t0310'));
    expect(sim.stack(stackId)?.status).toBe('CREATE_COMPLETE');
    const { DBClusters = [] } = await rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'pr-7-20261122t0310' }),
    );
    const [clone] = DBClusters;
    const source = sim.cluster('prod-db')!;
    expect(clone).toMatchObject({
      DBClusterIdentifier: 'pr-7-20261122t0310',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.6',
      MasterUsername: 'app_admin',
      CloneGroupId: source.cloneGroupId,
      DBClusterMembers: [expect.objectContaining({ IsClusterWriter: true })],
    });
    expect(clone?.LatestRestorableTime).toBeInstanceOf(Date);
    expect(source.cloneGroupId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists a clone group with the clone-group-id filter, and refuses unknown filters', async () => {
    const group = sim.cluster('prod-db')!.cloneGroupId!;
    const { DBClusters = [] } = await rds.send(
      new DescribeDBClustersCommand({ Filters: [{ Name: 'clone-group-id', Values: [group] }] }),
    );
    expect(DBClusters.map((c) => c.DBClusterIdentifier).sort()).toEqual([
      'pr-7-20261122t0310',
      'prod-db',
    ]);
    await expect(
      rds.send(new DescribeDBClustersCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
    ).rejects.toThrow('Unrecognized filter name: colour.');
  });

  it('refuses a source that is not available, as RDS does, and rolls back', async () => {
    sim.addCluster({ id: 'stopped-db', status: 'stopped' });
    const stackId = await createStack('clone-stopped', cloneOf('stopped-db', 'pr-8-x'));
    expect(sim.stack(stackId)?.status).toBe('ROLLBACK_COMPLETE');
    expect(
      sim.events(stackId).find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toContain(
      'DbCluster stopped-db is in stopped state but expected it to be one of available. (Service: Rds, Status Code: 400',
    );
    expect(sim.cluster('pr-8-x')).toBeUndefined();
    expect(sim.cluster('stopped-db')?.cloneGroupId).toBeUndefined();
  });

  it('refuses a source that does not exist', async () => {
    const stackId = await createStack('clone-missing', cloneOf('no-such-db', 'pr-9-x'));
    expect(
      sim.events(stackId).find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toContain('DBCluster no-such-db not found. (Service: Rds, Status Code: 404');
  });
});

describe('DescribeStackResource', () => {
  it('answers a resource with its Metadata, references resolved', async () => {
    const stackId = await createStack('meta', {
      Resources: {
        Lb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Properties: { Subnets: ['subnet-1', 'subnet-2'] },
        },
        Listener: {
          Type: 'AWS::ElasticLoadBalancingV2::Listener',
          Metadata: { 'pr-env:url': { 'Fn::Sub': 'http://${Lb.DNSName}' } },
          Properties: { LoadBalancerArn: { Ref: 'Lb' }, Port: 80, Protocol: 'HTTP' },
        },
      },
    });
    const { StackResourceDetail } = await cfn.send(
      new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: 'Listener' }),
    );
    expect(StackResourceDetail?.ResourceStatus).toBe('CREATE_COMPLETE');
    expect(JSON.parse(StackResourceDetail?.Metadata ?? '{}')).toEqual({
      'pr-env:url': expect.stringMatching(/^http:\/\/.+\.us-east-1\.elb\.amazonaws\.com$/),
    });
    await expect(
      cfn.send(new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: 'Nope' })),
    ).rejects.toThrow('Resource Nope does not exist for stack meta');
  });
});
