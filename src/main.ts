import * as core from '@actions/core';
import { createAwsClients, resolveRegion } from './aws/clients.js';
import { systemClock } from './clock.js';
import { errorMessage } from './errors.js';
import { splitRepository } from './github/client.js';
import { readRunnerContext } from './github/runner.js';
import { getSettings } from './inputs.js';
import { decideIntent, type Intent } from './intent.js';
import { GitHubReporter } from './report/github-reporter.js';
import { setActionOutputs, writeJobSummary } from './report/outputs.js';
import type { RunReport } from './report/report.js';
import type { RunContext } from './run/context.js';
import { commentIntent, runChatOps, type ChatOpsIntent } from './run/chatops.js';
import { runDeploy } from './run/deploy.js';
import { runDestroy } from './run/destroy.js';
import { skipNote } from './run/skip.js';
import { runSweep } from './run/sweep.js';
import { runPlan } from './run/plan.js';
import { reportEnvironment } from './run/sleep.js';
import { StackOperationError } from './stack/target.js';
import { WatchTimeoutError } from './stack/watch.js';

/** The action: inputs -> intent -> command -> report. Every failure ends in setFailed. */
export async function run(): Promise<void> {
  const startedAt = new Date();
  let context: RunContext | undefined;
  try {
    const settings = getSettings();
    const runner = readRunnerContext();
    // A PR comment (issue_comment) is a command, or nothing; every other event goes by its kind.
    const intent =
      (settings.command === 'auto' && commentIntent(runner.event.name)) ||
      decideIntent(runner.event, settings);
    core.info(`pr-env: ${intent.kind} (${intent.reason})`);
    const report: RunReport = {
      intent: intent.kind,
      outcome: 'success',
      repository: runner.repository,
      prNumber: 'prNumber' in intent ? intent.prNumber : undefined,
      outputs: {},
      startedAt,
      finishedAt: startedAt,
      runUrl: runner.runUrl,
    };
    if (!settings.githubToken && settings.comment) {
      core.warning('"github-token" is empty: the PR comment and deployment are skipped');
    }
    context = {
      settings,
      repository: runner.repository,
      repo: splitRepository(runner.repository),
      aws: createAwsClients(intent.kind === 'skip' ? 'unused' : resolveRegion()),
      github: new GitHubReporter({
        token: settings.githubToken,
        repo: splitRepository(runner.repository),
        comment: settings.comment,
        deployment: settings.deployment,
        runUrl: runner.runUrl,
      }),
      clock: systemClock,
      runId: runner.runId,
      report,
      deadline: startedAt.getTime() + settings.timeoutMinutes * 60_000,
    };
    await execute(context, intent);
    await reportEnvironment(context);
    await publish(context);
  } catch (error) {
    core.setFailed(errorMessage(error));
    if (context) {
      context.report.outcome = 'failure';
      context.report.error = errorMessage(error);
      if (error instanceof WatchTimeoutError) context.report.status = error.lastStatus;
      if (error instanceof StackOperationError) {
        context.report.rootCause = error.rootCause;
        context.report.status = error.status;
        context.report.stackId ??= error.stackId;
      }
      await publish(context);
    }
  }
}

async function execute(context: RunContext, intent: Intent | ChatOpsIntent): Promise<void> {
  switch (intent.kind) {
    case 'chatops':
      return runChatOps(context, intent);
    case 'deploy':
      return runDeploy(context, intent.prNumber, intent.pullRequest);
    case 'destroy':
      return runDestroy(context, intent.prNumber);
    case 'skip':
      context.report.outcome = 'skipped';
      context.report.operation = 'skipped';
      context.report.note = skipNote(intent);
      // A fork's PR deserves a maintainer's attention; any other skip is routine.
      if (intent.because === 'fork') core.warning(intent.reason);
      else core.notice(intent.reason);
      return;
    case 'sweep':
      return runSweep(context);
    case 'plan':
      return runPlan(context, intent.prNumber, intent.pullRequest);
  }
}

async function publish(context: RunContext): Promise<void> {
  const { report } = context;
  report.finishedAt = new Date(context.clock.now());
  setActionOutputs(report);
  await context.github.finish(report);
  try {
    await writeJobSummary(report);
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
}
