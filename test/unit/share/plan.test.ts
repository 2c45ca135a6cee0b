import type { DBClusterSnapshot } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import {
  SHARE_TAG,
  copyName,
  isOwnCopy,
  planShare,
  shareSettings,
  type ShareSettings,
} from '../../../src/share/plan.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const HOUR = 3_600_000;
const SETTINGS: ShareSettings = {
  cluster: 'prod-db',
  accounts: ['123456789012'],
  keep: 3,
  stackName: 'pr-env-share',
  keyId: 'arn:aws:kms:us-east-1:111122223333:key/k',
};

const automated = (stamp: string, hoursAgo: number, status = 'available'): DBClusterSnapshot => ({
  DBClusterSnapshotIdentifier: `rds:prod-db-${stamp}`,
  DBClusterSnapshotArn: `arn:aws:rds:us-east-1:111122223333:cluster-snapshot:rds:prod-db-${stamp}`,
  SnapshotType: 'automated',
  Status: status,
  SnapshotCreateTime: new Date(NOW - hoursAgo * HOUR),
});
const copy = (
  stamp: string,
  hoursAgo: number,
  extra: Partial<DBClusterSnapshot> = {},
): DBClusterSnapshot => ({
  DBClusterSnapshotIdentifier: `pr-env-share-prod-db-${stamp}`,
  SnapshotType: 'manual',
  Status: 'available',
  SnapshotCreateTime: new Date(NOW - hoursAgo * HOUR),
  TagList: [{ Key: SHARE_TAG, Value: 'pr-env-share' }],
  ...extra,
});

describe('copyName / isOwnCopy', () => {
  it('names the copy after the automated snapshot it copies', () => {
    expect(copyName('prod-db', 'rds:prod-db-2026-11-22-03-00')).toBe(
      'pr-env-share-prod-db-2026-11-22-03-00',
    );
  });

  it('counts as its own only a copy with both its name prefix and its stack’s tag', () => {
    expect(isOwnCopy(copy('a', 1), SETTINGS)).toBe(true);
    expect(isOwnCopy(copy('a', 1, { TagList: [] }), SETTINGS)).toBe(false);
    expect(
      isOwnCopy(
        copy('a', 1, { TagList: [{ Key: SHARE_TAG, Value: 'another-share-stack' }] }),
        SETTINGS,
      ),
    ).toBe(false);
    expect(
      isOwnCopy(copy('a', 1, { DBClusterSnapshotIdentifier: 'before-the-migration' }), SETTINGS),
    ).toBe(false);
  });
});

describe('planShare', () => {
  it('copies the newest available automated snapshot, never one still being taken', () => {
    const plan = planShare(
      [
        automated('2026-11-21-03-00', 33),
        automated('2026-11-22-03-00', 9),
        automated('2026-11-22-11-00', 1, 'creating'),
      ],
      [],
      SETTINGS,
    );
    expect(plan).toEqual({
      copy: {
        source: 'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:rds:prod-db-2026-11-22-03-00',
        target: 'pr-env-share-prod-db-2026-11-22-03-00',
      },
      share: [],
      remove: [],
    });
  });

  it('is idempotent: a repeated event copies nothing again and shares what is ready', () => {
    const plan = planShare(
      [automated('2026-11-22-03-00', 9)],
      [copy('2026-11-22-03-00', 8), copy('2026-11-21-03-00', 32)],
      SETTINGS,
    );
    expect(plan).toEqual({
      share: ['pr-env-share-prod-db-2026-11-22-03-00', 'pr-env-share-prod-db-2026-11-21-03-00'],
      remove: [],
    });
    // A copy still in progress counts as made: it is not copied twice, nor shared yet.
    expect(
      planShare(
        [automated('2026-11-22-03-00', 9)],
        [copy('2026-11-22-03-00', 0.2, { Status: 'copying' })],
        SETTINGS,
      ),
    ).toEqual({ share: [], remove: [] });
  });

  it('keeps the newest copies (the one being made among them) and deletes only its own older ones', () => {
    const manual = [
      copy('2026-11-21-03-00', 33),
      copy('2026-11-20-03-00', 57),
      copy('2026-11-19-03-00', 81),
      copy('2026-11-18-03-00', 105, { Status: 'copying' }),
      copy('2026-11-17-03-00', 129, { TagList: [] }),
      { ...copy('x', 200), DBClusterSnapshotIdentifier: 'a-manual-snapshot-of-production' },
    ];
    const plan = planShare([automated('2026-11-22-03-00', 9)], manual, SETTINGS);
    expect(plan.copy?.target).toBe('pr-env-share-prod-db-2026-11-22-03-00');
    expect(plan.share).toEqual([
      'pr-env-share-prod-db-2026-11-21-03-00',
      'pr-env-share-prod-db-2026-11-20-03-00',
    ]);
    // The one still copying cannot be deleted yet; the untagged one and production's own never.
    expect(plan.remove).toEqual(['pr-env-share-prod-db-2026-11-19-03-00']);
  });

  it('does nothing without an available automated snapshot or copies', () => {
    expect(planShare([automated('a', 1, 'creating')], [], SETTINGS)).toEqual({
      share: [],
      remove: [],
    });
  });
});

describe('shareSettings', () => {
  it('reads and checks the function’s environment', () => {
    expect(
      shareSettings({
        SOURCE_CLUSTER: 'prod-db',
        SHARE_WITH: '123456789012, 210987654321',
        KEEP_COPIES: '2',
        SHARE_STACK: 'pr-env-share',
        SHARE_KEY_ID: 'arn:k',
      }),
    ).toEqual({
      cluster: 'prod-db',
      accounts: ['123456789012', '210987654321'],
      keep: 2,
      stackName: 'pr-env-share',
      keyId: 'arn:k',
    });
    expect(() =>
      shareSettings({ SOURCE_CLUSTER: 'prod_db', SHARE_WITH: '12', KEEP_COPIES: '0' }),
    ).toThrow(
      'pr-env share: SOURCE_CLUSTER "prod_db" is not a DB cluster identifier; SHARE_WITH "12" is not a list of 12-digit account IDs; KEEP_COPIES "0" is not a whole number of at least 1; SHARE_STACK is empty; SHARE_KEY_ID is empty',
    );
  });
});
