import { describe, expect, it } from 'vitest';
import {
  END_PACE_CAP_MS,
  nextReadAt,
  phaseOf,
  throttledBackoff,
  workingInterval,
  type PaceState,
  type PollPolicy,
} from '../../../src/stack/pace.js';
import { ReadBudget } from '../../../src/stack/read-budget.js';

const POLICY: PollPolicy = { fastMs: 1000, nearMs: 2000, slowMs: 10_000, readsPerMinute: 12 };
const state = (phase: PaceState['phase'], extra: Partial<PaceState> = {}): PaceState => ({
  phase,
  lastInterval: 1000,
  backoffMs: 0,
  ...extra,
});
const spent = (reads: number, perMinute = 12) => {
  const budget = new ReadBudget(perMinute, 0);
  for (let i = 0; i < reads; i++) budget.record(1);
  return budget;
};

describe('phaseOf', () => {
  it('is working while a slow resource is still to start', () => {
    expect(phaseOf({ inFlight: 1, settled: 44, expected: 46, slowNotStarted: 1 })).toBe('working');
  });
  it('is near the end once the last slow one has started, quick ones or not still to come', () => {
    expect(phaseOf({ inFlight: 1, settled: 45, expected: 46, slowNotStarted: 0 })).toBe('near-end');
    expect(phaseOf({ inFlight: 1, settled: 30, expected: 46, slowNotStarted: 0 })).toBe('near-end');
  });
  it('is settled when nothing is in flight or still to start', () => {
    expect(phaseOf({ inFlight: 0, settled: 46, expected: 46, slowNotStarted: 0 })).toBe('settled');
    expect(phaseOf({ inFlight: 0, settled: 3 })).toBe('settled');
    // Between one resource and the next one starting, a create is not settled.
    expect(phaseOf({ inFlight: 0, settled: 45, expected: 46, slowNotStarted: 0 })).toBe('near-end');
  });
  it('without a list (an update), the last one or two in flight are near the end', () => {
    expect(phaseOf({ inFlight: 2, settled: 30 })).toBe('near-end');
    expect(phaseOf({ inFlight: 3, settled: 30 })).toBe('working');
  });
});

describe('workingInterval', () => {
  it('with a slow resource to start, reads as seldom as the operation is old', () => {
    const waiting = { inFlight: 5, settled: 20, expected: 46, slowNotStarted: 2 };
    expect(workingInterval(POLICY, waiting, 0)).toBe(2000);
    expect(workingInterval(POLICY, waiting, 3000)).toBe(4500);
    expect(workingInterval(POLICY, waiting, 30_000)).toBe(10_000);
  });
  it('without a list, reads a stack whose resources settle fast often, and a slow one slowly', () => {
    // A small update: 4 settled and 2 in flight after 3 s, about 1.5 s to go.
    expect(workingInterval(POLICY, { inFlight: 2, settled: 4 }, 3000)).toBe(2000);
    // 8 settled after 15 s, 30 in flight: about a minute to go.
    expect(workingInterval(POLICY, { inFlight: 30, settled: 8 }, 15_000)).toBe(10_000);
    // Half-way after 9 s: about 9 s to go, read every 4.5 s.
    expect(workingInterval(POLICY, { inFlight: 20, settled: 20 }, 9000)).toBe(4500);
  });
  it('reads the first seconds at the near pace, before anything has settled', () => {
    expect(workingInterval(POLICY, { inFlight: 5, settled: 0 }, 0)).toBe(2000);
    expect(workingInterval(POLICY, { inFlight: 5, settled: 0 }, 12_000)).toBe(10_000);
  });
});

describe('nextReadAt', () => {
  it('paces each phase', () => {
    const budget = spent(0);
    expect(nextReadAt(POLICY, budget, state('working', { workingMs: 7000 }), 0)).toBe(7000);
    expect(nextReadAt(POLICY, budget, state('near-end', { nearSince: 0 }), 0)).toBe(2000);
    expect(nextReadAt(POLICY, budget, state('settled', { quietSince: 0 }), 0)).toBe(1000);
  });

  it('widens the settled pace after the fast window, up to the cap', () => {
    const s = state('settled', { quietSince: 0 });
    const budget = spent(0, 0);
    expect(nextReadAt(POLICY, budget, s, 16_000) - 16_000).toBe(2000);
    expect(nextReadAt(POLICY, budget, s, 18_000) - 18_000).toBe(END_PACE_CAP_MS);
    expect(nextReadAt(POLICY, budget, s, 22_000) - 22_000).toBe(END_PACE_CAP_MS);
  });

  it('waits for the earliest a resource in flight can settle, then reads near', () => {
    const budget = spent(4);
    const s = state('near-end', { nearSince: 20_000, earliestEndAt: 45_000, latestEndAt: 70_000 });
    // Far off: only progress to report, at the slow pace; then up to that moment.
    expect(nextReadAt(POLICY, budget, s, 20_000)).toBe(30_000);
    expect(nextReadAt(POLICY, budget, s, 40_000)).toBe(45_000);
    // From then, the end may come: the reads the budget holds until the likely latest end and
    // CloudFormation's pause after it (76 s: 15.2, 4 spent) spread over those 31 s.
    expect(nextReadAt(POLICY, budget, s, 45_000)).toBe(45_000 + Math.round(31_000 / 11.2));
  });

  it('spreads the saved reads when they would not last at the near pace', () => {
    // 9 of the first minute's 12 spent at 40 s; the end has been near for 30 s: it may take
    // 30 s more, for which the budget holds 3 reads (and 2 more past the minute).
    const s = state('near-end', { nearSince: 10_000 });
    expect(nextReadAt(POLICY, spent(9), s, 40_000) - 40_000).toBe(6000);
    // With reads to spare (10 for the next 10 s), the near pace.
    const fresh = state('near-end', { nearSince: 35_000 });
    expect(nextReadAt(POLICY, spent(2), fresh, 40_000) - 40_000).toBe(2000);
  });

  it('counts on refused attempts when spreading', () => {
    const s = state('near-end', { nearSince: 30_000 });
    const budget = spent(4);
    for (let i = 0; i < 4; i++) budget.record(1, false);
    // 4 reads left by the horizon (10 s away), of which 5 in 9 are answered (the share learnt,
    // with one of each counted in advance).
    expect(nextReadAt(POLICY, budget, s, 30_000) - 30_000).toBe(Math.round(10_000 / ((4 * 5) / 9)));
  });

  it('never exceeds the budget itself, whatever the pace', () => {
    const budget = spent(12);
    expect(nextReadAt(POLICY, budget, state('working', { workingMs: 2000 }), 40_000)).toBe(65_000);
    expect(nextReadAt(POLICY, budget, state('settled', { quietSince: 40_000 }), 40_000)).toBe(
      65_000,
    );
  });

  it('after a refused read, reads again after the backoff rather than a whole interval', () => {
    const budget = spent(0, 0);
    const working = state('working', { workingMs: 10_000, backoffMs: throttledBackoff(0, POLICY) });
    expect(nextReadAt(POLICY, budget, working, 0)).toBe(2000);
    working.backoffMs = 4000;
    expect(nextReadAt(POLICY, budget, working, 0)).toBe(4000);
    const settled = state('settled', { quietSince: 0, backoffMs: 2000 });
    expect(nextReadAt(POLICY, budget, settled, 0)).toBe(2000);
    settled.backoffMs = 5000;
    expect(nextReadAt(POLICY, budget, settled, 0)).toBe(END_PACE_CAP_MS);
    expect(throttledBackoff(100_000, POLICY)).toBe(5000);
  });
});
