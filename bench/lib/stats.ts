/** Small statistics and formatting helpers for the benchmark's tables. */

export function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = sorted(values);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export const median = (values: number[]) => quantile(values, 0.5);
export const max = (values: number[]) => (values.length ? Math.max(...values) : Number.NaN);
export const min = (values: number[]) => (values.length ? Math.min(...values) : Number.NaN);
export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** `1.23 s` from milliseconds. */
export const seconds = (ms: number, digits = 2) =>
  Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : 'n/a';

export const mib = (kb: number) => (Number.isFinite(kb) ? `${(kb / 1024).toFixed(1)} MiB` : 'n/a');

export const bytes = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MB` : `${(n / 1024).toFixed(0)} KB`;

export const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;

/** median / p90 / max of milliseconds, as seconds. */
export function distribution(ms: number[]): string {
  if (ms.length === 0) return 'n/a';
  return `${seconds(median(ms))} / ${seconds(quantile(ms, 0.9))} / ${seconds(max(ms))}`;
}

export type Row = string[];

/** One row of the results table: a measure, pr-env's figure, its baseline, the target. */
export interface Line {
  measure: string;
  prEnv: string;
  baseline: string;
  target: string;
  met?: boolean;
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(header: Row, rows: Row[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${header.map(escape).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}

/** The same table aligned for a terminal. */
export function textTable(header: Row, rows: Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (row: Row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
