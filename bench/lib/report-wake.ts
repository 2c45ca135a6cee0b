// Section 6 of the results: wake on visit, modelled (bench/phases/wake.ts).
import { WAKE_SOURCES, type WakeResult } from '../phases/wake.js';
import { SOURCES } from './timings.js';
import { markdownTable, type Line } from './stats.js';

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

export function wakeLine(wake: WakeResult): Line {
  const first = wake.promises[0];
  return {
    measure:
      'Wake on visit (modelled, typical AWS times): first visit → the URL answers as the app',
    prEnv: minutes(wake.totalSeconds),
    baseline: `the page promises ${first?.promisedMinutes} min at the first visit`,
    target: 'the page never promises less than the model',
    met: wake.honest,
  };
}

export function wakeNotes(wake: WakeResult): string[] {
  const short = wake.promises.filter((p) => p.promisedMinutes < p.modelMinutes);
  if (short.length === 0) return [];
  return [
    `**Wake page promises too little** at ${short.map((p) => `${p.step} (${p.promisedMinutes} min against ${p.modelMinutes})`).join(', ')}: raise minutesLeft in src/wake/page.ts.`,
  ];
}

export function wakeSection(wake: WakeResult): string {
  const cited = new Set(wake.steps.flatMap((s) => s.sources));
  const sources = [...WAKE_SOURCES, ...SOURCES]
    .filter((s) => cited.has(s.id))
    .map((s) => `- **${s.id}** ${s.url}: ${s.says}`)
    .join('\n');
  const steps = markdownTable(
    ['Step (src/wake/decide.ts)', 'What happens', 'Seconds', 'Sources', 'Note'],
    wake.steps.map((s) => [
      s.step,
      s.what,
      String(s.seconds),
      s.sources.join(', ') || 'estimate',
      s.note,
    ]),
  );
  const promises = markdownTable(
    ['A visit finds', 'The page promises', 'The model leaves', 'Holds'],
    wake.promises.map((p) => [
      p.step,
      `${p.promisedMinutes} min`,
      `${p.modelMinutes} min`,
      p.promisedMinutes >= p.modelMinutes ? '✅' : '❌',
    ]),
  );
  return `## 6. Wake on visit

From the first visit to a sleeping environment's URL to the URL answering as the app again, step by step as the wake page's function takes it (each step runs when a visit, or the page's own reload every 20 s, finds the one before done), with published timings where there are any, the template's health-check settings, and at worst one reload interval between steps. Total: **${minutes(wake.totalSeconds)}**, most of it the cluster's start. A model, not a measurement: the simulator cannot tell how long AWS takes.

${steps}

${promises}

${sources}
`;
}
