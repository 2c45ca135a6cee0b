import {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DATA_PARAMETERS,
  dataParameters,
  pinnedClone,
  resolveData,
  stackDataSource,
  type DataRequest,
} from '../../../src/data/source.js';

const NOW = new Date('2026-11-22T03:10:00Z');
const rdsMock = mockClient(RDSClient);
const rds = new RDSClient({ region: 'us-east-1' });

const SNAPSHOT_ARN =
  'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:rds:prod-db-2026-11-22-03-00';

/** A stack made from a clone, as its parameters record it. */
const CLONE_STACK = {
  [DATA_PARAMETERS.snapshot]: '',
  [DATA_PARAMETERS.cloneSource]: 'prod-db',
  [DATA_PARAMETERS.cloneRestoreTime]: '2026-11-20T09:00:00Z',
  [DATA_PARAMETERS.cloneClusterName]: 'pr-env-shop-pr-7-20261120t0905',
  [DATA_PARAMETERS.engine]: 'aurora-postgresql',
  [DATA_PARAMETERS.engineVersion]: '16.4',
  [DATA_PARAMETERS.masterUsername]: 'postgres',
};
const SNAPSHOT_STACK = {
  [DATA_PARAMETERS.snapshot]: SNAPSHOT_ARN,
  [DATA_PARAMETERS.cloneSource]: '',
  [DATA_PARAMETERS.engine]: 'aurora-postgresql',
  [DATA_PARAMETERS.engineVersion]: '16.4',
  [DATA_PARAMETERS.masterUsername]: 'app_admin',
};

const request = (extra: Partial<DataRequest>): DataRequest => ({
  source: 'clone',
  cluster: 'prod-db',
  refresh: false,
  maxSnapshotAgeHours: 0,
  region: 'us-east-1',
  stackName: 'pr-env-shop-pr-7',
  now: NOW,
  // Clusters named by identifier are this account's: neither is asked.
  kms: () => Promise.reject(new Error('KMS is not asked about this account’s own data')),
  sts: () => Promise.reject(new Error('STS is not asked about a cluster named by identifier')),
  ...extra,
});

beforeEach(() => {
  rdsMock.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  rdsMock.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        DBClusterIdentifier: 'prod-db',
        DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:prod-db',
        Status: 'available',
        Engine: 'aurora-postgresql',
        EngineVersion: '16.6',
        MasterUsername: 'postgres',
        LatestRestorableTime: new Date('2026-11-22T03:05:00Z'),
        DBClusterMembers: [{ DBInstanceIdentifier: 'prod-db-1' }],
      },
    ],
  });
  rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
    DBClusterSnapshots: [
      {
        DBClusterSnapshotIdentifier: 'rds:prod-db-2026-11-22-03-00',
        DBClusterSnapshotArn: SNAPSHOT_ARN,
        DBClusterIdentifier: 'prod-db',
        Status: 'available',
        SnapshotCreateTime: new Date('2026-11-22T03:00:00Z'),
        Engine: 'aurora-postgresql',
        EngineVersion: '16.4',
        MasterUsername: 'app_admin',
      },
    ],
  });
});

describe('stackDataSource', () => {
  it('reads what the stack was made from off its parameters', () => {
    expect(stackDataSource(CLONE_STACK)).toBe('clone');
    expect(stackDataSource(SNAPSHOT_STACK)).toBe('snapshot');
    // A stack of the template before clones: it has only the snapshot.
    expect(stackDataSource({ DBSnapshotIdentifier: 'rds:x' })).toBe('snapshot');
    expect(stackDataSource(undefined)).toBeUndefined();
  });
});

describe('resolveData', () => {
  it('clones the source on create', async () => {
    const choice = await resolveData(rds, request({}));
    expect(choice).toMatchObject({
      kind: 'clone',
      clone: { source: 'prod-db', engineVersion: '16.6', how: 'new' },
    });
    expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand)).toHaveLength(0);
  });

  it('keeps the clone on every update, asking nothing of RDS (nor of production)', async () => {
    const choice = await resolveData(rds, request({ stackParameters: CLONE_STACK }));
    expect(choice).toEqual({ kind: 'clone', clone: pinnedClone(CLONE_STACK) });
    expect(dataParameters(choice)).toEqual(CLONE_STACK);
    expect(rdsMock.calls()).toHaveLength(0);
  });

  it('clones again, with a new cluster name, on refresh-data', async () => {
    const choice = await resolveData(rds, request({ stackParameters: CLONE_STACK, refresh: true }));
    expect(choice.kind === 'clone' && choice.clone).toMatchObject({
      how: 'new',
      clusterName: 'pr-env-shop-pr-7-20261122t031000',
    });
    expect(dataParameters(choice)[DATA_PARAMETERS.cloneClusterName]).not.toBe(
      CLONE_STACK[DATA_PARAMETERS.cloneClusterName],
    );
  });

  it('keeps a snapshot-made stack’s snapshot and user when data-source now says clone', async () => {
    const choice = await resolveData(rds, request({ stackParameters: SNAPSHOT_STACK }));
    expect(choice).toMatchObject({
      kind: 'snapshot',
      masterUsername: 'app_admin',
      snapshot: { arn: SNAPSHOT_ARN, source: 'pinned' },
    });
    expect(rdsMock.commandCalls(DescribeDBClustersCommand)).toHaveLength(0);
  });

  it('keeps a clone when data-source now says snapshot', async () => {
    const choice = await resolveData(
      rds,
      request({ source: 'snapshot', stackParameters: CLONE_STACK }),
    );
    expect(choice.kind).toBe('clone');
  });

  it('restores the newest snapshot, with its master user, with data-source snapshot', async () => {
    const choice = await resolveData(rds, request({ source: 'snapshot' }));
    expect(choice).toMatchObject({
      kind: 'snapshot',
      masterUsername: 'app_admin',
      snapshot: { identifier: 'rds:prod-db-2026-11-22-03-00', source: 'newest' },
    });
    expect(dataParameters(choice)).toEqual({
      ...SNAPSHOT_STACK,
      [DATA_PARAMETERS.cloneRestoreTime]: '',
      [DATA_PARAMETERS.cloneClusterName]: '',
    });
  });

  it('asks for the master user when a pinned snapshot is gone and the stack predates it', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({ DBClusterSnapshots: [] });
    await expect(
      resolveData(
        rds,
        request({ source: 'snapshot', stackParameters: { DBSnapshotIdentifier: SNAPSHOT_ARN } }),
      ),
    ).rejects.toThrow('pass it with "parameters: DBMasterUsername=<name>"');
  });
});
