import { code } from './inline.js';
import { describeBuild } from '../app/build.js';
import { formatRootCause } from '../stack/root-cause.js';
import { connectionSection, databaseLine, formatAge } from './database-markdown.js';
import { scrubLine, scrubWarning } from './scrub-markdown.js';
import { observeFacts } from './observe-markdown.js';
import { environmentSection, lifecycleHeadline } from './cost-markdown.js';
import { progressMarkdown } from './progress.js';
import type { PlannedChange } from '../stack/plan.js';
import { publicOutputs, type RunReport, type SweepEntry } from './report.js';

export { formatAge };

/** The hidden marker that finds pr-env's one comment among all of a PR's comments. */
export const COMMENT_MARKER = '<!-- pr-env:sticky-comment -->';

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${seconds % 60} s`;
}

function headline(report: RunReport): string {
  const pr = report.prNumber !== undefined ? ` for #${report.prNumber}` : '';
  if (report.progress) {
    return `⏳ pr-env: ${report.progress.operation === 'create' ? 'creating' : 'updating'} the environment${pr}`;
  }
  const lifecycle = lifecycleHeadline(report);
  if (lifecycle) return lifecycle;
  if (report.outcome === 'skipped') return `⏸️ pr-env: not deployed${pr}`;
  if (report.outcome === 'failure') {
    const what = report.intent === 'destroy' ? 'teardown' : 'deployment';
    return `❌ pr-env: ${what} failed${pr}`;
  }
  if (report.intent === 'plan' && report.outcome === 'success') return `📋 pr-env: plan${pr}`;
  if (report.intent === 'sweep') {
    const deleted = report.sweep?.filter((e) => e.outcome === 'deleted').length ?? 0;
    return `🧹 pr-env sweep: ${deleted} environment(s) deleted, ${report.sweep?.filter((e) => e.outcome === 'kept').length ?? 0} kept`;
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

function facts(report: RunReport): [string, string | undefined][] {
  return [
    ['URL', report.environmentUrl ?? report.progress?.url],
    [
      'Stack',
      report.stackName &&
        `${code(report.stackName)}${report.status ? ` · ${report.status}` : ''}${report.operation ? ` · ${report.operation}` : ''}`,
    ],
    ['Database', databaseLine(report)],
    ['Scrub', scrubLine(report)],
    ['Woken', report.wokeOnVisit && `by a visit to its URL at ${report.wokeOnVisit}`],
    ['Version', report.headSha ? code(report.headSha.slice(0, 12)) : undefined],
    ['Build', report.build && describeBuild(report.build)],
    // A destroyed environment's log group and dashboard went with it.
    ...(report.intent === 'destroy' ? [] : observeFacts(report.outputs, report.stackId)),
    ['Duration', formatDuration(report.finishedAt.getTime() - report.startedAt.getTime())],
    ['Run', report.runUrl ? `[workflow run](${report.runUrl})` : undefined],
    ['Updated', report.finishedAt.toISOString().replace(/\.\d{3}Z$/, 'Z')],
  ];
}

/** The body of the run's report, shared by the PR comment and the job summary. Pure. */
export function renderReport(report: RunReport): string {
  const lines: string[] = [`### ${headline(report)}`, ''];
  if (report.note) lines.push(report.note, '');
  if (report.progress) lines.push(...progressMarkdown(report.progress));
  lines.push(...scrubWarning(report));
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
  if (report.plan) lines.push(...planSection(report.plan));
  if (report.sweep) {
    lines.push(...sweepTable(report.sweep), '');
  }
  lines.push(...environmentSection(report));
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
  const connection = connectionSection(report);
  if (connection.length > 0) lines.push('', ...connection);
  return lines.join('\n');
}

/**
 * A change to nothing but a resource's tags: every push changes the stack's `pr-env:head-sha` tag,
 * which CloudFormation passes on to every taggable resource.
 */
function tagsOnly(change: PlannedChange): boolean {
  return (
    change.action === 'Modify' &&
    change.replacement === 'False' &&
    change.causes.length === 1 &&
    change.causes[0] === 'Tags'
  );
}

/**
 * The change set as a table: one row per resource, those whose only change is their tags folded
 * into one line after it, so that what matters is not lost among them. Pure.
 */
export function planTable(changes: PlannedChange[]): string[] {
  if (changes.length === 0) return ['No changes.'];
  const rows = changes.filter((c) => !tagsOnly(c));
  const tagged = changes.filter(tagsOnly);
  const lines =
    rows.length === 0
      ? []
      : [
          '| Action | Resource | Type | Replacement | Caused by |',
          '|---|---|---|---|---|',
          ...rows.map(
            (c) =>
              `| ${c.action} | ${code(c.logicalId)} | ${c.resourceType} | ${c.replacement || '–'} | ${escapeCell(c.causes.join(', ') || '–')} |`,
          ),
        ];
  if (tagged.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(
      `${rows.length > 0 ? 'And' : 'Only'} ${tagged.length} resource(s) whose only change is their tags, in place: ${tagged.map((c) => code(c.logicalId)).join(', ')}.`,
    );
  }
  return lines;
}

function planSection(plan: NonNullable<RunReport['plan']>): string[] {
  const counts = ['Add', 'Modify', 'Remove']
    .map(
      (action) =>
        `${plan.changes.filter((c) => c.action === action).length} to ${action.toLowerCase()}`,
    )
    .join(', ');
  const lines = [
    `**Plan** (${plan.type === 'CREATE' ? 'new stack' : 'update'}): ${counts}`,
    '',
    ...planTable(plan.changes),
    '',
  ];
  if (plan.blocked.length > 0) {
    lines.push(
      `⚠️ **${plan.blocked.length} destructive change(s)** a deploy would stop at: ${plan.blocked
        .map(
          (c) =>
            `${code(c.logicalId)} (${c.action === 'Remove' ? 'removed' : c.replacement === 'Conditional' ? 'maybe replaced' : 'replaced'})`,
        )
        .join(', ')}. Set \`refresh-data\` or \`allow-replacement\` to accept them.`,
      '',
    );
  }
  return lines;
}

function sweepTable(entries: SweepEntry[]): string[] {
  if (entries.length === 0) return ['No environments of this repository were found.'];
  return [
    '| Stack | PR | Decision | Why | Result |',
    '|---|---|---|---|---|',
    ...entries.map(
      (e) =>
        `| ${code(e.stackName)} | #${e.pr} | ${e.action} | ${escapeCell(e.reason)} | ${escapeCell(e.error ? `${e.outcome}: ${e.error}` : e.outcome)} |`,
    ),
  ];
}

/** The sticky PR comment: the report behind the hidden marker. Pure. */
export function renderComment(report: RunReport): string {
  return `${COMMENT_MARKER}\n${renderReport(report)}\n`;
}
