import {
  CopyDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  RDSClient,
  type DBClusterSnapshot,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { reconcile } from '../../../src/share/handler.js';
import { SHARE_TAG } from '../../../src/share/plan.js';

const rdsMock = mockClient(RDSClient);
const rds = new RDSClient({ region: 'us-east-1' });
const ENV = {
  SOURCE_CLUSTER: 'prod-db',
  SHARE_WITH: '123456789012',
  KEEP_COPIES: '2',
  SHARE_STACK: 'pr-env-share',
  SHARE_KEY_ID: 'arn:aws:kms:us-east-1:111122223333:key/share',
};
const NOW = Date.now();
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * 3_600_000);
const own = [{ Key: SHARE_TAG, Value: 'pr-env-share' }];

/** What RDS holds: the automated snapshots, and the manual ones (copies among them). */
function seed(automated: DBClusterSnapshot[], manual: DBClusterSnapshot[]) {
  rdsMock
    .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'automated' })
    .resolves({ DBClusterSnapshots: automated })
    .on(DescribeDBClusterSnapshotsCommand, { SnapshotType: 'manual' })
    .resolves({ DBClusterSnapshots: manual });
}

beforeEach(() => {
  rdsMock.reset();
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

describe('the share function', () => {
  it('copies the newest automated snapshot with the share key, tagged as its own', async () => {
    seed(
      [
        {
          DBClusterSnapshotIdentifier: 'rds:prod-db-2026-11-22-03-00',
          DBClusterSnapshotArn:
            'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:rds:prod-db-2026-11-22-03-00',
          Status: 'available',
          SnapshotCreateTime: at(1),
        },
      ],
      [],
    );
    await reconcile(rds, ENV);
    expect(rdsMock.commandCalls(CopyDBClusterSnapshotCommand).map((c) => c.args[0].input)).toEqual([
      {
        SourceDBClusterSnapshotIdentifier:
          'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:rds:prod-db-2026-11-22-03-00',
        TargetDBClusterSnapshotIdentifier: 'pr-env-share-prod-db-2026-11-22-03-00',
        KmsKeyId: ENV.SHARE_KEY_ID,
        Tags: own,
      },
    ]);
    // Both listings name the cluster: nothing else of production is read.
    for (const call of rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand)) {
      expect(call.args[0].input.DBClusterIdentifier).toBe('prod-db');
    }
  });

  it('on a repeated event shares the finished copy, prunes only its own, and copies nothing', async () => {
    seed(
      [
        {
          DBClusterSnapshotIdentifier: 'rds:prod-db-2026-11-22-03-00',
          Status: 'available',
          SnapshotCreateTime: at(9),
        },
      ],
      [
        {
          DBClusterSnapshotIdentifier: 'pr-env-share-prod-db-2026-11-22-03-00',
          Status: 'available',
          SnapshotCreateTime: at(8),
          TagList: own,
        },
        {
          DBClusterSnapshotIdentifier: 'pr-env-share-prod-db-2026-11-21-03-00',
          Status: 'available',
          SnapshotCreateTime: at(32),
          TagList: own,
        },
        {
          DBClusterSnapshotIdentifier: 'pr-env-share-prod-db-2026-11-20-03-00',
          Status: 'available',
          SnapshotCreateTime: at(56),
          TagList: own,
        },
        {
          DBClusterSnapshotIdentifier: 'pr-env-share-prod-db-2026-11-19-03-00',
          Status: 'available',
          SnapshotCreateTime: at(80),
        },
        {
          DBClusterSnapshotIdentifier: 'before-upgrade',
          Status: 'available',
          SnapshotCreateTime: at(500),
        },
      ],
    );
    for (let run = 0; run < 2; run++) await reconcile(rds, ENV);
    expect(rdsMock.commandCalls(CopyDBClusterSnapshotCommand)).toHaveLength(0);
    const shared = rdsMock
      .commandCalls(ModifyDBClusterSnapshotAttributeCommand)
      .map((c) => c.args[0].input);
    expect(shared[0]).toEqual({
      DBClusterSnapshotIdentifier: 'pr-env-share-prod-db-2026-11-22-03-00',
      AttributeName: 'restore',
      ValuesToAdd: ['123456789012'],
    });
    expect(new Set(shared.map((s) => s.DBClusterSnapshotIdentifier))).toEqual(
      new Set(['pr-env-share-prod-db-2026-11-22-03-00', 'pr-env-share-prod-db-2026-11-21-03-00']),
    );
    const deleted = rdsMock
      .commandCalls(DeleteDBClusterSnapshotCommand)
      .map((c) => c.args[0].input.DBClusterSnapshotIdentifier);
    expect(new Set(deleted)).toEqual(new Set(['pr-env-share-prod-db-2026-11-20-03-00']));
  });

  it('refuses to run on a broken environment, before any call', async () => {
    await expect(reconcile(rds, { ...ENV, SHARE_WITH: '' })).rejects.toThrow(/SHARE_WITH/);
    expect(rdsMock.calls()).toHaveLength(0);
  });
});
