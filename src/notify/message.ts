/**
 * What a run tells the team's chat: one message per change of an environment's state (ready,
 * failed, destroyed, asleep, woken), in Slack's incoming-webhook format (`text` for
 * notifications and clients without blocks, `blocks` for the message itself), which Mattermost,
 * Rocket.Chat and Discord's `/slack` endpoint accept too. Pure.
 */
import type { RunReport } from '../report/report.js';
import { formatRootCause } from '../stack/root-cause.js';

export type EnvironmentChange = 'ready' | 'failed' | 'destroyed' | 'asleep' | 'woken';

export interface Notification {
  change: EnvironmentChange;
  pr: number;
  stackName?: string;
  /** The environment's URL, for `ready` and `woken`. */
  url?: string;
  /** Why: a failure's root cause, a sweep's reason. */
  detail?: string;
}

export interface PullRequestLink {
  title?: string;
  url: string;
}

/** The changes of state the run made; none for a run that changed nothing (an update, a plan). */
export function changesOf(report: RunReport): Notification[] {
  const pr = report.prNumber;
  if (report.intent === 'sweep') {
    return (report.sweep ?? []).flatMap((entry): Notification[] => {
      const change =
        entry.outcome === 'deleted'
          ? 'destroyed'
          : entry.outcome === 'asleep'
            ? 'asleep'
            : undefined;
      return change
        ? [{ change, pr: entry.pr, stackName: entry.stackName, detail: entry.reason }]
        : [];
    });
  }
  if (pr === undefined) return [];
  const base = { pr, stackName: report.stackName };
  if (report.outcome === 'failure') {
    if (!['deploy', 'destroy', 'sleep', 'wake'].includes(report.intent)) return [];
    const detail = report.rootCause ? formatRootCause(report.rootCause) : report.error;
    return [{ ...base, change: 'failed', detail }];
  }
  if (report.outcome !== 'success') return [];
  switch (report.intent) {
    case 'deploy':
      if (report.operation === 'create')
        return [{ ...base, change: 'ready', url: report.environmentUrl }];
      return report.wokeForDeploy
        ? [{ ...base, change: 'woken', url: report.environmentUrl, detail: 'woken by a push' }]
        : [];
    case 'destroy':
      return report.operation === 'delete' ? [{ ...base, change: 'destroyed' }] : [];
    case 'sleep':
      return [{ ...base, change: 'asleep' }];
    case 'wake':
      return [{ ...base, change: 'woken', url: report.environmentUrl }];
    default:
      return [];
  }
}

const HEADLINE: Record<EnvironmentChange, string> = {
  ready: ':white_check_mark: ready',
  failed: ':x: failed',
  destroyed: ':wastebasket: destroyed',
  asleep: ':zzz: asleep',
  woken: ':sunny: awake again',
};

/** Slack's mrkdwn escapes: &, < and > would otherwise start entities and links. */
const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The webhook's JSON body for one change. */
export function webhookPayload(
  n: Notification,
  repository: string,
  pr: PullRequestLink,
  runUrl?: string,
): { text: string; blocks: unknown[] } {
  const title = pr.title ? `: ${pr.title}` : '';
  const text = `${repository}#${n.pr}${title}: environment ${HEADLINE[n.change].replace(/^:\S+: /, '')}`;
  const lines = [
    `*<${pr.url}|${escape(`${repository}#${n.pr}`)}>*${escape(title)}`,
    `Environment ${HEADLINE[n.change]}${n.stackName ? ` (\`${escape(n.stackName)}\`)` : ''}`,
  ];
  if (n.url) lines.push(`<${n.url}|${escape(n.url)}>`);
  if (n.detail) lines.push(`> ${escape(n.detail).replace(/\n/g, '\n> ')}`);
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } }];
  if (runUrl) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `<${runUrl}|The run>` }] });
  }
  return { text, blocks };
}
