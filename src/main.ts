import * as core from '@actions/core';
import { createAwsClients, resolveRegion } from './aws/clients.js';
import { systemClock } from './clock.js';
import { errorMessage } from './errors.js';
import { splitRepository } from './github/client.js';
import { readRunnerContext } from './github/runner.js';
import { withRunPullRequest } from './github/workflow-run.js';
import { getSettings } from './inputs.js';
import { GitHubReporter } from './report/github-reporter.js';
import { setActionOutputs, writeJobSummary } from './report/outputs.js';
import type { RunReport } from './report/report.js';
import type { RunContext } from './run/context.js';
import { StackOperationError } from './stack/target.js';
import { WatchTimeoutError } from './stack/watch-timeout.js';
import { ScrubFailedError } from './scrub/failure.js';
import { commentIntent } from './chatops/intent.js';
import { decideIntent } from './intent.js';

/** The action: inputs -> intent -> command -> report. Every failure ends in setFailed. */
export async function run(): Promise<void> {
  const startedAt = new Date();
  let context: RunContext | undefined;
  try {
    const settings = getSettings();
    const runner = readRunnerContext();
    const repo = splitRepository(runner.repository);
    const github = new GitHubReporter({
      token: settings.githubToken,
      repo,
      comment: settings.comment,
      deployment: settings.deployment,
      runUrl: runner.runUrl,
    });
    // A finished build run names a commit, not a PR: the PR is read from the API first.
    const event = await withRunPullRequest(runner.event, () => github.client(), repo);
    // A PR comment (issue_comment) is a command, or nothing; every other event goes by its kind.
    const intent =
      (settings.command === 'auto' && commentIntent(event.name)) || decideIntent(event, settings);
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
      repo,
      aws: createAwsClients(intent.kind === 'skip' ? 'unused' : resolveRegion()),
      github,
      clock: systemClock,
      runId: runner.runId,
      eventName: event.name,
      buildRunId: event.workflowRun?.id,
      report,
      deadline: startedAt.getTime() + settings.timeoutMinutes * 60_000,
      notify: settings.notifyWebhookUrl && {
        url: settings.notifyWebhookUrl,
        pullRequest: (pr) => ({
          title: event.subject?.number === pr ? event.subject.title : undefined,
          url:
            (event.subject?.number === pr && event.subject.url) ||
            `${runner.serverUrl}/${runner.repository}/pull/${pr}`,
        }),
      },
    };
    // The commands, and the AWS SDK with them, load only once the inputs are known to be good:
    // a run that fails on bad input starts and ends fast.
    const { execute } = await import('./run/commands.js');
    await execute(context, intent);
    await publish(context);
  } catch (error) {
    core.setFailed(errorMessage(error));
    if (context) {
      context.report.outcome = 'failure';
      context.report.error = errorMessage(error);
      if (error instanceof WatchTimeoutError) context.report.status = error.lastStatus;
      if (error instanceof ScrubFailedError) context.report.rootCause = error.rootCause;
      if (error instanceof StackOperationError) {
        context.report.rootCause = error.rootCause;
        context.report.status = error.status;
        context.report.stackId ??= error.stackId;
      }
      await publish(context);
    }
  }
}

async function publish(context: RunContext): Promise<void> {
  const { report } = context;
  report.finishedAt = new Date(context.clock.now());
  setActionOutputs(report);
  await context.github.finish(report);
  if (context.notify) {
    const { notifyChanges } = await import('./notify/notify.js');
    await notifyChanges(context.notify, report);
  }
  try {
    await writeJobSummary(report);
  } catch (error) {
    core.warning(`Could not write the job summary: ${errorMessage(error)}`);
  }
}
