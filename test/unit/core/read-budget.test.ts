import { describe, expect, it } from 'vitest';
import { ReadBudget } from '../../../src/stack/read-budget.js';

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

  it('counts the reads made beside the watcher', () => {
    const budget = new ReadBudget(12, 0);
    for (let i = 0; i < 11; i++) budget.record(1);
    expect(budget.whenFits(1, 40_000)).toBe(40_000);
    budget.recordSide(1);
    expect(budget.reads).toBe(12);
    expect(budget.whenFits(1, 40_000)).toBe(65_000);
  });

  it('holds a whole minute’s reads until the first minute ends, then adds them at the rate', () => {
    const budget = new ReadBudget(12, 0);
    for (let i = 0; i < 5; i++) budget.record(1);
    expect(budget.availableAt(30_000)).toBe(7);
    expect(budget.availableAt(60_000)).toBe(7);
    expect(budget.availableAt(90_000)).toBe(13);
    expect(new ReadBudget(0, 0).availableAt(1)).toBe(Infinity);
  });

  it('learns the share of attempts CloudFormation answers', () => {
    const budget = new ReadBudget(12, 0);
    expect(budget.answeredShare).toBe(1);
    for (let i = 0; i < 9; i++) budget.record(1, i % 3 !== 0); // 3 of 9 refused
    expect(budget.answeredShare).toBeCloseTo(7 / 10);
    for (let i = 0; i < 10; i++) budget.record(1, false);
    expect(budget.answeredShare).toBeCloseTo(7 / 20);
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
