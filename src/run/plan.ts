import { assertOwnedBy, describeStack } from '../stack/describe.js';
import { deleteChangeSet, prepareChangeSet } from '../stack/change-set.js';
import { blockedReplacements, toPlannedChanges } from '../stack/plan.js';
import { deleteOwnedStack } from '../stack/settle.js';
import { nextStep } from '../stack/status.js';
import { uniqueName } from '../naming.js';
import { stackTarget, type RunContext } from './context.js';
import {
  accountRoom,
  currentPullRequest,
  loadCheckedTemplate,
  networkValues,
  planBuilder,
  resolveAppBuild,
} from './deploy.js';
import type { PullRequestInfo } from '../github/event.js';
import { formatProblem, type QuotaProblem } from '../preflight/quotas.js';

/**
 * Shows what a deploy would do, and changes nothing: the change set is deleted, and so is the
 * empty REVIEW_IN_PROGRESS stack a CREATE change set leaves behind.
 */
export async function runPlan(
  context: RunContext,
  prNumber: number,
  fromEvent: PullRequestInfo | undefined,
): Promise<void> {
  const { report, settings } = context;
  const loaded = loadCheckedTemplate(context);
  const pr = await currentPullRequest(context, prNumber, fromEvent);
  report.headSha = pr.headSha;
  const target = await stackTarget(context, prNumber);
  await networkValues(context, loaded);
  // A plan shows the build a deploy would run: found (and uploaded) first, as a deploy does it.
  const app = await resolveAppBuild(context, pr, target.stackName);
  const existing = await describeStack(target.cfn, target.stackName);
  if (existing) assertOwnedBy(existing, target.owner);
  const step = nextStep(existing?.StackStatus, 'deploy');
  report.operation = 'none';
  report.status = existing?.StackStatus;
  report.stackId = existing?.StackId;
  if (step !== 'create' && step !== 'update') {
    report.note = `Stack "${target.stackName}" is ${existing?.StackStatus}: a deploy would first ${
      step === 'wait'
        ? 'wait for its current operation'
        : step === 'continue-rollback'
          ? 'continue its rollback'
          : 'delete and recreate it'
    }, so there is no change set to show yet.`;
    return;
  }
  const type = step === 'create' ? 'CREATE' : 'UPDATE';
  // A deploy would check a create against the account's quotas: the plan says what it would find.
  let quotaProblems: QuotaProblem[] = [];
  const plan = await planBuilder(
    context,
    loaded,
    pr,
    target.stackName,
    app,
    async (_, parameters) => {
      if (type === 'CREATE') quotaProblems = await accountRoom(context, loaded, parameters);
    },
    'preview',
  )(step === 'update' ? existing : undefined);
  if (quotaProblems.length > 0) {
    report.note = `⚠️ A deploy would stop before creating anything: ${quotaProblems
      .map((p) => formatProblem(p, context.aws.region))
      .join('; ')}.`;
  }
  const outcome = await prepareChangeSet(
    target.cfn,
    {
      stackName: target.stackName,
      type,
      name: uniqueName('plan', context.runId),
      ...plan,
      roleArn: target.roleArn,
      description: `pr-env plan for ${context.repository}#${prNumber}`,
    },
    target,
  );
  if (type === 'CREATE') await deleteOwnedStack(target, { StackId: outcome.stackId });
  else await deleteChangeSet(target.cfn, outcome);
  if (outcome.kind === 'failed') {
    throw new Error(`Change set for stack "${target.stackName}" failed: ${outcome.reason}`);
  }
  const changes = outcome.kind === 'ready' ? toPlannedChanges(outcome.changes) : [];
  report.plan = { type, changes, blocked: blockedReplacements(changes, settings) };
}
