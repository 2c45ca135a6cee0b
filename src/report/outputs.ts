import * as core from '@actions/core';
import { buildUri } from '../app/build.js';
import { planTable, renderReport } from './markdown.js';
import { isSecretOutputKey, redactUrlPasswords, URL_PASSWORD, type RunReport } from './report.js';

/**
 * Sets the action's outputs from the report. Secret-looking stack outputs, and passwords inside
 * URLs, are masked first: the runner hides a masked value from the log, and from outputs.
 */
export function setActionOutputs(report: RunReport): void {
  for (const [key, value] of Object.entries(report.outputs)) {
    if (isSecretOutputKey(key) && value) core.setSecret(value);
    for (const [, password] of value.matchAll(URL_PASSWORD)) if (password) core.setSecret(password);
  }
  core.setOutput('stack-name', report.stackName ?? '');
  core.setOutput('stack-id', report.stackId ?? '');
  core.setOutput('operation', report.operation ?? '');
  core.setOutput('status', report.status ?? '');
  core.setOutput('snapshot-arn', report.snapshot?.arn ?? '');
  core.setOutput('environment-url', report.environmentUrl ?? '');
  core.setOutput('outputs', JSON.stringify(report.outputs));
  core.setOutput(
    'clone-source',
    report.clone
      ? `${report.clone.source}@${report.clone.restoreTime.toISOString().replace(/\.\d{3}Z$/, 'Z')}`
      : '',
  );
  core.setOutput('app-artifact', report.build?.kind === 'artifact' ? buildUri(report.build) : '');
  core.setOutput('app-image', report.build?.kind === 'image' ? report.build.image : '');
  if (report.plan) {
    core.setOutput('has-changes', String(report.plan.changes.length > 0));
    core.setOutput('changes-count', String(report.plan.changes.length));
    core.setOutput('changes-markdown', planTable(report.plan.changes).join('\n'));
  }
}

/** `scheme://user:***@host`: the text with the password of every URL in it blanked out. Pure. */
/** The same report as the PR comment, in the job summary. Without a summary file, nothing. */
export async function writeJobSummary(report: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  // The summary is shown to everyone who can see the run, and the runner does not mask it.
  await core.summary.addRaw(redactUrlPasswords(renderReport(report)), true).write();
}
