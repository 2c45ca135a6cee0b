/**
 * The scrub gate, decided from what the stack records. Three template parameters carry it, so
 * that CloudFormation stays the one record and any later run reads it back:
 * - `DBAppAccess`: `open` lets the web tier reach the database; `closed` admits the bastion only;
 * - `DBScrubSqlS3Uri`: the SQL the bastion may read;
 * - `DBScrubState`: `pending sha256=… at=…` from the deploy that closes the database until the
 *   scrub has run, then `passed sha256=… at=… seconds=…` from the update that opens it. A scrub
 *   that failed (or a run that stopped half-way) leaves `pending`: the data stays cut off.
 * Pure.
 */
import { DATA_PARAMETERS } from '../data/parameters.js';

export const SCRUB_PARAMETERS = {
  access: 'DBAppAccess',
  sqlUri: 'DBScrubSqlS3Uri',
  state: 'DBScrubState',
} as const;

export interface ScrubRecord {
  status: 'pending' | 'passed';
  sha256: string;
  /** ISO 8601, when the scrub started. */
  at: string;
  seconds?: number;
}

export function formatScrubRecord(record: ScrubRecord): string {
  const seconds = record.seconds === undefined ? '' : ` seconds=${record.seconds}`;
  return `${record.status} sha256=${record.sha256} at=${record.at}${seconds}`;
}

/** The inverse of formatScrubRecord; undefined for an empty or unreadable value. */
export function parseScrubRecord(text: string | undefined): ScrubRecord | undefined {
  const match =
    /^(pending|passed) sha256=([0-9a-f]{64}) at=(\S+)(?: seconds=(\d+(?:\.\d+)?))?$/.exec(
      text?.trim() ?? '',
    );
  if (!match) return undefined;
  return {
    status: match[1] as ScrubRecord['status'],
    sha256: match[2]!,
    at: match[3]!,
    seconds: match[4] === undefined ? undefined : Number(match[4]),
  };
}

/** Where the scrub SQL of a stack lives in the template bucket: one object per content. */
export function scrubSqlKey(stackName: string, sha256: string): string {
  return `pr-env/${stackName}/scrub/${sha256}.sql`;
}

export interface ScrubQuestion {
  /** The scrub-sql input's SHA-256; undefined when no scrub is configured. */
  sha256?: string;
  /** The stack's parameters; undefined for a create. */
  existing?: Record<string, string>;
  /** The data parameters this deploy sends (a changed one replaces the database). */
  data: Record<string, string>;
  /** `/pr-env scrub`. */
  requested: boolean;
}

export type ScrubDecision =
  | { run: false; reason: string; record?: ScrubRecord; sqlChanged?: boolean }
  | { run: true; reason: string };

/** Data parameters whose change replaces the cluster (the restore or clone it starts from). */
const DATA_IDENTITY = [
  DATA_PARAMETERS.snapshot,
  DATA_PARAMETERS.cloneSource,
  DATA_PARAMETERS.cloneClusterName,
] as const;

/**
 * Whether this deploy scrubs: after a create, after the data is replaced (refresh-data, or any
 * change of the data's origin), on `/pr-env scrub`, and on an environment that has never been
 * scrubbed (scrub-sql added since it was created). Never on a push that keeps the data.
 */
export function decideScrub(question: ScrubQuestion): ScrubDecision {
  const { sha256, existing, data, requested } = question;
  if (!sha256) return { run: false, reason: 'no scrub-sql' };
  if (!existing) return { run: true, reason: 'a new database' };
  const replaced = DATA_IDENTITY.filter(
    (key) => data[key] !== undefined && (existing[key] ?? '') !== data[key],
  );
  if (replaced.length > 0) return { run: true, reason: `the data is replaced (${replaced[0]})` };
  if (requested) return { run: true, reason: '/pr-env scrub' };
  const record = parseScrubRecord(existing[SCRUB_PARAMETERS.state]);
  if (!record) return { run: true, reason: 'this database has never been scrubbed' };
  return {
    run: false,
    reason:
      record.status === 'passed' ? 'the data was scrubbed before' : 'the last scrub did not pass',
    record,
    sqlChanged: record.sha256 !== sha256,
  };
}

/**
 * The gate's parameter values for this deploy. A scrub to run closes the database (the web
 * tier's rule goes in the same update that brings new data, before the new cluster exists); no
 * scrub configured opens it; otherwise the stack keeps what it has.
 */
export function scrubParameterValues(
  decision: ScrubDecision,
  existing: Record<string, string> | undefined,
  pending: { sha256: string; at: string; uri: string } | undefined,
): Record<string, string> {
  if (decision.run && pending) {
    return {
      [SCRUB_PARAMETERS.access]: 'closed',
      [SCRUB_PARAMETERS.sqlUri]: pending.uri,
      [SCRUB_PARAMETERS.state]: formatScrubRecord({
        status: 'pending',
        sha256: pending.sha256,
        at: pending.at,
      }),
    };
  }
  if (!decision.run && decision.reason === 'no scrub-sql') {
    return {
      [SCRUB_PARAMETERS.access]: 'open',
      [SCRUB_PARAMETERS.sqlUri]: '',
      [SCRUB_PARAMETERS.state]: '',
    };
  }
  return {
    [SCRUB_PARAMETERS.access]: existing?.[SCRUB_PARAMETERS.access] || 'closed',
    [SCRUB_PARAMETERS.sqlUri]: existing?.[SCRUB_PARAMETERS.sqlUri] ?? '',
    [SCRUB_PARAMETERS.state]: existing?.[SCRUB_PARAMETERS.state] ?? '',
  };
}

/** The values that open the database once the scrub has passed. */
export function openedValues(record: ScrubRecord): Record<string, string> {
  return {
    [SCRUB_PARAMETERS.access]: 'open',
    [SCRUB_PARAMETERS.state]: formatScrubRecord({ ...record, status: 'passed' }),
  };
}

/** What the report says of the scrub. */
export interface ScrubReport {
  /** passed / failed: this run's scrub; kept: the record of an earlier one (passed or not). */
  status: 'passed' | 'failed' | 'pending' | 'kept';
  /** scrub-sql as given. */
  file?: string;
  sha256: string;
  at?: string;
  seconds?: number;
  /** For kept: whether the earlier scrub passed. */
  passed?: boolean;
  /** For kept: the SQL differs from the one that ran. */
  sqlChanged?: boolean;
}
