import {
  DescribeStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
// Types only: the RDS client is loaded on first use.
import type { RDSClient } from '@aws-sdk/client-rds';
import { withContext } from '../errors.js';
import { TAG } from '../naming.js';
import { tagsOf } from './describe.js';

// The stack's own Aurora clusters, for the action's sleep and wake and for the wake page's
// function alike: nothing here logs through @actions/core.

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

export async function describeCluster(
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
 * Why a DB cluster is not this stack's, or undefined when its tags show it is: CloudFormation's
 * own `aws:cloudformation:stack-id` tag naming the stack, or, where CloudFormation did not add
 * its tags (it has been known to skip them on clusters), the stack-level pr-env ownership tags it
 * propagates. A tag naming another stack always refuses. Pure.
 */
export function clusterOwnershipProblem(
  clusterTags: Record<string, string>,
  stack: Stack,
): string | undefined {
  const stackId = clusterTags['aws:cloudformation:stack-id'];
  const stackName = clusterTags['aws:cloudformation:stack-name'];
  if (stackId !== undefined || stackName !== undefined) {
    if (stackId === stack.StackId || (stackId === undefined && stackName === stack.StackName)) {
      return undefined;
    }
    return `its tags name the stack "${stackId ?? stackName}", not "${stack.StackId}"`;
  }
  const own = tagsOf(stack);
  const matches = [TAG.repository, TAG.pullRequest].every(
    (key) => own[key] !== undefined && clusterTags[key] === own[key],
  );
  return matches
    ? undefined
    : `it carries neither aws:cloudformation:stack-id nor this stack's ${TAG.repository} and ${TAG.pullRequest} tags`;
}
