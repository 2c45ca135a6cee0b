/**
 * RDS (Aurora clusters and cluster snapshots) over the Query protocol.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { clusterXml, snapshotXml } from './rds-views.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueryError, type QueryParams } from './query-protocol.js';
import { xmlList } from './xml.js';

export const RDS_NAMESPACE = 'http://rds.amazonaws.com/doc/2014-10-31/';

export interface ClusterSeed {
  id: string;
  status?: string;
  engine?: string;
  engineVersion?: string;
  createdAt?: Date;
  port?: number;
  tags?: Record<string, string>;
  /** Default `postgres` (PostgreSQL) or `admin` (MySQL). */
  masterUsername?: string;
  /** Its DB instances (DBClusterMembers); a seeded cluster has one writer unless told otherwise. */
  members?: string[];
  /** Default: five minutes before each describe, as Aurora's continuous backups keep it. */
  latestRestorableTime?: Date;
  /** Set once the cluster has been cloned (or is a clone). */
  cloneGroupId?: string;
  /** The account the cluster is in (default: the simulator's): production in its own account. */
  ownerAccount?: string;
  /** Accounts it is shared with through AWS RAM (they may clone it, naming it by ARN). */
  sharedWith?: string[];
  /** The KMS key that encrypts it (an ARN); default: the account's aws/rds key, not modelled. */
  kmsKeyId?: string;
}

export interface SnapshotSeed {
  cluster: string;
  /** Defaults to `rds:<cluster>-<yyyy-mm-dd-hh-mm>` for automated snapshots, a random name for manual. */
  id?: string;
  status?: 'available' | 'creating' | 'copying' | 'deleting' | 'failed' | string;
  createdAt?: Date;
  engine?: string;
  engineVersion?: string;
  type?: 'automated' | 'manual' | 'awsbackup';
  tags?: Record<string, string>;
  /** Default: the cluster's, else `postgres`. */
  masterUsername?: string;
  /** The account the snapshot is in (default: the simulator's): production in its own account. */
  ownerAccount?: string;
  /** Accounts a manual snapshot is shared with (ModifyDBClusterSnapshotAttribute `restore`). */
  sharedWith?: string[];
  /** The KMS key that encrypts it (an ARN). */
  kmsKeyId?: string;
}

export interface Cluster extends Required<
  Omit<ClusterSeed, 'tags' | 'latestRestorableTime' | 'cloneGroupId' | 'kmsKeyId'>
> {
  arn: string;
  tags: Record<string, string>;
  resourceId: string;
  latestRestorableTime?: Date;
  cloneGroupId?: string;
  kmsKeyId?: string;
}

export interface Snapshot {
  id: string;
  arn: string;
  cluster: string;
  status: string;
  createdAt: Date;
  engine: string;
  engineVersion: string;
  type: string;
  tags: Record<string, string>;
  masterUsername: string;
  ownerAccount: string;
  sharedWith: string[];
  kmsKeyId?: string;
}

export interface RdsOptions {
  region: string;
  accountId: string;
  /** How long stopping/starting take. */
  transitionMs: number;
  shutdown: AbortSignal;
}

function page<T>(items: T[], params: QueryParams): { items: T[]; marker?: string } {
  const maxRecords = params.number('MaxRecords') ?? 100;
  if (maxRecords < 20 || maxRecords > 100) {
    throw new QueryError(
      'InvalidParameterValue',
      `Invalid value ${maxRecords} for MaxRecords. Must be between 20 and 100`,
    );
  }
  const marker = params.string('Marker');
  const start = marker ? Number(Buffer.from(marker, 'base64url').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new QueryError('InvalidParameterValue', 'Invalid marker');
  const end = start + maxRecords;
  return {
    items: items.slice(start, end),
    marker: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

/** The filters DescribeDBClusters takes; the simulator applies clone-group-id only. */
const CLUSTER_FILTERS = new Set([
  'clone-group-id',
  'db-cluster-id',
  'db-cluster-resource-id',
  'domain',
  'engine',
]);

/**
 * The values of one filter of a Describe call (`Filters.Filter.1.Name`, `…Values.Value.1`), or
 * undefined when the call has none of that name. A filter RDS does not know is refused.
 */
function filterValues(params: QueryParams, name: string): string[] | undefined {
  const raw = params.raw.Filters as { Filter?: unknown } | undefined;
  const filters = [raw?.Filter ?? []].flat() as Array<{
    Name?: string;
    Values?: { Value?: unknown };
  }>;
  const unknown = filters.find((f) => !CLUSTER_FILTERS.has(f.Name ?? ''));
  if (unknown) {
    throw new QueryError('InvalidParameterValue', `Unrecognized filter name: ${unknown.Name}.`);
  }
  const match = filters.find((f) => f.Name === name);
  return match ? ([match.Values?.Value ?? []].flat() as string[]) : undefined;
}

export class RdsService {
  readonly clusters = new Map<string, Cluster>();
  /** Insertion order, which is not creation order: callers must sort, as with the real API. */
  readonly snapshots: Snapshot[] = [];

  constructor(private readonly options: RdsOptions) {}

  addCluster(seed: ClusterSeed): Cluster {
    const cluster: Cluster = {
      id: seed.id,
      status: seed.status ?? 'available',
      engine: seed.engine ?? 'aurora-postgresql',
      engineVersion: seed.engineVersion ?? '16.4',
      createdAt: seed.createdAt ?? new Date(),
      port: seed.port ?? (seed.engine?.includes('mysql') ? 3306 : 5432),
      tags: seed.tags ?? {},
      masterUsername:
        seed.masterUsername ?? (seed.engine?.includes('mysql') ? 'admin' : 'postgres'),
      members: seed.members ?? [`${seed.id}-instance-1`],
      latestRestorableTime: seed.latestRestorableTime,
      cloneGroupId: seed.cloneGroupId,
      ownerAccount: seed.ownerAccount ?? this.options.accountId,
      sharedWith: seed.sharedWith ?? [],
      kmsKeyId: seed.kmsKeyId,
      arn: `arn:aws:rds:${this.options.region}:${seed.ownerAccount ?? this.options.accountId}:cluster:${seed.id}`,
      resourceId: `cluster-${randomBytes(13).toString('hex').toUpperCase()}`,
    };
    // Another account's cluster of the same name is another cluster: keyed by ARN then.
    this.clusters.set(this.isOwn(cluster) ? cluster.id : cluster.arn, cluster);
    return cluster;
  }

  addSnapshot(seed: SnapshotSeed): Snapshot {
    const createdAt = seed.createdAt ?? new Date();
    const type = seed.type ?? 'automated';
    const stamp = createdAt.toISOString().slice(0, 16).replace(/[T:]/g, '-');
    const id =
      seed.id ??
      (type === 'automated'
        ? `rds:${seed.cluster}-${stamp}`
        : `${seed.cluster}-${randomBytes(4).toString('hex')}`);
    const owner = seed.ownerAccount ?? this.options.accountId;
    const cluster = [...this.clusters.values()].find(
      (c) => c.id === seed.cluster && c.ownerAccount === owner,
    );
    const snapshot: Snapshot = {
      id,
      arn: `arn:aws:rds:${this.options.region}:${owner}:cluster-snapshot:${id}`,
      cluster: seed.cluster,
      status: seed.status ?? 'available',
      createdAt,
      engine: seed.engine ?? cluster?.engine ?? 'aurora-postgresql',
      engineVersion: seed.engineVersion ?? cluster?.engineVersion ?? '16.4',
      type,
      tags: seed.tags ?? {},
      masterUsername: seed.masterUsername ?? cluster?.masterUsername ?? 'postgres',
      ownerAccount: owner,
      sharedWith: seed.sharedWith ?? [],
      kmsKeyId: seed.kmsKeyId ?? cluster?.kmsKeyId,
    };
    this.snapshots.push(snapshot);
    return snapshot;
  }

  private isOwn(item: { ownerAccount: string }): boolean {
    return item.ownerAccount === this.options.accountId;
  }

  /** Shared with this account by another: visible by ARN, and with IncludeShared. */
  private isSharedHere(item: { ownerAccount: string; sharedWith: string[] }): boolean {
    return !this.isOwn(item) && item.sharedWith.includes(this.options.accountId);
  }

  /**
   * A snapshot this account may restore, by identifier or ARN: its own, or by ARN one another
   * account shares with it. Another account's unshared snapshot does not exist for it.
   */
  findSnapshot(idOrArn: string): Snapshot | undefined {
    return this.snapshots.find(
      (s) =>
        (this.isOwn(s) && s.id === idOrArn) ||
        (s.arn === idOrArn && (this.isOwn(s) || this.isSharedHere(s))),
    );
  }

  handle(params: QueryParams): Record<string, unknown> | undefined {
    switch (params.action) {
      case 'DescribeDBClusterSnapshots':
        return this.describeSnapshots(params);
      case 'DescribeDBClusters':
        return this.describeClusters(params);
      case 'StopDBCluster':
        return {
          DBCluster: this.clusterXml(this.transition(params, 'available', 'stopping', 'stopped')),
        };
      case 'StartDBCluster':
        return {
          DBCluster: this.clusterXml(this.transition(params, 'stopped', 'starting', 'available')),
        };
      default:
        throw new QueryError(
          'InvalidAction',
          `Could not find operation ${params.action} for version 2014-10-31`,
        );
    }
  }

  /**
   * A copy-on-write clone of `sourceId`, as RestoreDBClusterToPointInTime makes one: refused, with
   * RDS's errors, when the source does not exist or is not available. Source and clone then share
   * a clone group.
   */
  clone(sourceId: string, seed: Omit<ClusterSeed, 'cloneGroupId' | 'members'>): Cluster {
    const source = this.cluster(sourceId, true);
    if (source.status !== 'available') {
      throw new QueryError(
        'InvalidDBClusterStateFault',
        `DbCluster ${source.id} is in ${source.status} state but expected it to be one of available.`,
      );
    }
    source.cloneGroupId ??= randomUUID();
    return this.addCluster({
      engine: source.engine,
      engineVersion: source.engineVersion,
      masterUsername: source.masterUsername,
      ...seed,
      members: [],
      cloneGroupId: source.cloneGroupId,
    });
  }

  /**
   * Clusters by identifier or ARN, as DescribeDBClusters finds them: this account's, or, with
   * `shared`, another's shared with it through RAM (by ARN only).
   */
  cluster(idOrArn: string | undefined, shared = false): Cluster {
    const cluster = [...this.clusters.values()].find(
      (c) =>
        (this.isOwn(c) && (c.id === idOrArn || c.arn === idOrArn)) ||
        (shared && c.arn === idOrArn && this.isSharedHere(c)),
    );
    if (!cluster)
      throw new QueryError('DBClusterNotFoundFault', `DBCluster ${idOrArn ?? ''} not found.`, 404);
    return cluster;
  }

  private transition(params: QueryParams, from: string, during: string, to: string): Cluster {
    const cluster = this.cluster(params.string('DBClusterIdentifier'));
    if (cluster.status !== from) {
      throw new QueryError(
        'InvalidDBClusterStateFault',
        `DbCluster ${cluster.id} is in ${cluster.status} state but expected it to be one of ${from}.`,
      );
    }
    cluster.status = during;
    sleep(this.options.transitionMs, undefined, { signal: this.options.shutdown }).then(
      () => {
        if (cluster.status === during) cluster.status = to;
      },
      () => {},
    );
    return cluster;
  }

  private describeClusters(params: QueryParams): Record<string, unknown> {
    const id = params.string('DBClusterIdentifier');
    const shared = params.string('IncludeShared') === 'true';
    const groups = filterValues(params, 'clone-group-id');
    const visible = [...this.clusters.values()].filter(
      (c) => this.isOwn(c) || (shared && this.isSharedHere(c)),
    );
    const clusters = (id ? [this.cluster(id, shared)] : visible).filter(
      (c) => !groups || (c.cloneGroupId !== undefined && groups.includes(c.cloneGroupId)),
    );
    const { items, marker } = page(clusters, params);
    return {
      Marker: marker,
      DBClusters: xmlList(
        'DBCluster',
        items.map((c) => this.clusterXml(c)),
      ),
    };
  }

  private describeSnapshots(params: QueryParams): Record<string, unknown> {
    const snapshotId = params.string('DBClusterSnapshotIdentifier');
    const clusterId = params.string('DBClusterIdentifier');
    const type = params.string('SnapshotType');
    let matches: Snapshot[];
    const shared = params.string('IncludeShared') === 'true';
    if (snapshotId) {
      const snapshot = this.findSnapshot(snapshotId);
      if (!snapshot || (!this.isOwn(snapshot) && !shared))
        throw new QueryError(
          'DBClusterSnapshotNotFoundFault',
          `DBClusterSnapshot not found: ${snapshotId}`,
          404,
        );
      matches = [snapshot];
    } else {
      const clusterArn = (c: string) =>
        `arn:aws:rds:${this.options.region}:${this.options.accountId}:cluster:${c}`;
      // RDS: no SnapshotType lists this account's automated and manual snapshots, with the
      // shared ones too under IncludeShared; `shared` lists only those other accounts share.
      const ofType = (s: Snapshot) =>
        type === 'shared'
          ? this.isSharedHere(s)
          : type
            ? this.isOwn(s) && s.type === type
            : (this.isOwn(s) && (s.type === 'automated' || s.type === 'manual')) ||
              (shared && this.isSharedHere(s));
      matches = this.snapshots.filter(
        (s) =>
          (!clusterId ||
            (this.isOwn(s) && (s.cluster === clusterId || clusterArn(s.cluster) === clusterId))) &&
          ofType(s),
      );
    }
    const { items, marker } = page(matches, params);
    return {
      Marker: marker,
      DBClusterSnapshots: xmlList(
        'DBClusterSnapshot',
        items.map((s) => this.snapshotXml(s)),
      ),
    };
  }

  private clusterXml(c: Cluster): Record<string, unknown> {
    return clusterXml(c, this.options.region);
  }

  private snapshotXml(s: Snapshot): Record<string, unknown> {
    return snapshotXml(s, this.options.region, this.clusters.get(s.cluster), this.isOwn(s));
  }
}
