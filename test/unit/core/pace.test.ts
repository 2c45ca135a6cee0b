import { describe, expect, it } from 'vitest';
import {
  RESERVED_READS,
  ReadBudget,
  nextReadAt,
  phaseOf,
  throttledBackoff,
  workingInterval,
  type PaceState,
  type PollPolicy,
} from '../../../src/stack/pace.js';

const POLICY: PollPolicy = { fastMs: 1000, nearMs: 2000, slowMs: 10_000, readsPerMinute: 12 };
const state = (phase: PaceState['phase'], extra: Partial<PaceState> = {}): PaceState => ({
  phase,
  lastInterval: 1000,
  backoffMs: 0,
  ...extra,
});

describe('ReadBudget', () => {
  it('spends a whole minute’s reads over the first minute, at any pace, then the rate', () => {
    const budget = new ReadBudget(12, 0);
    for (let i = 0; i < 12; i++) {
      expect(budget.whenFits(1, 0)).toBe(0);
      budget.record(1);
    }
    // The 13th waits for the rate itself: 65 s into the wait.
    expect(budget.whenFits(1, 0)).toBe(65_000);
    expect(budget.whenFits(1, 40_000)).toBe(65_000);
    expect(budget.whenFits(1, 70_000)).toBe(70_000);
  });

  it('counts every attempt the SDK made, throttled retries included', () => {
    const budget = new ReadBudget(12, 0);
    budget.record(3);
    budget.record(undefined);
    expect(budget.reads).toBe(4);
    budget.record(8);
    expect(budget.reads).toBe(12);
    // Twelve attempts are all the first minute may spend.
    expect(budget.whenFits(1, 0)).toBe(65_000);
  });

  it('saves what a slow phase did not spend', () => {
    const budget = new ReadBudget(12, 0);
    for (let t = 0; t < 300_000; t += 10_000) budget.record(1); // 30 reads in 5 min, 60 allowed
    expect(budget.whenFits(30, 300_000)).toBe(300_000);
    expect(budget.whenFits(31, 300_000)).toBe(305_000);
  });

  it('is unlimited at 0 reads a minute', () => {
    const budget = new ReadBudget(0, 0);
    for (let i = 0; i < 1000; i++) budget.record(1);
    expect(budget.whenFits(1, 1)).toBe(1);
  });

  it('never lets a wait longer than a minute average more than N reads a minute', () => {
    // Read as often as allowed, with random attempts, for 10 minutes: at every moment after the
    // first minute, the reads so far fit N a minute.
    const budget = new ReadBudget(12, 0);
    let now = 0;
    while (now < 600_000) {
      now = Math.max(now + 100, budget.whenFits(1, now));
      budget.record(1 + Math.floor(Math.random() * 3));
      const minutes = Math.max(now, 60_000) / 60_000;
      // One call's attempts may overshoot by its retries (at most 2), never more.
      expect(budget.reads).toBeLessThanOrEqual(12 * minutes + 2);
    }
  });
});

describe('phaseOf', () => {
  it('is working while more than two of the operation’s resources are to settle', () => {
    expect(phaseOf({ inFlight: 3, settled: 10, expected: 20 })).toBe('working');
    expect(phaseOf({ inFlight: 1, settled: 10, expected: 20 })).toBe('working');
  });
  it('is near the end with the last one or two in flight', () => {
    expect(phaseOf({ inFlight: 2, settled: 18, expected: 20 })).toBe('near-end');
    expect(phaseOf({ inFlight: 1, settled: 19, expected: 20 })).toBe('near-end');
  });
  it('is settled when nothing is in flight', () => {
    expect(phaseOf({ inFlight: 0, settled: 20, expected: 20 })).toBe('settled');
    expect(phaseOf({ inFlight: 0, settled: 3 })).toBe('settled');
  });
  it('without a count (an update), the last one or two in flight are near the end', () => {
    expect(phaseOf({ inFlight: 2, settled: 30 })).toBe('near-end');
    expect(phaseOf({ inFlight: 3, settled: 30 })).toBe('working');
  });
});

describe('workingInterval', () => {
  it('reads a stack whose resources settle fast often, and a slow one slowly', () => {
    // 6 s stacks: 20 of 38 settled after 2 s, about 2 s to go.
    expect(workingInterval(POLICY, { inFlight: 5, settled: 20, expected: 38 }, 2000)).toBe(2000);
    // 60 s stacks: 8 of 38 settled after 15 s, about a minute to go.
    expect(workingInterval(POLICY, { inFlight: 5, settled: 8, expected: 38 }, 15_000)).toBe(10_000);
    // Half-way after 20 s: about 20 s to go.
    expect(workingInterval(POLICY, { inFlight: 5, settled: 19, expected: 38 }, 20_000)).toBe(
      10_000,
    );
    // Half-way after 9 s: about 8 s to go.
    expect(workingInterval(POLICY, { inFlight: 5, settled: 20, expected: 38 }, 9000)).toBe(
      Math.round((9000 * 18) / 20 / 2),
    );
  });
  it('past the first ten seconds, no faster than 12 reads a minute less the reserve', () => {
    // 8 to go after 20 s would be read every 2.7 s; the budget sustains one every 7.5 s.
    expect(workingInterval(POLICY, { inFlight: 5, settled: 30, expected: 38 }, 20_000)).toBe(7500);
    expect(
      workingInterval(
        { ...POLICY, readsPerMinute: 0 },
        { inFlight: 5, settled: 30, expected: 38 },
        20_000,
      ),
    ).toBe(Math.round((20_000 * 8) / 30 / 2));
  });
  it('reads the first seconds at the near pace, before anything has settled', () => {
    expect(workingInterval(POLICY, { inFlight: 5, settled: 0, expected: 38 }, 0)).toBe(2000);
    expect(workingInterval(POLICY, { inFlight: 5, settled: 0, expected: 38 }, 12_000)).toBe(10_000);
  });
  it('without a count (an update), takes what is in flight as what is left', () => {
    // A small update: 4 settled and 2 in flight after 3 s, about 1.5 s to go.
    expect(workingInterval(POLICY, { inFlight: 2, settled: 4 }, 3000)).toBe(2000);
    // A long one: 2 settled and 10 in flight after 20 s.
    expect(workingInterval(POLICY, { inFlight: 10, settled: 2 }, 20_000)).toBe(10_000);
  });
});

describe('nextReadAt', () => {
  it('paces each phase', () => {
    const budget = new ReadBudget(12, 0);
    expect(nextReadAt(POLICY, budget, state('working'), 0)).toBe(10_000);
    expect(nextReadAt(POLICY, budget, state('near-end'), 0)).toBe(2000);
    expect(nextReadAt(POLICY, budget, state('settled', { quietSince: 0 }), 0)).toBe(1000);
  });

  it('widens the settled pace after the fast window', () => {
    const budget = new ReadBudget(0, 0);
    const s = state('settled', { quietSince: 0 });
    expect(nextReadAt(POLICY, budget, s, 16_000) - 16_000).toBe(2000);
    expect(nextReadAt(POLICY, budget, s, 18_000) - 18_000).toBe(4000);
    expect(nextReadAt(POLICY, budget, s, 22_000) - 22_000).toBe(8000);
    expect(nextReadAt(POLICY, budget, s, 30_000) - 30_000).toBe(10_000);
  });

  it('keeps reads in reserve until everything has settled', () => {
    const budget = new ReadBudget(12, 0);
    for (let i = 0; i < 12 - RESERVED_READS['near-end']; i++) budget.record(1);
    // Near the end at 40 s: the reserve is not spent before the budget allows it (65 s), but a
    // read is not held back longer than the slow pace either.
    const near = nextReadAt(POLICY, budget, state('near-end'), 40_000);
    expect(near).toBe(50_000);
    // Once settled, the reserve is spent at the fast pace.
    expect(nextReadAt(POLICY, budget, state('settled', { quietSince: 40_000 }), 40_000)).toBe(
      41_000,
    );
  });

  it('never exceeds the budget itself, whatever the pace', () => {
    const budget = new ReadBudget(12, 0);
    for (let i = 0; i < 12; i++) budget.record(1);
    expect(nextReadAt(POLICY, budget, state('working'), 40_000)).toBe(65_000);
    expect(nextReadAt(POLICY, budget, state('settled', { quietSince: 40_000 }), 40_000)).toBe(
      65_000,
    );
  });

  it('counts the reads made beside the watcher', () => {
    const budget = new ReadBudget(12, 0);
    for (let i = 0; i < 11; i++) budget.record(1);
    expect(budget.whenFits(1, 40_000)).toBe(40_000);
    budget.recordSide(1);
    expect(budget.reads).toBe(12);
    expect(budget.whenFits(1, 40_000)).toBe(65_000);
  });

  it('waits longer after throttling', () => {
    const budget = new ReadBudget(0, 0);
    const s = state('settled', { quietSince: 0, backoffMs: throttledBackoff(0, POLICY) });
    expect(nextReadAt(POLICY, budget, s, 0)).toBe(1000);
    s.backoffMs = throttledBackoff(s.backoffMs, POLICY);
    expect(nextReadAt(POLICY, budget, s, 0)).toBe(2000);
    expect(throttledBackoff(100_000, POLICY)).toBe(5000);
  });
});
