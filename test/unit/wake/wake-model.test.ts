import { describe, expect, it } from 'vitest';
import { wakePhase } from '../../../bench/phases/wake.js';
import { wakeLine, wakeNotes } from '../../../bench/lib/report-wake.js';

describe('the benchmark’s wake model (npm run bench, section 6)', () => {
  const wake = wakePhase();

  it('adds up the steps, in the decider’s order, the cluster’s start from its source', () => {
    expect(wake.totalSeconds).toBe(wake.steps.reduce((sum, s) => sum + s.seconds, 0));
    expect(wake.steps.map((s) => s.step)).toEqual([
      'start-database',
      'wait-database',
      'wait-database',
      'restore-capacity',
      'wait-instances',
      'wait-instances',
      'wait-instances',
      'switch-listener',
    ]);
    expect(wake.steps[1]).toMatchObject({ seconds: 560, sources: ['S16'] });
    // The template's own health checks: 2 × 10 s.
    expect(wake.steps[5]!.seconds).toBe(20);
  });

  it('the page promises no less than the model leaves, at every step', () => {
    for (const p of wake.promises) expect(p.promisedMinutes).toBeGreaterThanOrEqual(p.modelMinutes);
    expect(wakeLine(wake).met).toBe(true);
    expect(wakeNotes(wake)).toEqual([]);
  });

  it('says so when the page promises too little', () => {
    const optimistic = {
      ...wake,
      honest: false,
      promises: [{ step: 'start-database' as const, promisedMinutes: 12, modelMinutes: 15.7 }],
    };
    expect(wakeLine(optimistic).met).toBe(false);
    expect(wakeNotes(optimistic)).toEqual([
      expect.stringContaining('start-database (12 min against 15.7)'),
    ]);
  });
});

describe('the benchmark’s critical path (section 5)', () => {
  it('has a typical time for every resource type the template declares', async () => {
    const { TYPICAL_CREATE } = await import('../../../bench/lib/timings.js');
    const { loadTemplate } = await import('../../../src/template/render.js');
    const { template } = loadTemplate('templates/environment.yml');
    const types = new Set(Object.values(template.Resources).map((r) => r.Type));
    expect([...types].filter((t) => !(t in TYPICAL_CREATE))).toEqual([]);
  });
});
