// The production account's share function (templates/production-share.yml), bundled from here
// into the template: Node.js 22 on Lambda, whose runtime provides the AWS SDK.
import {
  CopyDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  RDSClient,
  type DBClusterSnapshot,
} from '@aws-sdk/client-rds';
import { SHARE_TAG, planShare, shareSettings, type SharePlan, type ShareSettings } from './plan.js';

async function listSnapshots(
  rds: RDSClient,
  cluster: string,
  type: 'automated' | 'manual',
): Promise<DBClusterSnapshot[]> {
  const snapshots: DBClusterSnapshot[] = [];
  let marker: string | undefined;
  do {
    const page = await rds.send(
      new DescribeDBClusterSnapshotsCommand({
        DBClusterIdentifier: cluster,
        SnapshotType: type,
        MaxRecords: 100,
        Marker: marker,
      }),
    );
    snapshots.push(...(page.DBClusterSnapshots ?? []));
    marker = page.Marker;
  } while (marker);
  return snapshots;
}

/** Carries out a plan, copy first: every step is safe to repeat. */
async function apply(rds: RDSClient, plan: SharePlan, settings: ShareSettings): Promise<void> {
  if (plan.copy) {
    await rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: plan.copy.source,
        TargetDBClusterSnapshotIdentifier: plan.copy.target,
        KmsKeyId: settings.keyId,
        Tags: [{ Key: SHARE_TAG, Value: settings.stackName }],
      }),
    );
  }
  for (const id of plan.share) {
    await rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: id,
        AttributeName: 'restore',
        ValuesToAdd: settings.accounts,
      }),
    );
  }
  for (const id of plan.remove) {
    await rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }));
  }
}

/** Reconciles the copies with the cluster's snapshots, whatever the event. */
export async function reconcile(
  rds: RDSClient,
  env: Record<string, string | undefined>,
): Promise<SharePlan> {
  const settings = shareSettings(env);
  const [automated, manual] = await Promise.all([
    listSnapshots(rds, settings.cluster, 'automated'),
    listSnapshots(rds, settings.cluster, 'manual'),
  ]);
  const plan = planShare(automated, manual, settings);
  await apply(rds, plan, settings);
  // A Lambda's console is its CloudWatch log.
  // eslint-disable-next-line no-console
  console.log(JSON.stringify({ cluster: settings.cluster, ...plan }));
  return plan;
}

let client: RDSClient | undefined;

export async function handler(): Promise<SharePlan> {
  client ??= new RDSClient({});
  return reconcile(client, process.env);
}
