import * as core from '@actions/core';
// Types only: the RDS client is loaded on first use.
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Clock } from '../clock.js';
import { withContext } from '../errors.js';
import { describeCluster, type StackCluster } from '../stack/clusters.js';

/**
 * Stops the clusters that are running. A cluster already stopping or stopped is left be; one in
 * another state (backing up, modifying) cannot be stopped now and is reported: the sweeper stops
 * it once it is available again. Returns each cluster's status afterwards.
 */
export async function stopClusters(rds: RDSClient, clusters: StackCluster[]): Promise<string[]> {
  const { StopDBClusterCommand } = await import('../aws/sdk/rds.js');
  const statuses: string[] = [];
  for (const cluster of clusters) {
    if (cluster.status === 'available') {
      try {
        const { DBCluster } = await rds.send(
          new StopDBClusterCommand({ DBClusterIdentifier: cluster.id }),
        );
        core.info(`Database: stopping cluster ${cluster.id}`);
        statuses.push(DBCluster?.Status ?? 'stopping');
      } catch (error) {
        throw withContext(`Could not stop DB cluster "${cluster.id}"`, error);
      }
    } else {
      if (!['stopped', 'stopping'].includes(cluster.status)) {
        core.warning(
          `DB cluster "${cluster.id}" is ${cluster.status}, not available: it cannot be stopped now; the sweeper stops it later`,
        );
      }
      statuses.push(cluster.status);
    }
  }
  return statuses;
}

export interface StartOptions {
  clock: Clock;
  deadline: number;
  /** First wait between polls; doubled up to 30 s (a start takes minutes). */
  pollMs: number;
}

/**
 * Starts the stopped clusters and waits until every cluster is available: the web tier must not
 * come back to a database that is still starting. A cluster still stopping (a sleep a moment
 * ago) is waited out and then started.
 */
export async function startClusters(
  rds: RDSClient,
  clusters: StackCluster[],
  options: StartOptions,
): Promise<void> {
  const { StartDBClusterCommand } = await import('../aws/sdk/rds.js');
  let interval = options.pollMs;
  for (const cluster of clusters) {
    let status = cluster.status;
    while (status !== 'available') {
      if (status === 'stopped') {
        try {
          await rds.send(new StartDBClusterCommand({ DBClusterIdentifier: cluster.id }));
          core.info(`Database: starting cluster ${cluster.id}`);
        } catch (error) {
          throw withContext(`Could not start DB cluster "${cluster.id}"`, error);
        }
      }
      if (options.clock.now() >= options.deadline) {
        throw new Error(
          `DB cluster "${cluster.id}" is still ${status} at the end of timeout-minutes: the web tier was not scaled back up; run /pr-env wake again once it is available`,
        );
      }
      await options.clock.sleep(
        Math.min(interval, Math.max(0, options.deadline - options.clock.now())),
      );
      interval = Math.min(interval * 2, 30_000);
      status = (await describeCluster(rds, cluster.id)).status;
    }
  }
}
