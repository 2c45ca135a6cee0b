import { code } from './inline.js';
import type { CostEstimate } from '../cost/estimate.js';
import type { RunReport } from './report.js';

// The comment's lines about the environment itself: awake or asleep, its expiry, its cost, and the
// command that last moved it. Kept apart from markdown.ts, which reports the run.

/** `$0.2589`: hourly figures need four places to be told apart. */
export function formatHourly(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** `$6.21`. */
export function formatDaily(usd: number): string {
  return `$${usd.toFixed(2)}`;
}

const VERB = { sleep: 'sleep', wake: 'wake-up', extend: 'extension' } as const;

/** The headline of a sleep, wake or extend run; undefined for the others. Pure. */
export function lifecycleHeadline(report: RunReport): string | undefined {
  const pr = report.prNumber !== undefined ? ` for #${report.prNumber}` : '';
  if (report.intent !== 'sleep' && report.intent !== 'wake' && report.intent !== 'extend') {
    return undefined;
  }
  if (report.outcome === 'failure') return `❌ pr-env: ${VERB[report.intent]} failed${pr}`;
  switch (report.intent) {
    case 'sleep':
      return `😴 pr-env: environment asleep${pr}`;
    case 'wake':
      return `☀️ pr-env: environment awake${pr}`;
    case 'extend':
      return `⏳ pr-env: expiry extended${pr}`;
  }
}

function stateLine(report: RunReport): string | undefined {
  const env = report.environment;
  if (!env) return undefined;
  const wakers = env.wakePage
    ? `a visit to its URL, ${code('/pr-env wake')} or a push wakes it; the URL shows a wake page meanwhile`
    : `${code('/pr-env wake')} or a push wakes it`;
  const state =
    env.state === 'asleep'
      ? `😴 **asleep**: no web instances, database ${env.database ?? 'stopped'} (${wakers})`
      : env.state === 'waking'
        ? '⏰ **waking**: a visit to its URL woke it; its web instances are starting, and the URL shows the wake page until one answers'
        : `☀️ **awake** (${code('/pr-env sleep')} scales it down while unused)`;
  const expiry =
    env.expiresAt === undefined
      ? ''
      : env.expiresAt === 'never'
        ? ' · never expires'
        : ` · expires ${env.expiresAt} (${code('/pr-env extend [hours]')} moves it)`;
  return `**Environment**: ${state}${expiry}`;
}

/** The cost in one line, then item by item in a fold. Pure. */
export function costLines(cost: CostEstimate, state?: 'awake' | 'asleep'): string[] {
  if (!cost.priced || !cost.hourly || !cost.daily) {
    return [`**Estimated cost**: unknown: ${cost.note ?? `no prices for ${cost.region}`}`];
  }
  const now = (which: 'awake' | 'asleep') => (state === which ? ' ← now' : '');
  const lines = [
    `**Estimated cost** (${cost.region} on-demand list prices of ${cost.priceDate}): awake **${formatHourly(cost.hourly.awake)}/h** (${formatDaily(cost.daily.awake)}/day)${now('awake')} · asleep **${formatHourly(cost.hourly.asleep)}/h** (${formatDaily(cost.daily.asleep)}/day)${now('asleep')}`,
    '',
    '<details><summary>Cost breakdown</summary>',
    '',
    '| Item | Quantity | Unit price | Awake $/h | Asleep $/h |',
    '|---|---|---|---|---|',
    ...cost.lines.map(
      (l) =>
        `| ${l.item} | ${l.quantity} | ${l.unitPrice} | ${l.awake.toFixed(4)} | ${l.asleep.toFixed(4)} |`,
    ),
    `| **Total** | | | **${cost.hourly.awake.toFixed(4)}** | **${cost.hourly.asleep.toFixed(4)}** |`,
    '',
  ];
  if (cost.unpriced.length > 0) {
    lines.push(
      `Not priced (missing from the table, so not in the total): ${cost.unpriced.join('; ')}.`,
      '',
    );
  }
  if (cost.sharedNetworkHourly !== undefined) {
    lines.push(
      `Shared network (\`network-stack\`): its NAT gateway and that gateway's public address bill once for every environment in it, ${formatHourly(cost.sharedNetworkHourly)}/h (${formatDaily(cost.sharedNetworkHourly * 24)}/day) in all, awake or asleep; not in this environment's total.`,
      '',
    );
  }
  lines.push(
    'Not included: Aurora storage and I/O, NAT data processing, data transfer, and load beyond the estimates.',
    '',
    '</details>',
  );
  return lines;
}

/** The environment's state, cost and last command, for the comment and the summary. Pure. */
export function environmentSection(report: RunReport): string[] {
  const lines: string[] = [];
  const state = stateLine(report);
  if (state) lines.push(state, '');
  // Waking, it bills as awake: its instances are back.
  const billed = report.environment?.state === 'waking' ? 'awake' : report.environment?.state;
  if (report.cost) lines.push(...costLines(report.cost, billed), '');
  if (report.command) {
    const text = report.command.url
      ? `[${code(report.command.text)}](${report.command.url})`
      : code(report.command.text);
    lines.push(`**Command**: ${text} by @${report.command.user}`, '');
  }
  return lines;
}
