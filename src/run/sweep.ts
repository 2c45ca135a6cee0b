import * as core from '@actions/core';
import {
  DescribeStacksCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { errorMessage } from '../errors.js';
import { getPullRequest } from '../github/pulls.js';
import type { RunReport, SweepEntry } from '../report/report.js';
import { destroyStack } from '../stack/destroy.js';
import { stackTarget, type RunContext } from './context.js';
import { restEnvironments, type KeptEnvironment } from './sleep-sweep.js';
import { ownedStacks, sweepVerdict } from './sweep-decision.js';

async function listAllStacks(cfn: CloudFormationClient): Promise<Stack[]> {
  const stacks: Stack[] = [];
  let nextToken: string | undefined;
  do {
    const page = await cfn.send(new DescribeStacksCommand({ NextToken: nextToken }));
    stacks.push(...(page.Stacks ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return stacks.filter((s) => s.StackStatus !== 'DELETE_COMPLETE');
}

async function pullRequestState(
  context: RunContext,
  pr: number,
): Promise<'open' | 'closed' | 'unknown'> {
  try {
    return (await getPullRequest(await context.github.client(), context.repo, pr)).state;
  } catch (error) {
    core.warning(`Keeping the environment of #${pr}: ${errorMessage(error)}`);
    return 'unknown';
  }
}

/** What a failed sweep entry could not do, for the run's error. */
const FAILED_TO: Record<SweepEntry['action'], string> = {
  delete: 'delete',
  sleep: 'put to sleep',
  'stop-database': 'stop again the database of',
  'finish-wake': 'finish waking',
  keep: 'keep',
};

/**
 * Deletes this repository's environments whose PR is closed or whose TTL has passed, and leaves
 * every other stack alone. Deletions run side by side: each waits on its own stack.
 */
export async function runSweep(context: RunContext): Promise<void> {
  const cfn = await context.aws.cloudFormation();
  const owned = ownedStacks(await listAllStacks(cfn), context.repository);
  const now = new Date(context.clock.now());
  const entries: SweepEntry[] = [];
  const open: KeptEnvironment[] = [];
  for (const { stack, pr } of owned) {
    const state = await pullRequestState(context, pr);
    const verdict = sweepVerdict(stack, pr, state, now);
    const entry: SweepEntry = {
      stackName: stack.StackName ?? '',
      ...verdict,
      outcome: verdict.action === 'keep' ? 'kept' : 'pending',
    };
    entries.push(entry);
    if (verdict.action === 'keep' && state === 'open') open.push({ stack, pr, entry });
  }
  context.report.sweep = entries;
  core.info(
    `Sweep: ${owned.length} environment(s) of ${context.repository}, ${entries.filter((e) => e.action === 'delete').length} to delete`,
  );

  await Promise.all(
    entries
      .filter((entry) => entry.action === 'delete')
      .map(async (entry) => {
        const startedAt = new Date(context.clock.now());
        const target = await stackTarget(context, entry.pr, entry.stackName);
        const prReport: RunReport = {
          intent: 'destroy',
          outcome: 'success',
          repository: context.repository,
          prNumber: entry.pr,
          stackName: entry.stackName,
          outputs: {},
          startedAt,
          finishedAt: startedAt,
          runUrl: context.report.runUrl,
          note: `Deleted by the sweeper: ${entry.reason}.`,
        };
        try {
          const outcome = await destroyStack(target);
          entry.outcome = 'deleted';
          Object.assign(prReport, { operation: outcome.operation, status: outcome.status });
        } catch (error) {
          entry.outcome = 'failed';
          entry.error = errorMessage(error);
          Object.assign(prReport, { outcome: 'failure', error: entry.error });
        }
        prReport.finishedAt = new Date(context.clock.now());
        await context.github.finish(prReport);
      }),
  );
  // Kept environments of open PRs may still go to sleep (sleep-after-hours), or have a database
  // AWS restarted stopped again.
  await restEnvironments(context, open);
  context.report.stackName = undefined;
  const failed = entries.filter((e) => e.outcome === 'failed');
  if (failed.length > 0) {
    throw new Error(
      `The sweeper could not ${failed.map((e) => `${FAILED_TO[e.action]} "${e.stackName}" (${e.error})`).join('; ')}`,
    );
  }
}
