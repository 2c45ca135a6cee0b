import { code } from './inline.js';
import { connectionHelp } from '../data/credentials.js';
import { parseRdsArn } from '../data/shared.js';
import type { RunReport } from './report.js';

// The comment's lines about the database: where its data comes from, and how to reach it. Kept
// apart from markdown.ts, which reports the run.

export function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

const ISO_MINUTE = (date: Date) => `${date.toISOString().slice(0, 16)}Z`;

/** Where the database's data comes from, for the facts table; undefined without a database. */
export function databaseLine(report: RunReport): string | undefined {
  if (report.clone) {
    const { clone } = report;
    const how = clone.how === 'new' ? 'cloned now' : 'kept from the environment’s creation';
    const known = clone.restoreTime.getTime() > 0;
    const age = known
      ? `, data as of ${ISO_MINUTE(clone.restoreTime)} (${formatAge(report.finishedAt.getTime() - clone.restoreTime.getTime())} ago)`
      : '';
    const arn = parseRdsArn(clone.source);
    const name = arn ? `${code(arn.name)} of account ${arn.account}` : code(clone.source);
    return `Aurora clone of ${name} (${how}${age})`;
  }
  const snapshot = report.snapshot;
  if (!snapshot) return undefined;
  const how = {
    newest: 'the newest available snapshot',
    explicit: 'the snapshot named in the inputs',
    pinned: 'kept from the environment’s creation',
  }[snapshot.source];
  const age = snapshot.createdAt
    ? `, taken ${formatAge(report.finishedAt.getTime() - snapshot.createdAt.getTime())} ago`
    : '';
  const shared = snapshot.sharedBy ? `, shared by account ${snapshot.sharedBy}` : '';
  return `${code(snapshot.identifier)} (${how}${shared}${age})`;
}

/**
 * How to fetch the database's password and open a tunnel to it, filled in from the stack's
 * outputs. The password itself is never in the comment: the commands fetch it, with the reader's
 * own AWS credentials. Pure.
 */
export function connectionSection(report: RunReport): string[] {
  if (report.outcome !== 'success' || report.intent === 'destroy') return [];
  const help = connectionHelp(report.outputs);
  if (!help.password && !help.tunnel) return [];
  const lines = ['<details><summary>Connect to the database</summary>', ''];
  if (help.password) {
    lines.push(
      'The database has a master password of its own (production’s does not open it), kept in Secrets Manager. With your AWS credentials:',
      '',
      '```sh',
      help.password,
      '```',
      '',
    );
  }
  if (help.tunnel) {
    lines.push(
      `Through the bastion (Session Manager port forwarding), then connect to \`localhost:${help.localPort}\`:`,
      '',
      '```sh',
      help.tunnel,
      '```',
      '',
    );
  }
  lines.push('</details>');
  return lines;
}
