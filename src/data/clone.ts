// Types only: the RDS client is loaded on first use, so a destroy never pays for it.
import type { DBCluster, RDSClient } from '@aws-sdk/client-rds';
import type { KMSClient } from '@aws-sdk/client-kms';
import * as core from '@actions/core';
import { createHash } from 'node:crypto';
import { errorMessage, withContext } from '../errors.js';
import { checkSharedKey } from './shared.js';

/** The production cluster an environment's database is an Aurora copy-on-write clone of. */
export interface CloneChoice {
  /** The source cluster's identifier. */
  source: string;
  engine: string;
  engineVersion: string;
  /** The master user the clone inherits (and the environment's secret is made for). */
  masterUsername: string;
  /**
   * The source's latest restorable time when the clone was asked for: its data is from then. A
   * copy-on-write clone takes no RestoreToTime (RDS refuses one), so this is what is reported.
   */
  restoreTime: Date;
  /** The clone's own identifier: a new one for each clone, so that refresh-data replaces it. */
  clusterName: string;
  /** How it was chosen, for the report: cloned now, or kept from the environment's creation. */
  how: 'new' | 'pinned';
}

/**
 * Aurora's limit: "up to 15 clones based on a copy, including clones based on other clones. After
 * that, only copies can be created" (Aurora user guide, cloning limitations).
 */
export const AURORA_CLONE_LIMIT = 15;

/** `arn:aws:rds:region:acct:cluster:name` and `name` both name the cluster `name`. */
export function clusterId(cluster: string): string {
  return cluster.startsWith('arn:') ? cluster.slice(cluster.lastIndexOf(':') + 1) : cluster;
}

/** The region of an RDS ARN; undefined for a bare identifier. */
function arnRegion(arn: string | undefined): string | undefined {
  return arn?.startsWith('arn:') ? arn.split(':')[3] : undefined;
}

/**
 * Why `cluster` cannot be cloned from `region` now; undefined when it can. Pure. RDS clones only
 * within a region, only Aurora, and only an `available` cluster with at least one instance.
 */
export function cloneSourceProblem(cluster: DBCluster, region: string): string | undefined {
  const name = cluster.DBClusterIdentifier ?? '?';
  const where = arnRegion(cluster.DBClusterArn);
  if (where && where !== region) {
    return `cluster "${name}" is in ${where}, and Aurora clones only within a region (this run deploys to ${region})`;
  }
  if (!cluster.Engine?.startsWith('aurora')) {
    return `cluster "${name}" is not an Aurora cluster (engine ${cluster.Engine ?? 'unknown'}): only Aurora clusters can be cloned copy-on-write`;
  }
  if (cluster.Status !== 'available') {
    return `cluster "${name}" is "${cluster.Status ?? 'unknown'}": a clone needs it "available"`;
  }
  if ((cluster.DBClusterMembers ?? []).length === 0) {
    return `cluster "${name}" has no DB instance: Aurora clones a cluster only while it has one`;
  }
  if (!cluster.MasterUsername || !cluster.EngineVersion) {
    return `cluster "${name}" is described without its master username or engine version`;
  }
  return undefined;
}

/**
 * How many copy-on-write clones the source's clone group already holds: every cluster of the group
 * but the first copy. Pure. A cluster never cloned has no group, hence no clones.
 */
export function clonesOf(source: DBCluster, group: DBCluster[]): number {
  if (!source.CloneGroupId) return 0;
  const members = group.filter((c) => c.CloneGroupId === source.CloneGroupId);
  return Math.max(0, members.length - 1);
}

/** RDS: 1–63 letters, digits or hyphens, a letter first, no `--`, no trailing hyphen. */
const CLUSTER_ID_MAX = 63;

/**
 * The identifier of a new clone: the stack's name and the clone's time, `pr-env-shop-pr-7-20261122t030512`,
 * in lower case as RDS keeps it. A name too long is cut and given a short hash of the stack's name,
 * as stack names are. Pure.
 */
export function cloneClusterName(stackName: string, at: Date): string {
  const stamp = at.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', 't');
  const base = stackName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+|-+$/g, '');
  const room = CLUSTER_ID_MAX - stamp.length - 1;
  if (base.length <= room) return `${base || 'pr-env'}-${stamp}`;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  const cut = base.slice(0, room - hash.length - 1).replace(/-+$/, '');
  return `${cut}-${hash}-${stamp}`;
}

/** A name the clone being replaced does not have: the same name would keep the old cluster. */
function newName(request: CloneRequest): string {
  const name = cloneClusterName(request.stackName, request.now);
  if (name !== request.replacing) return name;
  return cloneClusterName(request.stackName, new Date(request.now.getTime() + 1000));
}

/**
 * One cluster, by identifier or ARN; undefined when it does not exist. Another account's cluster,
 * shared through AWS RAM, is listed only with IncludeShared.
 */
export async function findCluster(
  rds: RDSClient,
  cluster: string,
  shared = false,
): Promise<DBCluster | undefined> {
  const { DescribeDBClustersCommand } = await import('../aws/sdk/rds.js');
  try {
    const found = await rds.send(
      new DescribeDBClustersCommand({
        DBClusterIdentifier: cluster,
        IncludeShared: shared || undefined,
      }),
    );
    return found.DBClusters?.[0];
  } catch (error) {
    if ((error as { name?: string }).name === 'DBClusterNotFoundFault') return undefined;
    throw withContext(`Could not describe DB cluster "${clusterId(cluster)}"`, error);
  }
}

/** Every cluster of a clone group, across all pages. */
async function cloneGroup(rds: RDSClient, groupId: string): Promise<DBCluster[]> {
  const { DescribeDBClustersCommand } = await import('../aws/sdk/rds.js');
  const clusters: DBCluster[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(
      new DescribeDBClustersCommand({
        Filters: [{ Name: 'clone-group-id', Values: [groupId] }],
        MaxRecords: 100,
        Marker: marker,
      }),
    );
    clusters.push(...(page.DBClusters ?? []));
    marker = page.Marker;
  } while (marker);
  return clusters;
}

export interface CloneRequest {
  /** source-db-cluster: the production cluster. */
  source?: string;
  /** The identifier of the clone being refreshed, which the new one must not take. */
  replacing?: string;
  /** The region the environment is deployed to. */
  region: string;
  stackName: string;
  now: Date;
  /** The account the source lives in when it is not this one: a clone across accounts. */
  sharedBy?: string;
  kms?: () => Promise<KMSClient>;
}

/** What another account must share for this one to clone its cluster. */
const CROSS_ACCOUNT_CLONE =
  'the production account must share the cluster with this account through AWS RAM (a resource share of type rds:Cluster), and encrypt it with a customer-managed KMS key whose policy allows this account (not the AWS managed aws/rds key); or set "data-source: snapshot" and share snapshots (templates/production-share.yml)';

/**
 * Checks that the source can be cloned now, and names the clone. Read-only for production: it
 * only describes the source and counts its clone group. Throws, before anything is created, when
 * the source is missing, in another region, not available, or has used up Aurora's clones.
 */
export async function resolveNewClone(rds: RDSClient, request: CloneRequest): Promise<CloneChoice> {
  if (!request.source) {
    throw new Error(
      '"source-db-cluster" is required with "data-source: clone": expected the identifier of the production Aurora cluster to clone',
    );
  }
  const name = clusterId(request.source);
  const wrongRegion = arnRegion(request.source);
  if (wrongRegion && wrongRegion !== request.region) {
    throw new Error(
      `Cannot clone "${name}" (source-db-cluster): it is in ${wrongRegion}, and Aurora clones only within a region (this run deploys to ${request.region})`,
    );
  }
  const source = await findCluster(rds, request.source, request.sharedBy !== undefined);
  if (!source) {
    throw new Error(
      request.sharedBy
        ? `Cannot clone "${name}" (source-db-cluster) of account ${request.sharedBy}: it is not shared with this account; ${CROSS_ACCOUNT_CLONE}`
        : `Cannot clone "${name}" (source-db-cluster): there is no such DB cluster in ${request.region}`,
    );
  }
  const problem = cloneSourceProblem(source, request.region);
  if (problem) throw new Error(`Cannot clone "${name}" (source-db-cluster): ${problem}`);
  if (request.sharedBy && source.StorageEncrypted && source.KmsKeyId && request.kms) {
    await checkSharedKey(
      request.kms,
      source.KmsKeyId,
      `cluster "${name}" of account ${request.sharedBy}`,
    );
  }
  if (source.CloneGroupId) {
    let clones: number | undefined;
    try {
      clones = clonesOf(source, await cloneGroup(rds, source.CloneGroupId));
    } catch (error) {
      // Counting is a courtesy: without it, RDS itself says so at the 16th clone.
      core.warning(
        `Preflight: could not count the clones of "${name}" (${errorMessage(error)}). That check is skipped.`,
      );
    }
    if (clones !== undefined && clones >= AURORA_CLONE_LIMIT) {
      throw new Error(
        `Cannot clone "${name}" (source-db-cluster): its clone group already holds ${clones} copy-on-write clones, Aurora's limit (${AURORA_CLONE_LIMIT}); past it RDS makes only full copies. Destroy environments you no longer need, or set "data-source: snapshot"`,
      );
    }
    if (clones !== undefined)
      core.info(`Preflight: "${name}" has ${clones} of ${AURORA_CLONE_LIMIT} clones`);
  }
  return {
    // Another account's cluster is named by its ARN: RDS restores from a shared cluster only so.
    source: request.sharedBy ? request.source : (source.DBClusterIdentifier ?? name),
    engine: source.Engine!,
    engineVersion: source.EngineVersion!,
    masterUsername: source.MasterUsername!,
    restoreTime: source.LatestRestorableTime ?? request.now,
    clusterName: newName(request),
    how: 'new',
  };
}
