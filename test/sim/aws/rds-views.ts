/**
 * RDS's XML shapes for clusters and cluster snapshots, field by field as the SDK's model has them
 * (DBCluster, DBClusterSnapshot), so real clients parse them.
 */
import type { Cluster, Snapshot } from './rds.js';
import { xmlList } from './xml.js';

const tagList = (tags: Record<string, string>) =>
  xmlList(
    'Tag',
    Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
  );

function availabilityZones(region: string) {
  return xmlList(
    'AvailabilityZone',
    ['a', 'b', 'c'].map((l) => `${region}${l}`),
  );
}

/** Aurora keeps a cluster restorable to about five minutes ago. */
const RESTORE_LAG_MS = 5 * 60_000;

export function clusterXml(c: Cluster, region: string): Record<string, unknown> {
  const host = `cluster-c${c.resourceId.slice(8, 19).toLowerCase()}.${region}.rds.amazonaws.com`;
  const restorable = c.latestRestorableTime ?? new Date(Date.now() - RESTORE_LAG_MS);
  return {
    AllocatedStorage: 1,
    AvailabilityZones: availabilityZones(region),
    BackupRetentionPeriod: 1,
    DBClusterIdentifier: c.id,
    DBClusterParameterGroup: `default.${c.engine}${c.engineVersion.split('.')[0]}`,
    DBSubnetGroup: 'default',
    Status: c.status,
    EarliestRestorableTime: c.createdAt,
    Endpoint: `${c.id}.${host}`,
    ReaderEndpoint: `${c.id}.${host.replace('cluster-', 'cluster-ro-')}`,
    MultiAZ: false,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    LatestRestorableTime: restorable < c.createdAt ? c.createdAt : restorable,
    Port: c.port,
    MasterUsername: c.masterUsername,
    DBClusterMembers: xmlList(
      'DBClusterMember',
      c.members.map((id, i) => ({
        DBInstanceIdentifier: id,
        IsClusterWriter: i === 0,
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      })),
    ),
    VpcSecurityGroups: xmlList('VpcSecurityGroupMembership', []),
    StorageEncrypted: true,
    KmsKeyId: c.kmsKeyId,
    DbClusterResourceId: c.resourceId,
    DBClusterArn: c.arn,
    CloneGroupId: c.cloneGroupId,
    ClusterCreateTime: c.createdAt,
    EngineMode: 'provisioned',
    DeletionProtection: false,
    TagList: tagList(c.tags),
  };
}

export function snapshotXml(
  s: Snapshot,
  region: string,
  cluster: Cluster | undefined,
  own = true,
): Record<string, unknown> {
  return {
    AvailabilityZones: availabilityZones(region),
    DBClusterSnapshotIdentifier: s.id,
    DBClusterIdentifier: s.cluster,
    SnapshotCreateTime: s.createdAt,
    Engine: s.engine,
    EngineMode: 'provisioned',
    AllocatedStorage: 0,
    Status: s.status,
    Port: 0,
    ClusterCreateTime: cluster?.createdAt ?? s.createdAt,
    MasterUsername: s.masterUsername,
    EngineVersion: s.engineVersion,
    LicenseModel: s.engine.includes('postgres') ? 'postgresql-license' : 'general-public-license',
    // A snapshot another account shares is listed as shared.
    SnapshotType: own ? s.type : 'shared',
    PercentProgress: s.status === 'available' ? 100 : 42,
    StorageEncrypted: true,
    KmsKeyId: s.kmsKeyId,
    DBClusterSnapshotArn: s.arn,
    IAMDatabaseAuthenticationEnabled: false,
    TagList: tagList(s.tags),
  };
}
