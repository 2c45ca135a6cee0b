import { formatRootCause } from '../stack/root-cause.js';
import { publicOutputs, type RunReport } from './report.js';

/** The hidden marker that finds pr-env's one comment among all of a PR's comments. */
export const COMMENT_MARKER = '<!-- pr-env:sticky-comment -->';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

export function formatAge(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 1) return `${Math.max(0, Math.round(ms / 60_000))} min`;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

function headline(report: RunReport): string {
  const pr = report.prNumber !== undefined ? ` for #${report.prNumber}` : '';
  if (report.outcome === 'skipped') return `⏸️ pr-env: not deployed${pr}`;
  if (report.outcome === 'failure') {
    const what = report.intent === 'destroy' ? 'teardown' : 'deployment';
    return `❌ pr-env: ${what} failed${pr}`;
  }
  if (report.intent === 'destroy') {
    return report.operation === 'delete'
      ? `🧹 pr-env: environment destroyed${pr}`
      : `🧹 pr-env: no environment to destroy${pr}`;
  }
  return report.operation === 'none'
    ? `✅ pr-env: environment up to date${pr}`
    : `✅ pr-env: environment ready${pr}`;
}

function snapshotLine(report: RunReport): string | undefined {
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
  return `${code(snapshot.identifier)} (${how}${age})`;
}

function facts(report: RunReport): [string, string | undefined][] {
  return [
    ['URL', report.environmentUrl],
    [
      'Stack',
      report.stackName &&
        `${code(report.stackName)}${report.status ? ` · ${report.status}` : ''}${report.operation ? ` · ${report.operation}` : ''}`,
    ],
    ['Database', snapshotLine(report)],
    ['Version', report.headSha ? code(report.headSha.slice(0, 12)) : undefined],
    ['Duration', formatDuration(report.finishedAt.getTime() - report.startedAt.getTime())],
    ['Run', report.runUrl ? `[workflow run](${report.runUrl})` : undefined],
    ['Updated', report.finishedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')],
  ];
}

/** The body of the run's report, shared by the PR comment and the job summary. Pure. */
export function renderReport(report: RunReport): string {
  const lines: string[] = [`### ${headline(report)}`, ''];
  if (report.note) lines.push(report.note, '');
  if (report.outcome === 'failure') {
    if (report.rootCause) {
      lines.push('**Root cause**', '', '```', formatRootCause(report.rootCause), '```', '');
    } else if (report.error) {
      lines.push('**Error**', '', '```', report.error, '```', '');
    }
  }
  if (
    report.intent === 'destroy' &&
    report.outcome === 'success' &&
    report.operation === 'delete'
  ) {
    lines.push('The stack and everything in it are gone, the database included.', '');
  }
  lines.push('| | |', '|---|---|');
  for (const [key, value] of facts(report)) {
    if (value) lines.push(`| **${key}** | ${escapeCell(value)} |`);
  }
  const outputs = Object.entries(publicOutputs(report.outputs));
  if (outputs.length > 0) {
    lines.push('', `<details><summary>Stack outputs (${outputs.length})</summary>`, '');
    lines.push('| Output | Value |', '|---|---|');
    for (const [key, value] of outputs) lines.push(`| ${key} | ${escapeCell(code(value))} |`);
    lines.push('', '</details>');
  }
  return lines.join('\n');
}

/** The sticky PR comment: the report behind the hidden marker. Pure. */
export function renderComment(report: RunReport): string {
  return `${COMMENT_MARKER}\n${renderReport(report)}\n`;
}
