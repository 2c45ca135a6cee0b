import * as core from '@actions/core';
import type { RunReport } from '../report/report.js';
import { changesOf, webhookPayload, type PullRequestLink } from './message.js';
import { postWebhook, type WebhookDeps } from './webhook.js';

export interface NotifyTarget {
  url: URL;
  /** The PR's title and page, as the event gave them. */
  pullRequest: (pr: number) => PullRequestLink;
}

/** Tells the webhook of each change of state the run made. Never throws. */
export async function notifyChanges(
  target: NotifyTarget,
  report: RunReport,
  deps?: WebhookDeps,
): Promise<void> {
  for (const change of changesOf(report)) {
    const payload = webhookPayload(
      change,
      report.repository,
      target.pullRequest(change.pr),
      report.runUrl,
    );
    if (await postWebhook(target.url, payload, change.change, deps)) {
      core.info(`Told the team's chat: PR #${change.pr} ${change.change}`);
    }
  }
}
