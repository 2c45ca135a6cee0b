import * as core from '@actions/core';
import type { Stack } from '@aws-sdk/client-cloudformation';
import type { PullRequestInfo } from '../github/event.js';
import type { DeployPlan } from '../stack/deploy.js';
import type { RunContext } from './context.js';
import { stackClusters } from '../stack/clusters.js';
import { startClusters } from './sleep-cluster.js';
import { deployPlanFor, sleepStateOf } from './sleep-state.js';

/** How often a wake polls a starting cluster at first (the simulator's tests shorten it). */
export function clusterPollMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.PR_ENV_POLL_FAST_MS);
  return Number.isFinite(value) && value > 0 ? value : 5_000;
}

/** Starts the stack's Aurora clusters (checked to be its own) and waits until they are available. */
export async function wakeDatabase(context: RunContext, stack: Stack): Promise<void> {
  const rds = await context.aws.rds();
  const clusters = await stackClusters(await context.aws.cloudFormation(), rds, stack);
  await startClusters(rds, clusters, {
    clock: context.clock,
    deadline: context.deadline,
    pollMs: clusterPollMs(),
  });
}

/**
 * The plan of an ordinary deploy (a push, `/pr-env deploy`, `refresh-data`), aware of sleep: a
 * push is activity, so a sleeping environment wakes (its database is started first, then the
 * deploy brings the web tier back with the remembered capacity); an awake one has its idle clock
 * restarted when the head moved.
 */
export function sleepAwareDeploy(
  context: RunContext,
  pr: PullRequestInfo,
  plan: (existing: Stack | undefined) => Promise<DeployPlan>,
): (existing: Stack | undefined) => Promise<DeployPlan> {
  return async (existing) => {
    if (existing) context.report.wokeOnVisit = sleepStateOf(existing).wokeOnVisit;
    if (existing && sleepStateOf(existing).asleep) {
      core.info(`Stack "${existing.StackName}" is asleep: waking it for this deploy`);
      context.report.wokeForDeploy = true;
      await wakeDatabase(context, existing);
    }
    return deployPlanFor(
      await plan(existing),
      existing,
      pr.headSha,
      context.settings.parameters,
      new Date(context.clock.now()),
    );
  };
}
