import {
  DBClusterSnapshotNotFoundFault,
  DescribeDBClusterSnapshotsCommand,
  RDSClient,
  type DBClusterSnapshot,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  chooseNewestSnapshot,
  findSnapshot,
  listClusterSnapshots,
  resolveSnapshot,
  SNAPSHOT_PARAMETERS,
  toChoice,
} from '../../../src/data/snapshot.js';

const NOW = new Date('2026-02-01T12:00:00Z');
const HOUR = 3_600_000;
const ACCOUNT_ARN = 'arn:aws:rds:eu-west-1:123456789012';

function snap(
  id: string,
  hoursAgo: number,
  extra: Partial<DBClusterSnapshot> = {},
): DBClusterSnapshot {
  return {
    DBClusterSnapshotIdentifier: id,
    DBClusterSnapshotArn: `${ACCOUNT_ARN}:cluster-snapshot:${id}`,
    DBClusterIdentifier: 'prod',
    Status: 'available',
    SnapshotCreateTime: new Date(NOW.getTime() - hoursAgo * HOUR),
    Engine: 'aurora-postgresql',
    EngineVersion: '16.4',
    SnapshotType: 'automated',
    ...extra,
  };
}

const noLimit = { maxAgeHours: 0, now: NOW };

describe('chooseNewestSnapshot', () => {
  it('picks the newest available snapshot, whatever the order', () => {
    const snapshots = [
      snap('rds:prod-a', 30),
      snap('rds:prod-c', 2),
      snap('manual-b', 10, { SnapshotType: 'manual' }),
    ];
    expect(chooseNewestSnapshot(snapshots, 'prod', noLimit).DBClusterSnapshotIdentifier).toBe(
      'rds:prod-c',
    );
  });

  it('skips snapshots still being created, and those of other clusters', () => {
    const snapshots = [
      snap('creating-now', 0.1, { Status: 'creating' }),
      snap('other-cluster', 0.5, { DBClusterIdentifier: 'staging' }),
      snap('copying', 0.7, { Status: 'copying' }),
      snap('older-ok', 5),
    ];
    expect(chooseNewestSnapshot(snapshots, 'prod', noLimit).DBClusterSnapshotIdentifier).toBe(
      'older-ok',
    );
  });

  it('accepts the cluster as an ARN', () => {
    const snapshots = [snap('a', 3), snap('b', 1)];
    expect(
      chooseNewestSnapshot(snapshots, `${ACCOUNT_ARN}:cluster:prod`, noLimit)
        .DBClusterSnapshotIdentifier,
    ).toBe('b');
  });

  it('matches the cluster identifier case-insensitively, as RDS stores it in lower case', () => {
    // DescribeDBClusterSnapshots treats DBClusterIdentifier case-insensitively and answers with
    // the identifier in lower case: an input of "Prod" must still find prod's snapshots.
    const snapshots = [snap('rds:prod-1', 1)];
    expect(chooseNewestSnapshot(snapshots, 'Prod', noLimit).DBClusterSnapshotIdentifier).toBe(
      'rds:prod-1',
    );
  });

  it('refuses a snapshot over the age limit, naming the cluster, snapshot, age and limit', () => {
    expect(() =>
      chooseNewestSnapshot([snap('stale', 30), snap('staler', 50)], 'prod', {
        maxAgeHours: 24,
        now: NOW,
      }),
    ).toThrow(
      'Could not resolve a snapshot of cluster "prod": the newest available, "stale", is 30.0 hours old, over max-snapshot-age-hours (24)',
    );
  });

  it('accepts a snapshot just inside the age limit', () => {
    expect(
      chooseNewestSnapshot([snap('fresh', 23.9)], 'prod', { maxAgeHours: 24, now: NOW })
        .DBClusterSnapshotIdentifier,
    ).toBe('fresh');
  });

  it('says none is available when there are no snapshots', () => {
    expect(() => chooseNewestSnapshot([], `${ACCOUNT_ARN}:cluster:prod`, noLimit)).toThrow(
      /^Could not resolve a snapshot of cluster "prod": none is available$/,
    );
  });

  it('counts the snapshots that are there but not available', () => {
    const snapshots = [snap('x', 1, { Status: 'creating' }), snap('y', 2, { Status: 'failed' })];
    expect(() => chooseNewestSnapshot(snapshots, 'prod', noLimit)).toThrow(
      'none is available (2 found, none with status "available")',
    );
  });
});

describe('toChoice', () => {
  it('keeps what the template needs from a snapshot', () => {
    expect(toChoice(snap('rds:prod-1', 2), 'newest')).toEqual({
      arn: `${ACCOUNT_ARN}:cluster-snapshot:rds:prod-1`,
      identifier: 'rds:prod-1',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
      createdAt: new Date(NOW.getTime() - 2 * HOUR),
      source: 'newest',
    });
  });

  it('refuses a snapshot without an engine version', () => {
    expect(() => toChoice(snap('odd', 1, { EngineVersion: undefined }), 'explicit')).toThrow(
      'Snapshot "odd" is missing its ARN, engine or engine version',
    );
  });
});

describe('RDS adapters', () => {
  const rdsMock = mockClient(RDSClient);
  const rds = new RDSClient({ region: 'eu-west-1' });

  beforeEach(() => {
    rdsMock.reset();
  });

  function pages(...pageList: DBClusterSnapshot[][]) {
    rdsMock
      .on(DescribeDBClusterSnapshotsCommand)
      .callsFake((input: { Marker?: string; DBClusterIdentifier?: string }) => {
        if (!input.DBClusterIdentifier) throw new Error('listing without a cluster');
        const index = input.Marker ? Number(input.Marker.slice('page-'.length)) : 0;
        return {
          DBClusterSnapshots: pageList[index],
          Marker: index + 1 < pageList.length ? `page-${index + 1}` : undefined,
        };
      });
  }

  describe('listClusterSnapshots', () => {
    it('follows Marker across every page, 100 at a time', async () => {
      pages([snap('a', 1), snap('b', 2)], [snap('c', 3)], [snap('d', 4)]);
      const all = await listClusterSnapshots(rds, 'prod');
      expect(all.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['a', 'b', 'c', 'd']);
      const inputs = rdsMock
        .commandCalls(DescribeDBClusterSnapshotsCommand)
        .map((c) => c.args[0].input);
      expect(inputs).toEqual([
        { DBClusterIdentifier: 'prod', MaxRecords: 100, Marker: undefined },
        { DBClusterIdentifier: 'prod', MaxRecords: 100, Marker: 'page-1' },
        { DBClusterIdentifier: 'prod', MaxRecords: 100, Marker: 'page-2' },
      ]);
      // No SnapshotType: automated and manual snapshots both come back.
      expect(inputs.every((i) => !('SnapshotType' in i))).toBe(true);
    });

    it('names the cluster when listing fails', async () => {
      rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(new Error('AccessDenied'));
      await expect(listClusterSnapshots(rds, `${ACCOUNT_ARN}:cluster:prod`)).rejects.toThrow(
        'Could not list the snapshots of cluster "prod": AccessDenied',
      );
    });
  });

  describe('findSnapshot', () => {
    it('returns undefined for a snapshot that does not exist', async () => {
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand)
        .rejects(new DBClusterSnapshotNotFoundFault({ message: 'not found', $metadata: {} }));
      await expect(findSnapshot(rds, 'gone')).resolves.toBeUndefined();
    });

    it('wraps any other error', async () => {
      rdsMock.on(DescribeDBClusterSnapshotsCommand).rejects(new Error('boom'));
      await expect(findSnapshot(rds, 'x')).rejects.toThrow('Could not describe snapshot "x": boom');
    });
  });

  describe('resolveSnapshot', () => {
    const base = { refresh: false, maxAgeHours: 0, now: NOW };

    it('resolves the newest snapshot across pages on create', async () => {
      pages(
        [snap('old', 48), snap('mid', 12)],
        [snap('new', 1), snap('wip', 0.1, { Status: 'creating' })],
      );
      const choice = await resolveSnapshot(rds, { ...base, cluster: 'prod' });
      expect(choice).toMatchObject({ identifier: 'new', source: 'newest', engineVersion: '16.4' });
      expect(rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand)).toHaveLength(2);
    });

    it("keeps the stack's own snapshot on update, without listing", async () => {
      const pinnedArn = `${ACCOUNT_ARN}:cluster-snapshot:rds:prod-2026-01-01`;
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: pinnedArn })
        .resolves({ DBClusterSnapshots: [snap('rds:prod-2026-01-01', 700)] });
      const choice = await resolveSnapshot(rds, {
        ...base,
        cluster: 'prod',
        stackParameters: {
          [SNAPSHOT_PARAMETERS.snapshot]: pinnedArn,
          [SNAPSHOT_PARAMETERS.engine]: 'aurora-postgresql',
          [SNAPSHOT_PARAMETERS.engineVersion]: '16.2',
        },
        maxAgeHours: 24,
      });
      expect(choice).toMatchObject({
        arn: pinnedArn,
        identifier: 'rds:prod-2026-01-01',
        engineVersion: '16.2',
        source: 'pinned',
      });
      const calls = rdsMock.commandCalls(DescribeDBClusterSnapshotsCommand);
      expect(calls.map((c) => c.args[0].input.DBClusterIdentifier)).toEqual([undefined]);
    });

    it('keeps a pinned snapshot that no longer exists (the stack still points at it)', async () => {
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand)
        .rejects(new DBClusterSnapshotNotFoundFault({ message: 'not found', $metadata: {} }));
      const pinnedArn = `${ACCOUNT_ARN}:cluster-snapshot:deleted-one`;
      const choice = await resolveSnapshot(rds, {
        ...base,
        stackParameters: {
          [SNAPSHOT_PARAMETERS.snapshot]: pinnedArn,
          [SNAPSHOT_PARAMETERS.engine]: 'aurora-mysql',
          [SNAPSHOT_PARAMETERS.engineVersion]: '8.0.mysql_aurora.3.08.0',
        },
      });
      expect(choice).toEqual({
        arn: pinnedArn,
        identifier: 'deleted-one',
        engine: 'aurora-mysql',
        engineVersion: '8.0.mysql_aurora.3.08.0',
        createdAt: undefined,
        source: 'pinned',
      });
    });

    it('moves to the newest snapshot when refreshing', async () => {
      pages([snap('newest', 1)]);
      const choice = await resolveSnapshot(rds, {
        ...base,
        refresh: true,
        cluster: 'prod',
        stackParameters: { [SNAPSHOT_PARAMETERS.snapshot]: 'old-pinned' },
      });
      expect(choice).toMatchObject({ identifier: 'newest', source: 'newest' });
    });

    it('uses an explicit snapshot that is available', async () => {
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand, { DBClusterSnapshotIdentifier: 'golden' })
        .resolves({ DBClusterSnapshots: [snap('golden', 400, { SnapshotType: 'manual' })] });
      const choice = await resolveSnapshot(rds, {
        ...base,
        explicit: 'golden',
        cluster: 'prod',
        maxAgeHours: 1,
      });
      expect(choice).toMatchObject({ identifier: 'golden', source: 'explicit' });
    });

    it('refuses an explicit snapshot that does not exist or is not available', async () => {
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand)
        .rejects(new DBClusterSnapshotNotFoundFault({ message: 'not found', $metadata: {} }));
      await expect(resolveSnapshot(rds, { ...base, explicit: 'nope' })).rejects.toThrow(
        'Snapshot "nope" (snapshot-identifier) does not exist',
      );
      rdsMock.reset();
      rdsMock
        .on(DescribeDBClusterSnapshotsCommand)
        .resolves({ DBClusterSnapshots: [snap('wip', 0, { Status: 'creating' })] });
      await expect(resolveSnapshot(rds, { ...base, explicit: 'wip' })).rejects.toThrow(
        'Snapshot "wip" (snapshot-identifier) is "creating": expected "available"',
      );
    });

    it('needs a cluster when nothing else names a snapshot', async () => {
      await expect(resolveSnapshot(rds, base)).rejects.toThrow(
        '"source-db-cluster" is required to deploy',
      );
      expect(rdsMock.calls()).toHaveLength(0);
    });

    it('passes the age limit on to the choice', async () => {
      pages([snap('stale', 100)]);
      await expect(
        resolveSnapshot(rds, { ...base, cluster: 'prod', maxAgeHours: 72 }),
      ).rejects.toThrow('is 100.0 hours old, over max-snapshot-age-hours (72)');
    });
  });
});
