import * as core from '@actions/core';
import type { Change, Stack } from '@aws-sdk/client-cloudformation';
import { appParametersOf } from '../app/build.js';
import { describeEnvironment } from '../cost/describe.js';
import { errorMessage } from '../errors.js';
import type { PullRequestInfo } from '../github/event.js';
import { extendedExpiry, TAG } from '../naming.js';
import type { RunReport } from '../report/report.js';
import {
  assertOwnedBy,
  describeStack,
  outputsOf,
  parametersOf,
  tagsOf,
} from '../stack/describe.js';
import { deployStack, type DeployPlan } from '../stack/deploy.js';
import { toPlannedChanges } from '../stack/plan.js';
import { isInProgress, nextStep } from '../stack/status.js';
import { checkOverrides, checkTemplateSize, loadTemplate } from '../template/render.js';
import { stackTarget, type RunContext } from './context.js';
import { planBuilder } from './deploy.js';
import { stackClusters } from '../stack/clusters.js';
import { stopClusters } from './sleep-cluster.js';
import { wakeDatabase } from './sleep-deploy.js';
import {
  asleepPlan,
  awakePlan,
  checkSleepable,
  sleepStateOf,
  unchangedStatePlan,
} from './sleep-state.js';

type Verb = 'sleep' | 'wake' | 'extend';

/**
 * Sleep, wake and extend change the environment's capacity or tags, nothing else: the same
 * template and snapshot as a deploy would send (the input `refresh-data` and an explicit
 * `snapshot-identifier` are ignored, so the pinned snapshot is kept and the data with it), the
 * same version (the stack's own, not a newer head), and a change set that would add, remove or
 * replace a resource is refused.
 */
function updateOnly(context: RunContext): RunContext {
  return {
    ...context,
    settings: { ...context.settings, refreshData: false, snapshotIdentifier: undefined },
  };
}

/** The PR as the stack knows it: its version stays the one deployed. */
function deployedPullRequest(stack: Stack, pr: number): PullRequestInfo {
  const headSha = tagsOf(stack)[TAG.headSha] || parametersOf(stack).AppVersion || '';
  return { number: pr, headSha, baseRepository: '', state: 'open', labels: [] };
}

function refuseStructuralChanges(verb: Verb, stackName: string) {
  return (changes: Change[]) => {
    const structural = toPlannedChanges(changes).filter(
      (c) =>
        c.action === 'Add' ||
        c.action === 'Remove' ||
        (c.action === 'Modify' && c.replacement !== 'False' && c.replacement !== ''),
    );
    if (structural.length === 0) return;
    throw new Error(
      `${verb} of stack "${stackName}" would also ${structural
        .map((c) => `${c.action === 'Modify' ? 'replace' : c.action.toLowerCase()} ${c.logicalId}`)
        .join(
          ', ',
        )}: the template or inputs changed since the last deploy; run /pr-env deploy first`,
    );
  };
}

/** The PR's stack, owned and in a state an update can start from, or an error saying why not. */
async function existingEnvironment(
  context: RunContext,
  pr: number,
  verb: Verb,
  name?: string,
): Promise<Stack> {
  const target = await stackTarget(context, pr, name);
  const stack = await describeStack(target.cfn, target.stackName);
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    throw new Error(
      `PR #${pr} has no environment to ${verb} (no stack "${target.stackName}"): /pr-env deploy creates one`,
    );
  }
  assertOwnedBy(stack, target.owner);
  context.report.wokeOnVisit = sleepStateOf(stack).wokeOnVisit;
  const step = nextStep(stack.StackStatus, 'deploy');
  if (step !== 'update' && step !== 'wait') {
    throw new Error(
      `Stack "${target.stackName}" is ${stack.StackStatus}: there is no running environment to ${verb}; /pr-env deploy repairs or recreates it`,
    );
  }
  return stack;
}

/** Updates the stack with the deploy's plan, reshaped by `shape`; the stack must exist. */
async function updateEnvironment(
  context: RunContext,
  pr: number,
  verb: Verb,
  shape: (plan: DeployPlan, existing: Stack) => DeployPlan,
  report: RunReport,
  name?: string,
): Promise<Stack | undefined> {
  const ctx = updateOnly(context);
  const loaded = loadTemplate(ctx.settings.templatePath);
  checkOverrides(loaded, ctx.settings.parameters);
  checkTemplateSize(loaded, ctx.settings.templateBucket);
  if (verb !== 'extend') checkSleepable(loaded.declared, loaded.path);
  const target = await stackTarget(ctx, pr, name);
  const outcome = await deployStack(target, {
    plan: async (existing) => {
      if (!existing) throw new Error(`PR #${pr} has no environment to ${verb}`);
      // The stack's own build: sleep and wake never roll the instances to a newer one.
      const app = appParametersOf(parametersOf(existing));
      const build = planBuilder(
        ctx,
        loaded,
        deployedPullRequest(existing, pr),
        target.stackName,
        app,
      );
      return shape(await build(existing), existing);
    },
    review: refuseStructuralChanges(verb, target.stackName),
  });
  report.operation = outcome.operation;
  report.stackId = outcome.stack?.StackId;
  report.status = outcome.stack?.StackStatus;
  report.outputs = outcome.stack ? outputsOf(outcome.stack) : {};
  report.headSha = outcome.stack && sleepStateOf(outcome.stack).headSha;
  return outcome.stack;
}

/** Adds the environment's state and cost to the report; a failure to read them is a warning. */
export async function describeInto(
  context: RunContext,
  report: RunReport,
  stack: Stack | undefined,
): Promise<void> {
  if (!stack) return;
  try {
    const facts = await describeEnvironment(
      await context.aws.cloudFormation(),
      context.aws.region,
      stack,
    );
    report.environment = { ...facts.environment, database: report.environment?.database };
    report.cost = facts.cost;
  } catch (error) {
    core.warning(`Could not estimate the environment's cost: ${errorMessage(error)}`);
  }
}

/**
 * Puts the PR's environment to sleep: a stack update to no web instances (remembering the
 * capacity), then its Aurora cluster stopped. Already asleep, the update is a no-op and a cluster
 * that was started again is stopped.
 */
export async function sleepEnvironment(
  context: RunContext,
  pr: number,
  report: RunReport,
  options: {
    /** The stack's name when it was found by its tags (the sweeper), not named from the inputs. */
    name?: string;
    /**
     * Why the stack, as it is when the update starts, should no longer sleep (the sweeper's idle
     * check, again: a push may have landed since the sweep listed the stacks).
     */
    veto?: (existing: Stack) => string | undefined;
  } = {},
): Promise<void> {
  report.intent = 'sleep';
  const existing = await existingEnvironment(context, pr, 'sleep', options.name);
  const vetoed = options.veto?.(existing);
  if (vetoed) throw new SleepVetoedError(vetoed);
  const cfn = await context.aws.cloudFormation();
  const rds = await context.aws.rds();
  // Checked before anything changes: a cluster that is not this stack's stops the sleep here.
  await stackClusters(cfn, rds, existing);
  const shape = (plan: DeployPlan, current: Stack) => {
    const late = options.veto?.(current);
    if (late) throw new SleepVetoedError(late);
    return asleepPlan(plan, current);
  };
  const stack = await updateEnvironment(context, pr, 'sleep', shape, report, options.name);
  if (!stack) return;
  const statuses = await stopClusters(rds, await stackClusters(cfn, rds, stack));
  report.environment = { state: 'asleep', database: statuses.join(', ') || undefined };
  await describeInto(context, report, stack);
}

/** A sleep called off before anything changed: the environment was in use after all. */
export class SleepVetoedError extends Error {
  constructor(readonly reason: string) {
    super(`Not put to sleep: ${reason}`);
    this.name = 'SleepVetoedError';
  }
}

/**
 * Wakes the PR's environment (the stack `name`, by default its own): its database first, then
 * the web tier's capacity, and the listeners back to the app.
 */
export async function wakeEnvironment(
  context: RunContext,
  pr: number,
  report: RunReport,
  name?: string,
): Promise<void> {
  report.intent = 'wake';
  const existing = await existingEnvironment(context, pr, 'wake', name);
  await wakeDatabase(context, existing);
  const now = new Date(context.clock.now());
  const stack = await updateEnvironment(
    context,
    pr,
    'wake',
    (plan, current) => awakePlan(plan, current, context.settings.parameters, now),
    report,
    name,
  );
  report.environment = { state: 'awake', database: 'available' };
  report.environmentUrl = report.outputs.EnvironmentUrl;
  await describeInto(context, report, stack);
}

/**
 * Adds `hours` (default: ttl-hours) to the environment's expiry, or to now for an expiry already
 * past, by a stack update of its tags only: CloudFormation keeps the stack's tags, so the sweeper
 * reads it there. An asleep environment stays asleep; one that never expires stays so.
 */
export async function extendEnvironment(
  context: RunContext,
  pr: number,
  hours: number | undefined,
  report: RunReport,
): Promise<void> {
  report.intent = 'extend';
  const added = hours ?? context.settings.ttlHours;
  const existing = await existingEnvironment(context, pr, 'extend');
  const current = tagsOf(existing)[TAG.expiresAt];
  const expiry =
    added > 0 ? extendedExpiry(current, new Date(context.clock.now()), added) : 'never';
  const stack = await updateEnvironment(
    context,
    pr,
    'extend',
    (plan, latest) => unchangedStatePlan(plan, latest, { [TAG.expiresAt]: expiry }),
    report,
  );
  report.note =
    expiry === 'never'
      ? 'The environment never expires.'
      : `Expiry moved to ${expiry} (${added} h ${current && Date.parse(current) > context.clock.now() ? `after ${current}` : 'from now'}).`;
  if (stack && !sleepStateOf(stack).asleep) report.environmentUrl = report.outputs.EnvironmentUrl;
  await describeInto(context, report, stack);
}

/**
 * For the sweeper: stops the database of an environment asleep whose cluster is running again
 * (AWS starts a cluster stopped for 7 days). Returns the clusters it stopped. The stack is read
 * again first: a push since the sweep listed the stacks has woken it, and then its database runs
 * on purpose. (A wake caught between starting the database and updating the stack recovers: it
 * starts a cluster it finds stopped.)
 */
export async function restopDatabase(context: RunContext, listed: Stack): Promise<string[]> {
  if (!sleepStateOf(listed).asleep) return [];
  const cfn = await context.aws.cloudFormation();
  const stack = await describeStack(cfn, listed.StackId ?? listed.StackName ?? '');
  if (!stack || !sleepStateOf(stack).asleep || isInProgress(stack.StackStatus ?? '')) return [];
  const rds = await context.aws.rds();
  const running = (await stackClusters(cfn, rds, stack)).filter((c) => c.status === 'available');
  if (running.length === 0) return [];
  await stopClusters(rds, running);
  return running.map((c) => c.id);
}

/**
 * After a deploy or a plan: the environment's state and cost for the comment, read from the
 * stack as it now is. Nothing to add after a failure or a delete; a failure to read is a warning.
 */
export async function reportEnvironment(context: RunContext): Promise<void> {
  const { report } = context;
  if (report.outcome !== 'success' || report.cost || !report.stackId) return;
  if (report.intent !== 'deploy' && report.intent !== 'plan') return;
  try {
    const stack = await describeStack(await context.aws.cloudFormation(), report.stackId);
    if (stack && stack.StackStatus !== 'DELETE_COMPLETE')
      await describeInto(context, report, stack);
  } catch (error) {
    core.warning(`Could not read the environment's state: ${errorMessage(error)}`);
  }
}
