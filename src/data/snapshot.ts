// Types only: the RDS client is loaded on first use, so a destroy never pays for it.
import type { DBClusterSnapshot, RDSClient } from '@aws-sdk/client-rds';
import type { KMSClient } from '@aws-sdk/client-kms';
import { withContext } from '../errors.js';
import { SNAPSHOT_PARAMETERS } from './parameters.js';
import { checkSharedKey, listSharedSnapshots, parseRdsArn, snapshotsOfCluster } from './shared.js';

export { SNAPSHOT_PARAMETERS };

/** The snapshot an environment's database is restored from. */
export interface SnapshotChoice {
  arn: string;
  identifier: string;
  engine: string;
  engineVersion: string;
  /** When the snapshot was taken; unknown for a pinned snapshot that no longer exists. */
  createdAt?: Date;
  /** The master user a restore inherits (and the environment's secret is made for). */
  masterUsername?: string;
  /** The account that shared the snapshot with this one (production in its own account). */
  sharedBy?: string;
  /** How it was chosen, for the report. */
  source: 'newest' | 'explicit' | 'pinned';
}

/**
 * The newest snapshot of `cluster` that can be restored now. Pure. `creating` snapshots are
 * skipped (restoring one fails), as are any other cluster's: for a cluster named by ARN, one of
 * the same name in another account is another cluster.
 */
export function chooseNewestSnapshot(
  snapshots: DBClusterSnapshot[],
  cluster: string,
  { maxAgeHours, now }: { maxAgeHours: number; now: Date },
): DBClusterSnapshot {
  const clusterId = clusterIdentifier(cluster).toLowerCase();
  const ofCluster = snapshotsOfCluster(snapshots, cluster);
  const candidates = ofCluster
    .filter((s) => s.Status === 'available')
    .filter((s) => s.SnapshotCreateTime !== undefined)
    .sort((a, b) => b.SnapshotCreateTime!.getTime() - a.SnapshotCreateTime!.getTime());
  const newest = candidates[0];
  if (!newest) {
    const others = ofCluster.length;
    throw new Error(
      `Could not resolve a snapshot of cluster "${clusterId}": none is available` +
        (others > 0 ? ` (${others} found, none with status "available")` : ''),
    );
  }
  const ageHours = (now.getTime() - newest.SnapshotCreateTime!.getTime()) / 3_600_000;
  if (maxAgeHours > 0 && ageHours > maxAgeHours) {
    throw new Error(
      `Could not resolve a snapshot of cluster "${clusterId}": the newest available, "${newest.DBClusterSnapshotIdentifier}", is ${ageHours.toFixed(1)} hours old, over max-snapshot-age-hours (${maxAgeHours})`,
    );
  }
  return newest;
}

/** `arn:aws:rds:region:acct:cluster:name` and `name` both name the cluster `name`. */
function clusterIdentifier(cluster: string): string {
  return cluster.startsWith('arn:') ? cluster.slice(cluster.lastIndexOf(':') + 1) : cluster;
}

export function toChoice(
  snapshot: DBClusterSnapshot,
  source: SnapshotChoice['source'],
  sharedBy?: string,
): SnapshotChoice {
  const { DBClusterSnapshotArn: arn, DBClusterSnapshotIdentifier: identifier } = snapshot;
  if (!arn || !identifier || !snapshot.Engine || !snapshot.EngineVersion) {
    throw new Error(`Snapshot "${identifier ?? arn}" is missing its ARN, engine or engine version`);
  }
  return {
    arn,
    identifier,
    engine: snapshot.Engine,
    engineVersion: snapshot.EngineVersion,
    createdAt: snapshot.SnapshotCreateTime,
    masterUsername: snapshot.MasterUsername,
    sharedBy,
    source,
  };
}

/** Every snapshot of a cluster, automated and manual, across all pages. */
export async function listClusterSnapshots(
  rds: RDSClient,
  cluster: string,
): Promise<DBClusterSnapshot[]> {
  const { DescribeDBClusterSnapshotsCommand } = await import('../aws/sdk/rds.js');
  const snapshots: DBClusterSnapshot[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await rds.send(
        new DescribeDBClusterSnapshotsCommand({
          DBClusterIdentifier: cluster,
          MaxRecords: 100,
          Marker: marker,
        }),
      );
      snapshots.push(...(page.DBClusterSnapshots ?? []));
      marker = page.Marker;
    } while (marker);
  } catch (error) {
    throw withContext(
      `Could not list the snapshots of cluster "${clusterIdentifier(cluster)}"`,
      error,
    );
  }
  return snapshots;
}

/** One snapshot by identifier or ARN; undefined when it does not exist. */
export async function findSnapshot(
  rds: RDSClient,
  identifier: string,
): Promise<DBClusterSnapshot | undefined> {
  const { DescribeDBClusterSnapshotsCommand } = await import('../aws/sdk/rds.js');
  try {
    // A snapshot another account shares is named by its ARN, and listed only with IncludeShared.
    const found = await rds.send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterSnapshotIdentifier: identifier,
        IncludeShared: identifier.startsWith('arn:') || undefined,
      }),
    );
    return found.DBClusterSnapshots?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'DBClusterSnapshotNotFoundFault') return undefined;
    throw withContext(`Could not describe snapshot "${identifier}"`, error);
  }
}

export interface SnapshotRequest {
  /** The production cluster, when the snapshot is to be resolved. */
  cluster?: string;
  /** An explicit snapshot from the inputs. */
  explicit?: string;
  /** The parameters of the stack being updated, if any: its snapshot is kept unless refreshing. */
  stackParameters?: Record<string, string>;
  refresh: boolean;
  maxAgeHours: number;
  now: Date;
  /**
   * The account the cluster lives in when it is not this one (a cluster ARN of another account):
   * its snapshots are the ones it shares with this account.
   */
  sharedBy?: string;
  /** For a snapshot another account shares: checks that this account may use its KMS key. */
  kms?: () => Promise<KMSClient>;
}

/**
 * The snapshots a deploy chooses from: this account's of the cluster, or, for production in an
 * account of its own, those it shares with this one (automated snapshots are never shared).
 */
async function candidateSnapshots(
  rds: RDSClient,
  request: SnapshotRequest & { cluster: string },
): Promise<DBClusterSnapshot[]> {
  if (!request.sharedBy) return listClusterSnapshots(rds, request.cluster);
  const shared = await listSharedSnapshots(rds);
  if (snapshotsOfCluster(shared, request.cluster).length === 0) {
    throw new Error(
      `Could not resolve a snapshot of cluster "${request.cluster}": account ${request.sharedBy} shares none of its snapshots with this account (${shared.length} shared snapshot(s) of other clusters or accounts). Production shares manual copies of its automated snapshots: deploy templates/production-share.yml there, naming this account`,
    );
  }
  return shared;
}

/** A shared, encrypted snapshot is restored only if this account may use its key. */
async function checkRestorable(
  request: SnapshotRequest,
  snapshot: DBClusterSnapshot,
): Promise<void> {
  const { sharedBy, kms } = request;
  if (!sharedBy || !snapshot.StorageEncrypted || !snapshot.KmsKeyId || !kms) return;
  await checkSharedKey(
    kms,
    snapshot.KmsKeyId,
    `snapshot "${snapshot.DBClusterSnapshotIdentifier}", shared by account ${sharedBy},`,
  );
}

/**
 * Which snapshot a deploy restores. An update keeps the stack's own snapshot: a changed
 * SnapshotIdentifier replaces the cluster and its data with it.
 */
export async function resolveSnapshot(
  rds: RDSClient,
  request: SnapshotRequest,
): Promise<SnapshotChoice> {
  const pinned = request.stackParameters?.[SNAPSHOT_PARAMETERS.snapshot];
  if (pinned && !request.refresh && !request.explicit) {
    const found = await findSnapshot(rds, pinned);
    return {
      arn: pinned,
      identifier: found?.DBClusterSnapshotIdentifier ?? pinned.slice(pinned.lastIndexOf(':') + 1),
      engine: request.stackParameters?.[SNAPSHOT_PARAMETERS.engine] ?? found?.Engine ?? '',
      engineVersion:
        request.stackParameters?.[SNAPSHOT_PARAMETERS.engineVersion] ?? found?.EngineVersion ?? '',
      createdAt: found?.SnapshotCreateTime,
      masterUsername: found?.MasterUsername,
      sharedBy:
        request.sharedBy && parseRdsArn(pinned)?.account === request.sharedBy
          ? request.sharedBy
          : undefined,
      source: 'pinned',
    };
  }
  if (request.explicit) {
    const found = await findSnapshot(rds, request.explicit);
    if (!found) {
      throw new Error(`Snapshot "${request.explicit}" (snapshot-identifier) does not exist`);
    }
    if (found.Status !== 'available') {
      throw new Error(
        `Snapshot "${request.explicit}" (snapshot-identifier) is "${found.Status}": expected "available"`,
      );
    }
    await checkRestorable(request, found);
    return toChoice(found, 'explicit', request.sharedBy);
  }
  if (!request.cluster) {
    throw new Error(
      '"source-db-cluster" is required to deploy: expected the identifier of the production Aurora cluster (or set snapshot-identifier)',
    );
  }
  const snapshots = await candidateSnapshots(rds, { ...request, cluster: request.cluster });
  const newest = chooseNewestSnapshot(snapshots, request.cluster, request);
  await checkRestorable(request, newest);
  return toChoice(newest, 'newest', request.sharedBy);
}
