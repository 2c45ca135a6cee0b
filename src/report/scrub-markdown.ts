import type { RunReport } from './report.js';

// The comment's lines about the scrub (scrub-sql): a fact when it passed, a red warning when the
// data is kept from the app. Kept apart from markdown.ts, which reports the run.

const short = (sha256: string) => `\`${sha256.slice(0, 12)}…\``;

/** The facts table's line; undefined when no scrub is configured. Pure. */
export function scrubLine(report: RunReport): string | undefined {
  const scrub = report.scrub;
  if (!scrub) return undefined;
  const file = scrub.file ? `\`${scrub.file.replace(/`/g, "'")}\` ` : '';
  const how = `${file}(SHA-256 ${short(scrub.sha256)})`;
  const took = scrub.seconds === undefined ? '' : ` in ${scrub.seconds} s`;
  switch (scrub.status) {
    case 'passed':
      return `✅ scrubbed now with ${how}, at ${scrub.at}${took}`;
    case 'kept':
      if (!scrub.passed) return `🔴 not scrubbed: the app is cut off from the database`;
      return `✅ scrubbed with SHA-256 ${short(scrub.sha256)} at ${scrub.at}${took}${scrub.sqlChanged ? `; ${file}has changed since: \`/pr-env scrub\` applies it` : ''}`;
    case 'pending':
      return `⏳ scrubbing with ${how}: the app is cut off from the database until it passes`;
    case 'failed':
      return `🔴 scrub failed with ${how}${took}: the app is cut off from the database`;
  }
}

/** GitHub's red alert, when the data is kept from the app because no scrub has passed. Pure. */
export function scrubWarning(report: RunReport): string[] {
  const scrub = report.scrub;
  const failed = scrub?.status === 'failed' || (scrub?.status === 'kept' && !scrub.passed);
  if (!scrub || !failed) return [];
  const when = scrub.status === 'failed' ? 'failed' : `has not passed since ${scrub.at}`;
  return [
    '> [!CAUTION]',
    `> **The scrub ${when}**: the database keeps production's data unmasked, so the app may not reach it (the database admits the bastion only).`,
    '> Fix the SQL on the base branch, then comment `/pr-env scrub` to run it again.',
    '',
  ];
}
