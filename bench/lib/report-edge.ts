/**
 * The edge cases' part of the results (bench/phases/edge.ts): detection when the stack's end
 * follows its last resource within a second, on stacks that settle in seconds, and with half of
 * the reads throttled; and the read rate over every wait longer than a minute.
 */
import type { ModeCapacity } from '../phases/capacity.js';
import type { EdgeCaseResult } from '../phases/edge.js';
import type { OperationSample } from '../phases/latency.js';
import { markdownTable, max, median, seconds, type Line, type Row } from './stats.js';

export const EDGE_TARGETS = {
  detectionMedianMs: 2000,
  detectionMaxMs: 5000,
  throttledMaxMs: 8000,
  readsPerMinute: 12,
  /** Waits at least this long are held to the rate. */
  rateWaitMs: 60_000,
};

const detection = (s: OperationSample) =>
  s.terminalAt === undefined ? undefined : s.result.exitedAt - s.terminalAt;
const lag = (s: OperationSample) =>
  s.terminalAt === undefined || s.seenAt === undefined ? undefined : s.seenAt - s.terminalAt;
const waitMs = (s: OperationSample) =>
  s.startedAt === undefined || s.seenAt === undefined ? undefined : s.seenAt - s.startedAt;
const rate = (s: OperationSample) => {
  const ms = waitMs(s);
  return ms === undefined ? undefined : (s.waitReads / ms) * 60_000;
};
const defined = (values: (number | undefined)[]) =>
  values.filter((v): v is number => v !== undefined);

/** Every sample's rate over a wait of a minute or more. */
function longWaitRates(samples: OperationSample[]): number[] {
  return defined(samples.filter((s) => (waitMs(s) ?? 0) >= EDGE_TARGETS.rateWaitMs).map(rate));
}

export function edgeDerive(latency: OperationSample[], edges: EdgeCaseResult[]) {
  const of = (key: EdgeCaseResult['key']) => edges.find((e) => e.key === key)?.samples ?? [];
  const unthrottled = [...latency, ...of('quick-end'), ...of('small')];
  const all = defined(unthrottled.map(detection));
  const throttled = defined(of('throttled').map(detection));
  const rates = longWaitRates([...latency, ...edges.flatMap((e) => e.samples)]);
  return { all, throttled, rates };
}

export function edgeLines(latency: OperationSample[], edges: EdgeCaseResult[]): Line[] {
  const d = edgeDerive(latency, edges);
  return [
    {
      measure: `Detection latency with the edges: section 1 plus a stack end ≤ 1 s after its last resource and stacks settling in < 10 s (n=${d.all.length})`,
      prEnv: `median ${seconds(median(d.all))}, max ${seconds(max(d.all))}`,
      baseline: '',
      target: '≤ 2 s median, ≤ 5 s max',
      met:
        median(d.all) <= EDGE_TARGETS.detectionMedianMs &&
        max(d.all) <= EDGE_TARGETS.detectionMaxMs,
    },
    {
      measure: `Detection latency, 50 % of CloudFormation reads throttled (n=${d.throttled.length})`,
      prEnv: `median ${seconds(median(d.throttled))}, max ${seconds(max(d.throttled))}`,
      baseline: '',
      target: '≤ 8 s max',
      met: max(d.throttled) <= EDGE_TARGETS.throttledMaxMs,
    },
    {
      measure: `CloudFormation reads per minute per stack, every wait over a minute, throttled attempts included (n=${d.rates.length})`,
      prEnv: `median ${median(d.rates).toFixed(1)}, max ${max(d.rates).toFixed(1)}`,
      baseline: '',
      target: '≤ 12',
      met: max(d.rates) <= EDGE_TARGETS.readsPerMinute,
    },
  ];
}

/** Section 1b's table: each case and operation. */
export function edgeTable(edges: EdgeCaseResult[]): string {
  const rows: Row[] = [];
  for (const edge of edges) {
    for (const op of ['create', 'update', 'destroy'] as const) {
      const samples = edge.samples.filter((s) => s.op === op);
      const det = defined(samples.map(detection));
      const lags = defined(samples.map(lag));
      const waits = defined(samples.map(waitMs));
      const rates = longWaitRates(samples);
      rows.push([
        edge.title,
        op,
        String(det.length),
        `${seconds(median(waits), 0)}`,
        `${seconds(median(det))} / ${seconds(max(det))}`,
        `${seconds(median(lags))} / ${seconds(max(lags))}`,
        rates.length ? max(rates).toFixed(1) : '— (waits < 1 min)',
        String(samples.filter((s) => !s.ok).length),
      ]);
    }
  }
  return markdownTable(
    [
      'Case',
      'Operation',
      'n',
      'Wait (median)',
      'Detection median / max',
      'Watcher lag median / max',
      'Reads/min, max (waits ≥ 1 min)',
      'Failed',
    ],
    rows,
  );
}

/** What the numbers say about each missed edge target. */
export function edgeNotes(latency: OperationSample[], edges: EdgeCaseResult[]): string[] {
  const d = edgeDerive(latency, edges);
  const notes: string[] = [];
  const worst = (samples: OperationSample[]) => {
    const timed = samples.filter((s) => detection(s) !== undefined);
    return timed.sort((a, b) => detection(b)! - detection(a)!)[0];
  };
  if (median(d.all) > EDGE_TARGETS.detectionMedianMs || max(d.all) > EDGE_TARGETS.detectionMaxMs) {
    const samples = [
      ...latency,
      ...edges.filter((e) => e.key !== 'throttled').flatMap((e) => e.samples),
    ];
    const w = worst(samples);
    const edge = edges.find((e) => e.samples.includes(w!));
    notes.push(
      `**Detection with the edges** (median ${seconds(median(d.all))}, max ${seconds(max(d.all))} vs ≤ 2 s / ≤ 5 s): the slowest was a ${w?.op} (${edge ? edge.title : 'section 1'}), seen ${seconds(lag(w!) ?? NaN)} after its end. ` +
        'With 12 reads a minute and the first minute counting as a whole one, a stack that ends just after a minute has about 13 reads in all; the watcher saves them while several resources are in flight and spends them at a 1–2 s pace on the last ones, but when the last resource takes long the saved reads run out before it ends, and the next read waits for the budget.',
    );
  }
  if (max(d.throttled) > EDGE_TARGETS.throttledMaxMs) {
    notes.push(
      `**Detection with half of the reads throttled** (max ${seconds(max(d.throttled))} vs ≤ 8 s): every refused attempt counts against the 12 reads a minute, so the budget holds about half as many useful reads; a refused poll is retried by the watcher's next one (the SDK does not retry polls), paced by the same budget, so a run of refusals near the end delays its detection by the budget's pace each (5 s once the budget is spent). Under the rate target this one cannot be met in general: the end would have to be read within 8 s with about one useful read in two.`,
    );
  }
  if (max(d.rates) > EDGE_TARGETS.readsPerMinute) {
    notes.push(
      `**Reads per minute over long waits** (max ${max(d.rates).toFixed(1)} vs ≤ 12): the watcher's budget counts its own polls (one attempt each) and the progress feed's reads with their SDK retries; the difference is attempts it did not see.`,
    );
  }
  return notes;
}

/** Section 6's line: environments per account and region under the default quotas, by mode. */
export function capacityLine(capacity: ModeCapacity[]): Line {
  const of = (mode: ModeCapacity['mode']) => capacity.find((c) => c.mode === mode);
  const own = of('own network');
  const shared = of('shared network');
  return {
    measure:
      'Environments per account and region under the default quotas (own network / shared network)',
    prEnv: `${own?.fit} (limited by ${own?.limitedBy}) / ${shared?.fit} (limited by ${shared?.limitedBy})`,
    baseline: '',
    target: 'reported',
  };
}
