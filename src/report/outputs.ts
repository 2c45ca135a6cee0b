import * as core from '@actions/core';
import { renderReport } from './markdown.js';
import { isSecretOutputKey, type RunReport } from './report.js';

/** Sets the action's outputs from the report. Secret-looking stack outputs are masked first. */
export function setActionOutputs(report: RunReport): void {
  for (const [key, value] of Object.entries(report.outputs)) {
    if (isSecretOutputKey(key) && value) core.setSecret(value);
  }
  core.setOutput('stack-name', report.stackName ?? '');
  core.setOutput('stack-id', report.stackId ?? '');
  core.setOutput('operation', report.operation ?? '');
  core.setOutput('status', report.status ?? '');
  core.setOutput('snapshot-arn', report.snapshot?.arn ?? '');
  core.setOutput('environment-url', report.environmentUrl ?? '');
  core.setOutput('outputs', JSON.stringify(report.outputs));
}

/** The same report as the PR comment, in the job summary. Without a summary file, nothing. */
export async function writeJobSummary(report: RunReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(renderReport(report), true).write();
}
