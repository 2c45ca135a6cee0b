// Section 1c of the results: the watcher's pace on modelled stacks (bench/phases/pace-model.ts).
import type { ModelledResult } from '../phases/pace-model.js';
import { markdownTable, max, median, quantile, seconds, type Line } from './stats.js';

const lags = (results: ModelledResult[]) => results.flatMap((r) => r.samples.map((s) => s.lagMs));
const rates = (r: ModelledResult) =>
  r.samples.filter((s) => s.waitMs >= 60_000).map((s) => (s.reads * 60_000) / s.waitMs);

export function paceModelLine(results: ModelledResult[]): Line {
  const calm = lags(results.filter((r) => !r.base.throttleRate));
  const throttled = lags(results.filter((r) => r.base.throttleRate));
  const n = results[0]?.samples.length ?? 0;
  return {
    measure: `… the watcher alone on modelled stacks (section 1c: ${n} operations per case and kind; no process, no network)`,
    prEnv: `median ${seconds(median(calm))}, p98 ${seconds(quantile(calm, 0.98))}, max ${seconds(max(calm))}; 50 % throttled: median ${seconds(median(throttled))}, p90 ${seconds(quantile(throttled, 0.9))}`,
    baseline: '',
    target: 'informs the lines above',
    met: undefined,
  };
}

export function paceModelSection(results: ModelledResult[]): string {
  const rows = results.map((r) => {
    const lag = r.samples.map((s) => s.lagMs);
    const rate = rates(r);
    return [
      r.title,
      r.op,
      String(r.samples.length),
      seconds(median(r.samples.map((s) => s.waitMs)), 0),
      [0.5, 0.9, 0.98].map((q) => seconds(quantile(lag, q))).join(' / ') +
        ` / ${seconds(max(lag))}`,
      rate.length ? max(rate).toFixed(1) : '— (waits < 1 min)',
    ];
  });
  return `## 1c. The watcher on modelled stacks

The watcher itself (\`watchOperation\`, default polling) on a clock that moves only when it sleeps, reading a scripted CloudFormation whose events follow the template's dependency graph under section 5's typical times, scaled as in sections 1 and 1b, each resource ±20 % at random (seeded): the tail of its pacing, which a few dozen spawned runs cannot show. Lag is from the stack's own event to the read that saw it; a read takes no time here and nothing is reported after it, so the spawned runs add about 0.1–0.3 s. Reads count every attempt, refused ones included. [\`lib/pace-model.ts\`](lib/pace-model.ts)

${markdownTable(
  [
    'Case',
    'Operation',
    'n',
    'Wait (median)',
    'Lag median / p90 / p98 / max',
    'Reads/min, max (waits ≥ 1 min)',
  ],
  rows,
)}
`;
}
