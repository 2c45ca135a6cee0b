// Types only: the RDS and KMS clients are loaded on first use.
import type { DBClusterSnapshot, RDSClient } from '@aws-sdk/client-rds';
import type { KeyMetadata, KMSClient } from '@aws-sdk/client-kms';
import type { STSClient } from '@aws-sdk/client-sts';
import { errorMessage, withContext } from '../errors.js';

/**
 * Production in its own account: the environments live in a sandbox account that production
 * shares manual snapshots with (templates/production-share.yml). A cluster named by ARN is
 * matched by its account as well as its name: a cluster of the same name in this account, or in a
 * third one, is not production.
 */

/** The parts of an RDS ARN (`arn:aws:rds:eu-west-1:111122223333:cluster:prod-db`). Pure. */
export interface RdsArn {
  partition: string;
  region: string;
  account: string;
  kind: string;
  name: string;
}

export function parseRdsArn(text: string | undefined): RdsArn | undefined {
  const match = /^arn:(aws[a-z-]*):rds:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/.exec(text ?? '');
  if (!match) return undefined;
  const [, partition, region, account, kind, name] = match as unknown as string[];
  return { partition: partition!, region: region!, account: account!, kind: kind!, name: name! };
}

/**
 * The account a cluster named by ARN lives in when that is not this one (production in its own
 * account); undefined for this account's clusters, by name or ARN. Asks STS who this run is only
 * for an ARN (GetCallerIdentity needs no permission).
 */
export async function foreignAccount(
  sts: () => Promise<STSClient>,
  cluster: string | undefined,
): Promise<string | undefined> {
  const arn = parseRdsArn(cluster);
  if (!arn) return undefined;
  const { GetCallerIdentityCommand } = await import('../aws/sdk/sts.js');
  let own: string | undefined;
  try {
    own = (await (await sts()).send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw withContext(
      'Could not tell which AWS account this run is in (sts:GetCallerIdentity)',
      error,
    );
  }
  return own && arn.account !== own ? arn.account : undefined;
}

/**
 * The snapshots of `cluster` among `snapshots`, by name and, when the cluster is named by ARN, by
 * the account its snapshots' ARNs name. RDS keeps identifiers in lower case and matches them
 * case-insensitively. Pure.
 */
export function snapshotsOfCluster(
  snapshots: DBClusterSnapshot[],
  cluster: string,
): DBClusterSnapshot[] {
  const arn = parseRdsArn(cluster);
  const name = (arn?.name ?? cluster).toLowerCase();
  return snapshots.filter(
    (s) =>
      s.DBClusterIdentifier?.toLowerCase() === name &&
      (!arn || parseRdsArn(s.DBClusterSnapshotArn)?.account === arn.account),
  );
}

/**
 * Every manual snapshot other accounts share with this one, across all pages. RDS lists them
 * without a cluster filter; the caller keeps those of production's cluster.
 */
export async function listSharedSnapshots(rds: RDSClient): Promise<DBClusterSnapshot[]> {
  const { DescribeDBClusterSnapshotsCommand } = await import('../aws/sdk/rds.js');
  const snapshots: DBClusterSnapshot[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await rds.send(
        new DescribeDBClusterSnapshotsCommand({
          SnapshotType: 'shared',
          IncludeShared: true,
          MaxRecords: 100,
          Marker: marker,
        }),
      );
      snapshots.push(...(page.DBClusterSnapshots ?? []));
      marker = page.Marker;
    } while (marker);
  } catch (error) {
    throw withContext('Could not list the snapshots shared with this account', error);
  }
  return snapshots;
}

/**
 * Why this account cannot restore data encrypted with a key, by what KMS said of it; undefined
 * when it can. Pure. An AWS managed key (aws/rds) cannot be used by another account at all.
 */
export function keyProblem(key: KeyMetadata): string | undefined {
  if (key.KeyManager === 'AWS') {
    return "it is the production account's AWS managed key (aws/rds), which no other account can use: production must copy the snapshot with a customer-managed key shared with this account (templates/production-share.yml does)";
  }
  if (key.KeyState && key.KeyState !== 'Enabled') {
    return `the key is ${key.KeyState}: it must be Enabled`;
  }
  return undefined;
}

/**
 * Checks, before any stack call, that this account may use the KMS key that encrypts a snapshot
 * or cluster shared with it: a restore that cannot decrypt fails only after minutes. DescribeKey
 * is refused when neither the key's policy (production's side) nor the deploy role (the setup's
 * SnapshotKmsKeyArn) allows it; either way the service role could not use the key either.
 */
export async function checkSharedKey(
  kms: () => Promise<KMSClient>,
  keyId: string,
  what: string,
): Promise<void> {
  const { DescribeKeyCommand } = await import('../aws/sdk/kms.js');
  let key: KeyMetadata | undefined;
  try {
    key = (await (await kms()).send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
  } catch (error) {
    const name = (error as { name?: string }).name ?? '';
    const why =
      name === 'NotFoundException'
        ? 'the key does not exist (or was deleted)'
        : /AccessDenied/.test(name)
          ? "this account may not use it: production's key policy must allow this account (kms:DescribeKey, kms:CreateGrant, kms:Decrypt), and the setup's SnapshotKmsKeyArn name the key"
          : undefined;
    if (!why) throw withContext(`Could not describe KMS key ${keyId} of ${what}`, error);
    throw new Error(
      `${capitalise(what)} is encrypted with KMS key ${keyId}: ${why} (KMS said: ${errorMessage(error)})`,
      { cause: error },
    );
  }
  const problem = key && keyProblem(key);
  if (problem)
    throw new Error(`${capitalise(what)} is encrypted with KMS key ${keyId}: ${problem}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
