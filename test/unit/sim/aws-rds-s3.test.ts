import {
  CreateChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  StartDBClusterCommand,
  StopDBClusterCommand,
  paginateDescribeDBClusterSnapshots,
  type DBClusterSnapshot,
  type RDSClient,
} from '@aws-sdk/client-rds';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { sdkClients } from '../../sim/aws/clients.js';

let sim: AwsSimulator;
let clients: { cloudformation: CloudFormationClient; rds: RDSClient; s3: S3Client };

beforeAll(async () => {
  sim = await AwsSimulator.start({
    resourceDelayMs: 5,
    changeSetDelayMs: 10,
    clusterTransitionMs: 30,
  });
  clients = sdkClients(sim);
});
afterAll(async () => {
  Object.values(clients).forEach((c) => c.destroy());
  await sim.stop();
});

describe('RDS cluster snapshots', () => {
  it('pages with Marker and filters by cluster and type', async () => {
    const day = 86_400_000;
    for (let i = 0; i < 45; i++) {
      sim.addSnapshot({
        cluster: 'prod',
        createdAt: new Date(Date.UTC(2026, 0, 1) + i * day),
        type: i % 5 === 0 ? 'manual' : 'automated',
        status: i === 44 ? 'creating' : 'available',
        engine: 'aurora-postgresql',
        engineVersion: '16.4',
      });
    }
    sim.addSnapshot({ cluster: 'other', id: 'other-1' });
    const pages: DBClusterSnapshot[][] = [];
    for await (const page of paginateDescribeDBClusterSnapshots(
      { client: clients.rds },
      { DBClusterIdentifier: 'prod', MaxRecords: 20 },
    )) {
      pages.push(page.DBClusterSnapshots ?? []);
    }
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    const all = pages.flat();
    expect(new Set(all.map((s) => s.DBClusterSnapshotIdentifier)).size).toBe(45);
    expect(all[1]).toMatchObject({
      DBClusterIdentifier: 'prod',
      DBClusterSnapshotIdentifier: 'rds:prod-2026-01-02-00-00',
      SnapshotType: 'automated',
      Status: 'available',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      SnapshotCreateTime: new Date(Date.UTC(2026, 0, 2)),
      DBClusterSnapshotArn:
        'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:prod-2026-01-02-00-00',
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    });
    expect(all.at(-1)?.Status).toBe('creating');

    const manual = await clients.rds.send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterIdentifier: 'prod',
        SnapshotType: 'manual',
      }),
    );
    expect(manual.DBClusterSnapshots).toHaveLength(9);
    expect(manual.Marker).toBeUndefined();
    const byArn = await clients.rds.send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterSnapshotIdentifier: all[0]?.DBClusterSnapshotArn,
      }),
    );
    expect(byArn.DBClusterSnapshots?.map((s) => s.DBClusterSnapshotIdentifier)).toEqual([
      all[0]?.DBClusterSnapshotIdentifier,
    ]);
    const unknownCluster = await clients.rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'nope' }),
    );
    expect(unknownCluster.DBClusterSnapshots).toEqual([]);
  });

  it('answers errors as RDS does', async () => {
    await expect(
      clients.rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'missing' }),
      ),
    ).rejects.toMatchObject({
      name: 'DBClusterSnapshotNotFoundFault',
      message: 'DBClusterSnapshot not found: missing',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      clients.rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'prod', MaxRecords: 10 }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Invalid value 10 for MaxRecords. Must be between 20 and 100',
    });
    await expect(
      clients.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'ghost' })),
    ).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
    });
  });

  it('stops and starts a cluster through its transitional states', async () => {
    sim.addCluster({ id: 'pr-5-db', engine: 'aurora-postgresql', engineVersion: '16.4' });
    const stopped = await clients.rds.send(
      new StopDBClusterCommand({ DBClusterIdentifier: 'pr-5-db' }),
    );
    expect(stopped.DBCluster).toMatchObject({
      DBClusterIdentifier: 'pr-5-db',
      Status: 'stopping',
      Port: 5432,
    });
    await expect(
      clients.rds.send(new StopDBClusterCommand({ DBClusterIdentifier: 'pr-5-db' })),
    ).rejects.toMatchObject({
      name: 'InvalidDBClusterStateFault',
    });
    await new Promise((r) => setTimeout(r, 60));
    const described = await clients.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: 'pr-5-db' }),
    );
    expect(described.DBClusters?.[0]?.Status).toBe('stopped');
    const started = await clients.rds.send(
      new StartDBClusterCommand({ DBClusterIdentifier: 'pr-5-db' }),
    );
    expect(started.DBCluster?.Status).toBe('starting');
    await new Promise((r) => setTimeout(r, 60));
    expect(sim.cluster('pr-5-db')?.status).toBe('available');
  });
});

describe('S3', () => {
  it('stores and serves objects, path style', async () => {
    await expect(
      clients.s3.send(new HeadBucketCommand({ Bucket: 'templates' })),
    ).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    sim.createBucket('templates');
    await clients.s3.send(new HeadBucketCommand({ Bucket: 'templates' }));
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: 'templates',
        Key: 'a/b.json',
        Body: '{"x":1}',
        ContentType: 'application/json',
      }),
    );
    const got = await clients.s3.send(
      new GetObjectCommand({ Bucket: 'templates', Key: 'a/b.json' }),
    );
    expect(await got.Body?.transformToString()).toBe('{"x":1}');
    expect(got.ContentType).toBe('application/json');
    const head = await clients.s3.send(
      new HeadObjectCommand({ Bucket: 'templates', Key: 'a/b.json' }),
    );
    expect(head.ContentLength).toBe(7);
    // A stream is uploaded with aws-chunked framing and a trailing checksum.
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: 'templates',
        Key: 'stream.txt',
        Body: Readable.from([Buffer.from('hello '), Buffer.from('world')]),
        ContentLength: 11,
      }),
    );
    expect(sim.getObject('templates', 'stream.txt')?.toString()).toBe('hello world');
    await expect(
      clients.s3.send(new GetObjectCommand({ Bucket: 'templates', Key: 'missing' })),
    ).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await expect(
      clients.s3.send(new PutObjectCommand({ Bucket: 'nobucket', Key: 'k', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});

describe('CloudFormation with S3 and RDS', () => {
  const template = JSON.stringify({
    Parameters: { Snapshot: { Type: 'String' } },
    Resources: {
      Db: {
        Type: 'AWS::RDS::DBCluster',
        Properties: { Engine: 'aurora-postgresql', SnapshotIdentifier: { Ref: 'Snapshot' } },
      },
    },
    Outputs: { Endpoint: { Value: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] } } },
  });

  async function createFromUrl(name: string, url: string, snapshot: string) {
    const { StackId } = await clients.cloudformation.send(
      new CreateChangeSetCommand({
        StackName: name,
        ChangeSetName: 'c1',
        ChangeSetType: 'CREATE',
        TemplateURL: url,
        Parameters: [{ ParameterKey: 'Snapshot', ParameterValue: snapshot }],
      }),
    );
    while (
      (
        await clients.cloudformation.send(
          new DescribeChangeSetCommand({ StackName: name, ChangeSetName: 'c1' }),
        )
      ).Status !== 'CREATE_COMPLETE'
    ) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await clients.cloudformation.send(
      new ExecuteChangeSetCommand({
        StackName: name,
        ChangeSetName: 'c1',
        ClientRequestToken: 'x',
      }),
    );
    await sim.settled(StackId);
    return sim.stack(StackId ?? '');
  }

  it('creates from a TemplateURL in the simulator or in an s3 URL form', async () => {
    sim.createBucket('cfn-templates');
    await clients.s3.send(
      new PutObjectCommand({ Bucket: 'cfn-templates', Key: 'pr/env.json', Body: template }),
    );
    const snapshot = sim.addSnapshot({ cluster: 'prod', id: 'prod-snap', type: 'manual' });
    const viaSim = await createFromUrl(
      'url-1',
      `${sim.url}/cfn-templates/pr/env.json`,
      snapshot.id,
    );
    expect(viaSim?.status).toBe('CREATE_COMPLETE');
    expect(viaSim?.outputs.Endpoint).toMatch(
      /\.cluster-[0-9a-f]{12}\.us-east-1\.rds\.amazonaws\.com$/,
    );
    const viaHost = await createFromUrl(
      'url-2',
      'https://cfn-templates.s3.us-east-1.amazonaws.com/pr/env.json',
      snapshot.arn,
    );
    expect(viaHost?.status).toBe('CREATE_COMPLETE');
    await expect(
      clients.cloudformation.send(
        new CreateChangeSetCommand({
          StackName: 'url-3',
          ChangeSetName: 'c',
          ChangeSetType: 'CREATE',
          TemplateURL: 'https://s3.amazonaws.com/cfn-templates/nope.json',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/^S3 error: The specified key does not exist\./),
    });
  });

  it('fails to restore from a missing snapshot and leaves a final snapshot on delete by default', async () => {
    const failed = await createFromUrl(
      'url-4',
      `${sim.url}/cfn-templates/pr/env.json`,
      'no-such-snapshot',
    );
    expect(failed?.status).toBe('ROLLBACK_COMPLETE');
    expect(
      sim.events('url-4').find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason,
    ).toMatch(
      /^Resource handler returned message: "DBClusterSnapshot not found: no-such-snapshot \(Service: Rds, Status Code: 404/,
    );
    const cluster = sim.stack('url-1')?.resources[0]?.physicalId ?? '';
    expect(sim.cluster(cluster)).toBeDefined();
    await clients.cloudformation.send(new DeleteStackCommand({ StackName: 'url-1' }));
    await sim.settled('url-1');
    expect(sim.cluster(cluster)).toBeUndefined();
    // DeletionPolicy defaults to Snapshot for AWS::RDS::DBCluster.
    expect(sim.snapshots(cluster)).toHaveLength(1);
    expect(sim.snapshots(cluster)[0]).toMatchObject({ type: 'manual', status: 'available' });
  });
});
