// Types only: the RDS client is loaded on first use.
import type { RDSClient } from '@aws-sdk/client-rds';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { STSClient } from '@aws-sdk/client-sts';
import * as core from '@actions/core';
import { resolveNewClone, type CloneChoice } from './clone.js';
import { DATA_PARAMETERS, type DataSource } from './parameters.js';
import { foreignAccount } from './shared.js';
import { resolveSnapshot, type SnapshotChoice } from './snapshot.js';

export { DATA_PARAMETERS, DATA_SOURCES, type DataSource } from './parameters.js';

export type DataChoice =
  | { kind: 'snapshot'; snapshot: SnapshotChoice; masterUsername: string }
  | { kind: 'clone'; clone: CloneChoice };

export interface DataRequest {
  /** data-source: what a new environment (or refresh-data) starts from. */
  source: DataSource;
  /** source-db-cluster. */
  cluster?: string;
  /** snapshot-identifier. */
  explicitSnapshot?: string;
  /** The parameters of the stack being updated, if any: its data is kept unless refreshing. */
  stackParameters?: Record<string, string>;
  refresh: boolean;
  maxSnapshotAgeHours: number;
  region: string;
  stackName: string;
  now: Date;
  /** To check the key of data another account shares, and to tell that it is another's. */
  kms: () => Promise<KMSClient>;
  sts: () => Promise<STSClient>;
}

/** What the stack's database came from, by its parameters; undefined for a new stack. Pure. */
export function stackDataSource(
  parameters: Record<string, string> | undefined,
): DataSource | undefined {
  if (!parameters) return undefined;
  if (parameters[DATA_PARAMETERS.cloneSource]) return 'clone';
  if (parameters[DATA_PARAMETERS.snapshot]) return 'snapshot';
  return undefined;
}

/** A clone as the stack's parameters record it: nothing is asked of RDS, nor of production. Pure. */
export function pinnedClone(parameters: Record<string, string>): CloneChoice {
  const time = new Date(parameters[DATA_PARAMETERS.cloneRestoreTime] ?? '');
  return {
    source: parameters[DATA_PARAMETERS.cloneSource] ?? '',
    engine: parameters[DATA_PARAMETERS.engine] ?? '',
    engineVersion: parameters[DATA_PARAMETERS.engineVersion] ?? '',
    masterUsername: parameters[DATA_PARAMETERS.masterUsername] ?? '',
    restoreTime: Number.isNaN(time.getTime()) ? new Date(0) : time,
    clusterName: parameters[DATA_PARAMETERS.cloneClusterName] ?? '',
    how: 'pinned',
  };
}

/**
 * Which data a deploy gives the environment. An update keeps what the stack has, snapshot or
 * clone, whatever `data-source` now says (a changed source would replace the database); a create
 * or refresh-data starts from `data-source`.
 */
export async function resolveData(rds: RDSClient, request: DataRequest): Promise<DataChoice> {
  const pinned = request.refresh ? undefined : stackDataSource(request.stackParameters);
  if (pinned && pinned !== request.source) {
    core.info(
      `The environment's database was made from a ${pinned}: it is kept ("data-source: ${request.source}" applies to a new environment, or with refresh-data)`,
    );
  }
  if ((pinned ?? request.source) === 'clone') {
    const clone =
      pinned === 'clone'
        ? pinnedClone(request.stackParameters!)
        : await resolveNewClone(rds, {
            source: request.cluster,
            replacing: request.stackParameters?.[DATA_PARAMETERS.cloneClusterName] || undefined,
            region: request.region,
            stackName: request.stackName,
            now: request.now,
            sharedBy: await foreignAccount(request.sts, request.cluster),
            kms: request.kms,
          });
    return { kind: 'clone', clone };
  }
  const snapshot = await resolveSnapshot(rds, {
    cluster: request.cluster,
    explicit: request.explicitSnapshot,
    stackParameters: pinned === 'snapshot' ? request.stackParameters : undefined,
    refresh: request.refresh,
    maxAgeHours: request.maxSnapshotAgeHours,
    now: request.now,
    sharedBy: await foreignAccount(request.sts, request.explicitSnapshot ?? request.cluster),
    kms: request.kms,
  });
  const kept =
    snapshot.source === 'pinned'
      ? request.stackParameters?.[DATA_PARAMETERS.masterUsername]
      : undefined;
  const masterUsername = kept || snapshot.masterUsername;
  if (!masterUsername) {
    throw new Error(
      `Could not tell the master username of snapshot "${snapshot.identifier}", which the environment's secret is made for: pass it with "parameters: ${DATA_PARAMETERS.masterUsername}=<name>"`,
    );
  }
  return { kind: 'snapshot', snapshot, masterUsername };
}

/** The parameter values the action passes for the chosen data. Pure. */
export function dataParameters(choice: DataChoice): Record<string, string> {
  if (choice.kind === 'clone') {
    const { clone } = choice;
    return {
      [DATA_PARAMETERS.snapshot]: '',
      [DATA_PARAMETERS.cloneSource]: clone.source,
      [DATA_PARAMETERS.cloneRestoreTime]: clone.restoreTime.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      [DATA_PARAMETERS.cloneClusterName]: clone.clusterName,
      [DATA_PARAMETERS.engine]: clone.engine,
      [DATA_PARAMETERS.engineVersion]: clone.engineVersion,
      [DATA_PARAMETERS.masterUsername]: clone.masterUsername,
    };
  }
  const { snapshot } = choice;
  return {
    [DATA_PARAMETERS.snapshot]: snapshot.arn,
    [DATA_PARAMETERS.cloneSource]: '',
    [DATA_PARAMETERS.cloneRestoreTime]: '',
    [DATA_PARAMETERS.cloneClusterName]: '',
    [DATA_PARAMETERS.engine]: snapshot.engine,
    [DATA_PARAMETERS.engineVersion]: snapshot.engineVersion,
    [DATA_PARAMETERS.masterUsername]: choice.masterUsername,
  };
}

/** One log line about the data, for the run's log. Pure. */
export function describeData(choice: DataChoice): string {
  if (choice.kind === 'clone') {
    const { clone } = choice;
    return `Database: clone of ${clone.source} as of ${clone.restoreTime.toISOString()} (${clone.how === 'new' ? 'cloned now' : 'kept'}), cluster ${clone.clusterName}`;
  }
  return `Database: snapshot ${choice.snapshot.arn} (${choice.snapshot.source})`;
}
