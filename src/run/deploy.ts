import * as core from '@actions/core';
import type { Parameter, Stack } from '@aws-sdk/client-cloudformation';
import {
  appParameters,
  appParametersOf,
  checkAppTemplate,
  type ResolvedBuild,
} from '../app/build.js';
import { resolveBuild } from '../app/resolve.js';
import { getPullRequest } from '../github/pulls.js';
import type { PullRequestInfo } from '../github/event.js';
import { expiresAt, stackTags, TAG, uniqueName } from '../naming.js';
import { checkAccountRoom } from '../preflight/preflight.js';
import { QuotaExceededError, type QuotaProblem } from '../preflight/quotas.js';
import { databaseValues, dataSourceProblem, needsDatabase } from '../data/deploy-values.js';
import { SNAPSHOT_PARAMETERS } from '../data/parameters.js';
import { describeData, resolveData, type DataChoice } from '../data/source.js';
import { deployStack, type DeployPlan } from '../stack/deploy.js';
import { blockedReplacements, ReplacementBlockedError, toPlannedChanges } from '../stack/plan.js';
import { outputsOf, parametersOf, tagsOf } from '../stack/describe.js';
import { ProgressFeed, progressEveryMs } from '../report/progress-feed.js';
import {
  buildParameters,
  checkOverrides,
  checkTemplateSize,
  loadTemplate,
  templateSource,
  type LoadedTemplate,
} from '../template/render.js';
import type { StackTarget } from '../stack/target.js';
import { stackTarget, type PlanMode, type RunContext } from './context.js';
import { sleepAwareDeploy } from './sleep-deploy.js';
import { checkScrubTemplate, runPendingScrub, scrubGateValues } from './scrub.js';
import { sharedNetworkValues } from '../network/shared.js';
import { chooseWakeCode, keptWakeCode, uploadWakeCode, wakeCodeValues } from '../wake/code.js';

/** Checks what can be checked without AWS, so that bad input changes nothing. */
export function loadCheckedTemplate(context: RunContext): LoadedTemplate {
  const { settings } = context;
  const loaded = loadTemplate(settings.templatePath);
  checkOverrides(loaded, settings.parameters);
  checkTemplateSize(loaded, settings.templateBucket);
  checkAppTemplate(
    loaded.declared,
    { artifact: Boolean(settings.appArtifact), image: Boolean(settings.appImage) },
    loaded.path,
  );
  if (needsDatabase(loaded) && !settings.sourceDbCluster && !settings.snapshotIdentifier) {
    throw new Error(
      `"source-db-cluster" is required: template "${loaded.path}" restores a database (parameter ${SNAPSHOT_PARAMETERS.snapshot}); expected the identifier of the production Aurora cluster, or set "snapshot-identifier"`,
    );
  }
  const problem = dataSourceProblem(loaded, settings.dataSource);
  if (problem) throw new Error(problem);
  checkScrubTemplate(context, loaded);
  return loaded;
}

/** The shared network's IDs (network-stack), read once per run; empty without it. */
export function networkValues(
  context: RunContext,
  loaded: LoadedTemplate,
): Promise<Record<string, string>> {
  return sharedNetworkValues(context.settings, context.settings.networkStack, loaded, () =>
    context.aws.cloudFormation(),
  );
}

/** The PR as it is now: from the event when it carries one, else from the API. */
export async function currentPullRequest(
  context: RunContext,
  number: number,
  fromEvent: PullRequestInfo | undefined,
): Promise<PullRequestInfo> {
  if (fromEvent) return fromEvent;
  const pr = await getPullRequest(await context.github.client(), context.repo, number);
  if (pr.state === 'closed') {
    throw new Error(`Pull request #${number} is closed: there is nothing to deploy`);
  }
  return pr;
}

/** The quotas creating the stack would exceed (the preflight); empty when there is room. */
export function accountRoom(
  context: RunContext,
  loaded: LoadedTemplate,
  parameters: Parameter[],
): Promise<QuotaProblem[]> {
  return checkAccountRoom(context.aws, { template: loaded.template, parameters });
}

/**
 * The PR's build, found (and uploaded) before any stack call, recorded in the report; its
 * template parameters, empty when the inputs name no build.
 */
export async function resolveAppBuild(
  context: RunContext,
  pr: PullRequestInfo,
  stackName: string,
): Promise<Record<string, string>> {
  const { settings } = context;
  const build: ResolvedBuild | undefined = await resolveBuild(settings, pr, {
    s3: context.aws.s3,
    ecr: context.aws.ecr,
    region: context.aws.region,
    github: () => context.github.client(),
    repo: context.repo,
    buildRunId: context.buildRunId,
    eventName: context.eventName ?? 'this event',
    clock: context.clock,
    deadline: context.deadline,
    stackName,
  });
  context.report.build = build;
  return build ? appParameters(build) : {};
}

/**
 * Works out what to send CloudFormation once the stack's starting state is known: an update keeps
 * the stack's snapshot, a create resolves the newest; `app` is the build's parameters, resolved
 * before (a deploy's new build, or the stack's own for sleep and wake). `beforeUpload` sees the parameters before
 * anything is written (the template upload, the change set), so that a check can stop the run
 * while nothing has changed. `mode` says what the plan may write (see PlanMode).
 */
export function planBuilder(
  context: RunContext,
  loaded: LoadedTemplate,
  pr: PullRequestInfo,
  stackName: string,
  app: Record<string, string>,
  beforeUpload?: (existing: Stack | undefined, parameters: Parameter[]) => Promise<void>,
  mode: PlanMode = 'keep',
): (existing: Stack | undefined) => Promise<DeployPlan> {
  const { settings, report } = context;
  return async (existing) => {
    let data: DataChoice | undefined;
    if (needsDatabase(loaded)) {
      data = await resolveData(await context.aws.rds(), {
        source: settings.dataSource,
        cluster: settings.sourceDbCluster,
        explicitSnapshot: settings.snapshotIdentifier,
        stackParameters: existing && parametersOf(existing),
        refresh: settings.refreshData,
        maxSnapshotAgeHours: settings.maxSnapshotAgeHours,
        region: context.aws.region,
        stackName,
        now: new Date(context.clock.now()),
        kms: context.aws.kms,
        sts: context.aws.sts,
      });
      if (data.kind === 'snapshot') report.snapshot = data.snapshot;
      else report.clone = data.clone;
      core.info(describeData(data));
    }
    const actionValues: Record<string, string> = {
      EnvironmentName: stackName,
      PullRequestNumber: String(pr.number),
      AppVersion: pr.headSha,
      // No build named (a label, a command, the PR workflow beside a build workflow): the stack
      // keeps the build it runs, rather than falling back to the status page.
      ...(Object.keys(app).length > 0 || !existing ? app : appParametersOf(parametersOf(existing))),
      ...(data && databaseValues(loaded, data, settings.parameters)),
    };
    // Sleep and wake keep the code the stack has: they add or remove nothing.
    const wake =
      mode === 'keep'
        ? keptWakeCode(loaded.declared, existing && parametersOf(existing))
        : chooseWakeCode(loaded.declared, settings.templateBucket, stackName);
    if (wake.kind === 'off' && mode === 'deploy') core.info(`Wake page: ${wake.why}`);
    Object.assign(
      actionValues,
      await networkValues(context, loaded),
      await scrubGateValues(context, loaded, stackName, existing, actionValues, mode),
      // Awake: sleep (asleepPlan) turns the listeners to the wake page.
      { Asleep: 'false', ...wakeCodeValues(wake) },
    );
    const parameters = buildParameters(loaded, actionValues, settings.parameters);
    await beforeUpload?.(existing, parameters);
    if (wake.kind === 'upload' && mode === 'deploy') {
      await uploadWakeCode(await context.aws.s3(), wake.code);
    }
    return {
      parameters,
      tags: stackTags({
        repository: context.repository,
        pr: pr.number,
        headSha: pr.headSha,
        // The expiry is set when the environment is created and kept on update, so that a re-run
        // with nothing new is a true no-op; moving it is an explicit act.
        expiresAt:
          (existing && tagsOf(existing)[TAG.expiresAt]) ||
          expiresAt(new Date(context.clock.now()), settings.ttlHours),
        extra: settings.tags,
      }),
      template: await templateSource(loaded, {
        s3: context.aws.s3,
        bucket: settings.templateBucket,
        region: context.aws.region,
        key: `pr-env/${stackName}/${uniqueName('template', context.runId)}.json`,
      }),
    };
  };
}

/** Creates or updates the PR's environment. */
export async function runDeploy(
  context: RunContext,
  prNumber: number,
  fromEvent: PullRequestInfo | undefined,
): Promise<void> {
  const { report } = context;
  const loaded = loadCheckedTemplate(context);
  const pr = await currentPullRequest(context, prNumber, fromEvent);
  report.headSha = pr.headSha;
  const target = await stackTarget(context, prNumber);
  // Not awaited: recorded alongside the AWS work, from its first answer on (see startDeployment).
  void context.github.startDeployment(prNumber, pr.headSha, context.aws.firstAnswer);
  // Before any stack call or upload: a missing or foreign network-stack, a build that is missing
  // or refused, change nothing.
  await networkValues(context, loaded);
  const app = await resolveAppBuild(context, pr, target.stackName);
  // While the change set runs, its progress goes to the log and the comment.
  const sideReads = { count: 0 };
  const progress = new ProgressFeed({
    reads: sideReads,
    cfn: target.cfn,
    stackName: target.stackName,
    everyMs: progressEveryMs(),
    now: () => context.clock.now(),
    publish: (snapshot) =>
      context.github.progress({
        ...report,
        progress: snapshot,
        finishedAt: new Date(context.clock.now()),
      }),
  });
  target.onEvent = progress.onEvent;
  target.sideReads = sideReads;
  try {
    await deployWithProgress(context, target, loaded, pr, app, progress);
  } finally {
    progress.stop();
  }
}

async function deployWithProgress(
  context: RunContext,
  target: StackTarget,
  loaded: LoadedTemplate,
  pr: PullRequestInfo,
  app: Record<string, string>,
  progress: ProgressFeed,
): Promise<void> {
  const { settings, report } = context;
  const outcome = await deployStack(target, {
    // A create is checked against the account's quotas first: hitting one fails in seconds here,
    // instead of after minutes of creating and rolling back. An update adds no VPC or NAT.
    // A sleeping environment wakes for a deploy; see sleep-deploy.ts.
    plan: sleepAwareDeploy(
      context,
      pr,
      planBuilder(
        context,
        loaded,
        pr,
        target.stackName,
        app,
        async (existing, parameters) => {
          if (existing) return;
          const problems = await accountRoom(context, loaded, parameters);
          if (problems.length > 0) {
            throw new QuotaExceededError(target.stackName, problems, context.aws.region);
          }
        },
        'deploy',
      ),
    ),
    review: (changes, existing) => {
      const planned = toPlannedChanges(changes);
      const blocked = blockedReplacements(planned, settings);
      if (blocked.length > 0) {
        report.plan = { type: existing ? 'UPDATE' : 'CREATE', changes: planned, blocked };
        throw new ReplacementBlockedError(target.stackName, blocked);
      }
      progress.begin(existing ? 'update' : 'create', changes.length, {
        origin: report.clone ? 'clone' : report.snapshot ? 'snapshot' : undefined,
        url: existing && outputsOf(existing).EnvironmentUrl,
      });
    },
  });
  const stack = outcome.stack;
  report.operation = outcome.operation;
  report.stackId = stack?.StackId;
  report.status = stack?.StackStatus;
  report.outputs = stack ? outputsOf(stack) : {};
  report.environmentUrl = report.outputs.EnvironmentUrl;
  await runPendingScrub(context, target, stack);
}
