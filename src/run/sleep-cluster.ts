import * as core from '@actions/core';
import {
  DescribeStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
// Types only: the RDS client is loaded on first use.
import type { RDSClient } from '@aws-sdk/client-rds';
import type { Clock } from '../clock.js';
import { withContext } from '../errors.js';
import { clusterOwnershipProblem } from './sleep-state.js';

/** An Aurora cluster of a PR's stack, as RDS describes it. */
export interface StackCluster {
  id: string;
  status: string;
  /** The database the cluster was created with (restored with the snapshot, or cloned). */
  databaseName?: string;
}

/** The physical IDs of the stack's AWS::RDS::DBCluster resources. */
async function clusterIds(cfn: CloudFormationClient, stack: Stack): Promise<string[]> {
  try {
    const { StackResources = [] } = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: stack.StackId ?? stack.StackName }),
    );
    return StackResources.filter(
      (r) => r.ResourceType === 'AWS::RDS::DBCluster' && r.PhysicalResourceId,
    ).map((r) => r.PhysicalResourceId as string);
  } catch (error) {
    throw withContext(`Could not list the resources of stack "${stack.StackName}"`, error);
  }
}

async function describeCluster(
  rds: RDSClient,
  id: string,
): Promise<{ status: string; tags: Record<string, string>; databaseName?: string }> {
  const { DescribeDBClustersCommand } = await import('../aws/sdk/rds.js');
  try {
    const { DBClusters = [] } = await rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: id }),
    );
    const cluster = DBClusters[0];
    return {
      status: cluster?.Status ?? 'unknown',
      databaseName: cluster?.DatabaseName,
      tags: Object.fromEntries((cluster?.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
    };
  } catch (error) {
    throw withContext(`Could not describe DB cluster "${id}"`, error);
  }
}

/**
 * The stack's Aurora clusters, each checked by its tags to belong to this stack before anything
 * is done to it: a physical ID is only a name, and a cluster of the same name elsewhere must
 * never be stopped or started by a PR's command.
 */
export async function stackClusters(
  cfn: CloudFormationClient,
  rds: RDSClient,
  stack: Stack,
): Promise<StackCluster[]> {
  const clusters: StackCluster[] = [];
  for (const id of await clusterIds(cfn, stack)) {
    const { status, tags, databaseName } = await describeCluster(rds, id);
    const problem = clusterOwnershipProblem(tags, stack);
    if (problem) {
      throw new Error(
        `DB cluster "${id}" is not stopped or started: ${problem}. It is left untouched.`,
      );
    }
    clusters.push({ id, status, databaseName });
  }
  return clusters;
}

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
