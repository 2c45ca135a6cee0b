// Types only: the RDS client is loaded on first use, so a destroy never pays for it.
import type { DBClusterSnapshot, RDSClient } from '@aws-sdk/client-rds';
import { withContext } from '../errors.js';
import { SNAPSHOT_PARAMETERS } from './parameters.js';

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
  /** How it was chosen, for the report. */
  source: 'newest' | 'explicit' | 'pinned';
}

/**
 * The newest snapshot of `cluster` that can be restored now. Pure. `creating` snapshots are
 * skipped (restoring one fails), as are any other cluster's.
 */
export function chooseNewestSnapshot(
  snapshots: DBClusterSnapshot[],
  cluster: string,
  { maxAgeHours, now }: { maxAgeHours: number; now: Date },
): DBClusterSnapshot {
  // RDS keeps identifiers in lower case and matches them case-insensitively.
  const clusterId = clusterIdentifier(cluster).toLowerCase();
  const ofCluster = snapshots.filter((s) => s.DBClusterIdentifier?.toLowerCase() === clusterId);
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
    const found = await rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: identifier }),
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
    return toChoice(found, 'explicit');
  }
  if (!request.cluster) {
    throw new Error(
      '"source-db-cluster" is required to deploy: expected the identifier of the production Aurora cluster (or set snapshot-identifier)',
    );
  }
  const snapshots = await listClusterSnapshots(rds, request.cluster);
  return toChoice(chooseNewestSnapshot(snapshots, request.cluster, request), 'newest');
}
