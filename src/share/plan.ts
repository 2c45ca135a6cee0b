import type { DBClusterSnapshot } from '@aws-sdk/client-rds';

/**
 * Production's side of "production in its own account" (templates/production-share.yml): a small
 * Lambda in the production account keeps manual copies of the source cluster's newest automated
 * snapshot (automated snapshots cannot be shared), encrypted with a key the sandbox account may
 * use, shared with it, and the newest `keep` only. This module decides; handler.ts acts.
 *
 * It reconciles rather than reacts: whatever event woke it (a snapshot taken, a copy finished,
 * the schedule), it works out what should exist from what does, so a repeated or late event does
 * nothing twice. Only copies it made (its name prefix *and* its stack's tag) are ever shared or
 * deleted; production's own snapshots are only read.
 */

/** The tag every copy carries: the share stack that made it. */
export const SHARE_TAG = 'pr-env:share-stack';

export interface ShareSettings {
  /** The production cluster's identifier. */
  cluster: string;
  /** The accounts the copies are shared with (the environments' sandbox). */
  accounts: string[];
  /** How many copies to keep, newest first. */
  keep: number;
  /** The share stack's name: the copies' tag value. */
  stackName: string;
  /** The customer-managed key the copies are encrypted with, which the sandbox may use. */
  keyId: string;
}

export interface SharePlan {
  /** The automated snapshot to copy, and the copy's identifier; none when it is copied already. */
  copy?: { source: string; target: string };
  /** Copies to share (available, among the newest kept). */
  share: string[];
  /** Copies to delete (available, older than the newest kept). */
  remove: string[];
}

/** `pr-env-share-<cluster>-`: what a copy's identifier starts with. Pure. */
export function copyPrefix(cluster: string): string {
  return `pr-env-share-${cluster.toLowerCase()}-`;
}

/** The copy of an automated snapshot: `rds:prod-db-2026-11-22-03-00` -> `pr-env-share-prod-db-2026-11-22-03-00`. */
export function copyName(cluster: string, automated: string): string {
  const stamp = automated.replace(/^rds:/, '').slice(cluster.length).replace(/^-+/, '');
  return `${copyPrefix(cluster)}${stamp}`.replace(/[^a-zA-Z0-9-]/g, '-').replace(/-{2,}/g, '-');
}

const created = (s: DBClusterSnapshot) => s.SnapshotCreateTime?.getTime() ?? 0;
const newestFirst = (a: DBClusterSnapshot, b: DBClusterSnapshot) => created(b) - created(a);

/** Whether a manual snapshot is one of this stack's copies: by name and by tag, never one only. */
export function isOwnCopy(snapshot: DBClusterSnapshot, settings: ShareSettings): boolean {
  const id = snapshot.DBClusterSnapshotIdentifier ?? '';
  const tagged = (snapshot.TagList ?? []).some(
    (t) => t.Key === SHARE_TAG && t.Value === settings.stackName,
  );
  return tagged && id.startsWith(copyPrefix(settings.cluster));
}

/**
 * What to do now, from the cluster's automated snapshots and its manual ones. Pure. A copy of
 * the newest available automated snapshot is made unless it exists (in any state); the newest
 * `keep` copies are shared once available (sharing again is harmless: RDS keeps a set); older
 * ones are deleted once available (one still copying cannot be).
 */
export function planShare(
  automated: DBClusterSnapshot[],
  manual: DBClusterSnapshot[],
  settings: ShareSettings,
): SharePlan {
  const newest = automated
    .filter((s) => s.Status === 'available' && s.SnapshotType !== 'manual')
    .sort(newestFirst)[0];
  const copies = manual.filter((s) => isOwnCopy(s, settings));
  const target = newest && copyName(settings.cluster, newest.DBClusterSnapshotIdentifier ?? '');
  const copied = copies.some((c) => c.DBClusterSnapshotIdentifier === target);
  const copy =
    newest && target && !copied
      ? { source: newest.DBClusterSnapshotArn ?? newest.DBClusterSnapshotIdentifier!, target }
      : undefined;
  // A copy about to be made is the newest of all: it takes one of the places kept.
  const kept = Math.max(0, settings.keep - (copy ? 1 : 0));
  const ordered = [...copies].sort(newestFirst);
  const ids = (list: DBClusterSnapshot[]) =>
    list.filter((s) => s.Status === 'available').map((s) => s.DBClusterSnapshotIdentifier!);
  return { copy, share: ids(ordered.slice(0, kept)), remove: ids(ordered.slice(kept)) };
}

/** The settings from the function's environment, each checked. Pure. */
export function shareSettings(env: Record<string, string | undefined>): ShareSettings {
  const cluster = env.SOURCE_CLUSTER ?? '';
  const accounts = (env.SHARE_WITH ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const keep = Number(env.KEEP_COPIES ?? '3');
  const stackName = env.SHARE_STACK ?? '';
  const keyId = env.SHARE_KEY_ID ?? '';
  const problems = [
    !/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(cluster) &&
      `SOURCE_CLUSTER "${cluster}" is not a DB cluster identifier`,
    (accounts.length === 0 || accounts.some((a) => !/^\d{12}$/.test(a))) &&
      `SHARE_WITH "${env.SHARE_WITH ?? ''}" is not a list of 12-digit account IDs`,
    !(Number.isInteger(keep) && keep >= 1) &&
      `KEEP_COPIES "${env.KEEP_COPIES}" is not a whole number of at least 1`,
    !stackName && 'SHARE_STACK is empty',
    !keyId && 'SHARE_KEY_ID is empty',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`pr-env share: ${problems.join('; ')}`);
  return { cluster, accounts, keep, stackName, keyId };
}
