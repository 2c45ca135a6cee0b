import {
  DBClusterNotFoundFault,
  DescribeDBClustersCommand,
  RDSClient,
  type DBCluster,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AURORA_CLONE_LIMIT,
  cloneClusterName,
  clonesOf,
  cloneSourceProblem,
  resolveNewClone,
} from '../../../src/data/clone.js';

const REGION = 'eu-west-1';
const NOW = new Date('2026-11-22T03:10:42Z');
const RESTORABLE = new Date('2026-11-22T03:05:00Z');

function cluster(extra: Partial<DBCluster> = {}): DBCluster {
  return {
    DBClusterIdentifier: 'prod-db',
    DBClusterArn: `arn:aws:rds:${REGION}:123456789012:cluster:prod-db`,
    Status: 'available',
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    MasterUsername: 'app_admin',
    LatestRestorableTime: RESTORABLE,
    DBClusterMembers: [{ DBInstanceIdentifier: 'prod-db-1', IsClusterWriter: true }],
    ...extra,
  };
}

describe('cloneSourceProblem', () => {
  it('accepts an available Aurora cluster with an instance, in the region', () => {
    expect(cloneSourceProblem(cluster(), REGION)).toBeUndefined();
  });

  it.each([
    [
      'another region',
      { DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:prod-db' },
      'cluster "prod-db" is in us-east-1, and Aurora clones only within a region (this run deploys to eu-west-1)',
    ],
    [
      'not Aurora',
      { Engine: 'postgres' },
      'cluster "prod-db" is not an Aurora cluster (engine postgres): only Aurora clusters can be cloned copy-on-write',
    ],
    [
      'stopped',
      { Status: 'stopped' },
      'cluster "prod-db" is "stopped": a clone needs it "available"',
    ],
    [
      'without an instance',
      { DBClusterMembers: [] },
      'cluster "prod-db" has no DB instance: Aurora clones a cluster only while it has one',
    ],
  ] as Array<[string, Partial<DBCluster>, string]>)('refuses a source %s', (_what, extra, why) => {
    expect(cloneSourceProblem(cluster(extra), REGION)).toBe(why);
  });
});

describe('clonesOf', () => {
  it('counts the clone group but its first copy; a cluster never cloned has none', () => {
    const source = cluster({ CloneGroupId: 'g-1' });
    const group = [
      source,
      cluster({ DBClusterIdentifier: 'a', CloneGroupId: 'g-1' }),
      cluster({ DBClusterIdentifier: 'b', CloneGroupId: 'g-1' }),
      cluster({ DBClusterIdentifier: 'other', CloneGroupId: 'g-2' }),
    ];
    expect(clonesOf(source, group)).toBe(2);
    expect(clonesOf(cluster(), group)).toBe(0);
  });
});

describe('cloneClusterName', () => {
  it('is the stack and the time, in lower case', () => {
    expect(cloneClusterName('pr-env-Shop-pr-7', NOW)).toBe('pr-env-shop-pr-7-20261122t031042');
  });

  it('fits RDS’s 63 characters with a hash of a long stack name, and is valid', () => {
    const long = `pr-env-${'x'.repeat(100)}-pr-12345`;
    const name = cloneClusterName(long, NOW);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z](-?[a-z0-9])*$/);
    expect(name.endsWith('-20261122t031042')).toBe(true);
    expect(cloneClusterName(`${long}-b`, NOW)).not.toBe(name);
  });

  it('changes with the time: a refresh gets a new cluster', () => {
    expect(cloneClusterName('pr-env-shop-pr-7', new Date('2026-11-25T14:10:00Z'))).not.toBe(
      cloneClusterName('pr-env-shop-pr-7', NOW),
    );
  });
});

describe('resolveNewClone', () => {
  const rdsMock = mockClient(RDSClient);
  const rds = new RDSClient({ region: REGION });
  const request = { source: 'prod-db', region: REGION, stackName: 'pr-env-shop-pr-7', now: NOW };
  let warnings: string[];

  beforeEach(() => {
    rdsMock.reset();
    warnings = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      if (String(chunk).startsWith('::warning')) warnings.push(String(chunk));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('describes the source, and nothing else when it has never been cloned', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster()] });
    await expect(resolveNewClone(rds, request)).resolves.toEqual({
      source: 'prod-db',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      masterUsername: 'app_admin',
      restoreTime: RESTORABLE,
      clusterName: 'pr-env-shop-pr-7-20261122t031042',
      how: 'new',
    });
    expect(rdsMock.calls()).toHaveLength(1);
    expect(rdsMock.commandCalls(DescribeDBClustersCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'prod-db',
    });
  });

  it('counts the clone group, page by page, with the clone-group-id filter', async () => {
    const source = cluster({ CloneGroupId: 'g-1' });
    rdsMock
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'prod-db' })
      .resolves({ DBClusters: [source] })
      .on(DescribeDBClustersCommand, { Marker: undefined, MaxRecords: 100 })
      .resolves({ DBClusters: [source, cluster({ CloneGroupId: 'g-1' })], Marker: 'next' })
      .on(DescribeDBClustersCommand, { Marker: 'next' })
      .resolves({ DBClusters: [cluster({ CloneGroupId: 'g-1' })] });
    await expect(resolveNewClone(rds, request)).resolves.toMatchObject({ source: 'prod-db' });
    const listed = rdsMock.commandCalls(DescribeDBClustersCommand).slice(1);
    expect(listed.map((c) => c.args[0].input)).toEqual([
      {
        Filters: [{ Name: 'clone-group-id', Values: ['g-1'] }],
        MaxRecords: 100,
        Marker: undefined,
      },
      { Filters: [{ Name: 'clone-group-id', Values: ['g-1'] }], MaxRecords: 100, Marker: 'next' },
    ]);
  });

  it(`refuses a source whose group holds ${AURORA_CLONE_LIMIT} clones already`, async () => {
    const source = cluster({ CloneGroupId: 'g-1' });
    const clones = Array.from({ length: AURORA_CLONE_LIMIT }, (_, i) =>
      cluster({ DBClusterIdentifier: `c${i}`, CloneGroupId: 'g-1' }),
    );
    rdsMock
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'prod-db' })
      .resolves({ DBClusters: [source] })
      .on(DescribeDBClustersCommand, { MaxRecords: 100 })
      .resolves({ DBClusters: [source, ...clones] });
    await expect(resolveNewClone(rds, request)).rejects.toThrow(
      `Cannot clone "prod-db" (source-db-cluster): its clone group already holds 15 copy-on-write clones, Aurora's limit (15)`,
    );
  });

  it('goes on with a warning when the clone group cannot be counted', async () => {
    rdsMock
      .on(DescribeDBClustersCommand, { DBClusterIdentifier: 'prod-db' })
      .resolves({ DBClusters: [cluster({ CloneGroupId: 'g-1' })] })
      .on(DescribeDBClustersCommand, { MaxRecords: 100 })
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    await expect(resolveNewClone(rds, request)).resolves.toMatchObject({ how: 'new' });
    expect(warnings.join('')).toContain('could not count the clones of "prod-db"');
  });

  it('never names a refreshed clone like the one it replaces (that would keep the old cluster)', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [cluster()] });
    const same = cloneClusterName(request.stackName, NOW);
    const clone = await resolveNewClone(rds, { ...request, replacing: same });
    expect(clone.clusterName).not.toBe(same);
    expect(clone.clusterName).toBe('pr-env-shop-pr-7-20261122t031043');
  });

  it('refuses a missing source, naming the input and the region', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .rejects(
        new DBClusterNotFoundFault({ message: 'DBCluster prod-db not found.', $metadata: {} }),
      );
    await expect(resolveNewClone(rds, request)).rejects.toThrow(
      'Cannot clone "prod-db" (source-db-cluster): there is no such DB cluster in eu-west-1',
    );
  });

  it('refuses a source that is not available', async () => {
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolves({ DBClusters: [cluster({ Status: 'backing-up' })] });
    await expect(resolveNewClone(rds, request)).rejects.toThrow(
      'Cannot clone "prod-db" (source-db-cluster): cluster "prod-db" is "backing-up": a clone needs it "available"',
    );
  });

  it('refuses an ARN of another region without a call', async () => {
    await expect(
      resolveNewClone(rds, {
        ...request,
        source: 'arn:aws:rds:us-east-1:123456789012:cluster:prod-db',
      }),
    ).rejects.toThrow('it is in us-east-1, and Aurora clones only within a region');
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('needs source-db-cluster', async () => {
    await expect(resolveNewClone(rds, { ...request, source: undefined })).rejects.toThrow(
      '"source-db-cluster" is required with "data-source: clone"',
    );
  });
});
