import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  type DBClusterSnapshot,
} from '@aws-sdk/client-rds';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveSnapshot } from '../../../src/data/snapshot.js';
import {
  checkSharedKey,
  foreignAccount,
  keyProblem,
  parseRdsArn,
  snapshotsOfCluster,
} from '../../../src/data/shared.js';

const NOW = new Date('2026-02-01T12:00:00Z');
const HOUR = 3_600_000;
const SANDBOX = '123456789012';
const PRODUCTION = '111122223333';
const PRODUCTION_CLUSTER = `arn:aws:rds:eu-west-1:${PRODUCTION}:cluster:prod`;
const KEY = `arn:aws:kms:eu-west-1:${PRODUCTION}:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

const rdsMock = mockClient(RDSClient);
const kmsMock = mockClient(KMSClient);
const stsMock = mockClient(STSClient);
const rds = new RDSClient({ region: 'eu-west-1' });
const kms = async () => new KMSClient({ region: 'eu-west-1' });
const sts = async () => new STSClient({ region: 'eu-west-1' });

function shared(
  id: string,
  hoursAgo: number,
  extra: Partial<DBClusterSnapshot> & { account?: string } = {},
): DBClusterSnapshot {
  const { account = PRODUCTION, ...rest } = extra;
  return {
    DBClusterSnapshotIdentifier: id,
    DBClusterSnapshotArn: `arn:aws:rds:eu-west-1:${account}:cluster-snapshot:${id}`,
    DBClusterIdentifier: 'prod',
    Status: 'available',
    SnapshotCreateTime: new Date(NOW.getTime() - hoursAgo * HOUR),
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    MasterUsername: 'postgres',
    SnapshotType: 'shared',
    StorageEncrypted: true,
    KmsKeyId: KEY,
    ...rest,
  };
}

const request = {
  cluster: PRODUCTION_CLUSTER,
  refresh: false,
  maxAgeHours: 0,
  now: NOW,
  sharedBy: PRODUCTION,
  kms,
};

beforeEach(() => {
  rdsMock.reset();
  kmsMock.reset();
  stsMock.reset();
  kmsMock
    .on(DescribeKeyCommand)
    .resolves({ KeyMetadata: { KeyId: 'k', KeyManager: 'CUSTOMER', KeyState: 'Enabled' } });
});

describe('parseRdsArn / snapshotsOfCluster', () => {
  it('reads the account and name out of an RDS ARN, and nothing out of an identifier', () => {
    expect(parseRdsArn(PRODUCTION_CLUSTER)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: PRODUCTION,
      kind: 'cluster',
      name: 'prod',
    });
    expect(parseRdsArn('prod')).toBeUndefined();
  });

  it('keeps, for a cluster named by ARN, only the snapshots whose ARN names its account', () => {
    const snapshots = [
      shared('of-production', 3),
      shared('same-name-third-account', 1, { account: '444455556666' }),
      shared('same-name-this-account', 1, { account: SANDBOX }),
      shared('another-cluster', 1, { DBClusterIdentifier: 'staging' }),
    ];
    expect(
      snapshotsOfCluster(snapshots, PRODUCTION_CLUSTER).map((s) => s.DBClusterSnapshotIdentifier),
    ).toEqual(['of-production']);
    // By identifier, the account is this one's by construction: the name decides.
    expect(snapshotsOfCluster(snapshots, 'PROD')).toHaveLength(3);
  });
});

describe('foreignAccount', () => {
  it('is the ARN’s account when it is not this one', async () => {
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: SANDBOX });
    expect(await foreignAccount(sts, PRODUCTION_CLUSTER)).toBe(PRODUCTION);
    expect(
      await foreignAccount(sts, `arn:aws:rds:eu-west-1:${SANDBOX}:cluster:prod`),
    ).toBeUndefined();
  });

  it('never asks STS about a cluster named by identifier', async () => {
    expect(await foreignAccount(sts, 'prod')).toBeUndefined();
    expect(await foreignAccount(sts, undefined)).toBeUndefined();
    expect(stsMock.calls()).toHaveLength(0);
  });
});

describe('resolveSnapshot of production in another account', () => {
  it('picks the newest available snapshot production shares, across every page', async () => {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'shared', Marker: undefined })
      .resolves({
        DBClusterSnapshots: [shared('old', 30), shared('copying', 0.5, { Status: 'copying' })],
        Marker: 'page-2',
      })
      .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'shared', Marker: 'page-2' })
      .resolves({
        DBClusterSnapshots: [
          shared('newest-available', 4),
          shared('third-account-newer', 1, { account: '444455556666' }),
          shared('other-cluster-newer', 1, { DBClusterIdentifier: 'billing' }),
        ],
      });
    const choice = await resolveSnapshot(rds, request);
    expect(choice).toMatchObject({
      identifier: 'newest-available',
      sharedBy: PRODUCTION,
      source: 'newest',
    });
    const calls = rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { SnapshotType: 'shared', IncludeShared: true, MaxRecords: 100, Marker: undefined },
      { SnapshotType: 'shared', IncludeShared: true, MaxRecords: 100, Marker: 'page-2' },
    ]);
    // This account's snapshots of a same-named cluster are not even listed.
    expect(calls.some((c) => c.args[0].input.DBClusterIdentifier)).toBe(false);
    expect(kmsMock.commandCalls(DescribeKeyCommand)[0]?.args[0].input).toEqual({ KeyId: KEY });
  });

  it('says what production must do when it shares no snapshot of the cluster', async () => {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .resolves({ DBClusterSnapshots: [shared('x', 1, { account: '444455556666' })] });
    await expect(resolveSnapshot(rds, request)).rejects.toThrow(
      /account 111122223333 shares none of its snapshots with this account \(1 shared snapshot\(s\) of other clusters or accounts\)\. .*templates\/production-share\.yml/,
    );
  });

  it('refuses a snapshot whose key this account may not use, naming the key', async () => {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .resolves({ DBClusterSnapshots: [shared('s', 1)] });
    kmsMock.on(DescribeKeyCommand).rejects(
      Object.assign(new Error('User: … is not authorized to perform: kms:DescribeKey'), {
        name: 'AccessDeniedException',
      }),
    );
    await expect(resolveSnapshot(rds, request)).rejects.toThrow(
      `Snapshot "s", shared by account ${PRODUCTION}, is encrypted with KMS key ${KEY}: this account may not use it`,
    );
  });

  it('skips the key check for an unencrypted snapshot', async () => {
    rdsMock.on(DescribeDBClusterSnapshotsCommand).resolves({
      DBClusterSnapshots: [shared('plain', 1, { StorageEncrypted: false, KmsKeyId: undefined })],
    });
    expect((await resolveSnapshot(rds, request)).identifier).toBe('plain');
    expect(kmsMock.calls()).toHaveLength(0);
  });
});

describe('keyProblem / checkSharedKey', () => {
  it('refuses production’s AWS managed key, and a key that is not enabled', () => {
    expect(keyProblem({ KeyId: 'k', KeyManager: 'AWS' })).toMatch(/AWS managed key \(aws\/rds\)/);
    expect(keyProblem({ KeyId: 'k', KeyManager: 'CUSTOMER', KeyState: 'PendingDeletion' })).toBe(
      'the key is PendingDeletion: it must be Enabled',
    );
    expect(keyProblem({ KeyId: 'k', KeyManager: 'CUSTOMER', KeyState: 'Enabled' })).toBeUndefined();
  });

  it('names a key that does not exist, and passes other failures on with context', async () => {
    kmsMock
      .on(DescribeKeyCommand)
      .rejectsOnce(Object.assign(new Error('gone'), { name: 'NotFoundException' }))
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(checkSharedKey(kms, KEY, 'snapshot "s"')).rejects.toThrow(
      `Snapshot "s" is encrypted with KMS key ${KEY}: the key does not exist (or was deleted)`,
    );
    await expect(checkSharedKey(kms, KEY, 'snapshot "s"')).rejects.toThrow(
      `Could not describe KMS key ${KEY} of snapshot "s": Rate exceeded`,
    );
  });
});
