import { describe, expect, it } from 'vitest';
import { expectedResource, OperationProgress } from '../../../src/stack/operation-progress.js';
import { event } from './helpers.js';

const T0 = Date.UTC(2026, 0, 15, 12);
const at = (seconds: number) => new Date(T0 + seconds * 1000);
const DB = 'AWS::RDS::DBInstance';

describe('expectedResource', () => {
  it('marks what CloudFormation takes minutes over as slow, per operation', () => {
    expect(expectedResource('Writer', DB, 'create').slow).toBe(true);
    expect(expectedResource('Cluster', 'AWS::RDS::DBCluster', 'create').slow).toBe(true);
    // A cluster deletes in about a minute once its instances are gone.
    expect(expectedResource('Cluster', 'AWS::RDS::DBCluster', 'delete').slow).toBe(false);
    expect(expectedResource('Writer', DB, 'delete').slow).toBe(true);
    expect(expectedResource('Vpc', 'AWS::EC2::VPC', 'create').slow).toBe(false);
  });
});

describe('OperationProgress', () => {
  const expected = [
    expectedResource('Vpc', 'AWS::EC2::VPC', 'create'),
    expectedResource('Writer', DB, 'create'),
    expectedResource('Reader', DB, 'create'),
  ];

  it('counts what is in flight, settled, and the slow resources still to start', () => {
    const progress = new OperationProgress(expected, T0);
    progress.observe(event({ status: 'CREATE_IN_PROGRESS', at: at(0) }));
    progress.observe(event({ status: 'CREATE_IN_PROGRESS', id: 'Vpc', at: at(0) }));
    expect(progress.snapshot()).toMatchObject({
      inFlight: 1,
      settled: 0,
      expected: 3,
      slowNotStarted: 2,
    });
    progress.observe(event({ status: 'CREATE_COMPLETE', id: 'Vpc', at: at(15) }));
    progress.observe(event({ status: 'CREATE_IN_PROGRESS', id: 'Writer', type: DB, at: at(15) }));
    expect(progress.snapshot()).toMatchObject({ inFlight: 1, settled: 1, slowNotStarted: 1 });
  });

  it('without a list (an update), says nothing of what is still to start', () => {
    const progress = new OperationProgress(undefined, T0);
    progress.observe(event({ status: 'UPDATE_IN_PROGRESS', id: 'Web', at: at(0) }));
    expect(progress.snapshot()).toMatchObject({
      inFlight: 1,
      expected: undefined,
      slowNotStarted: undefined,
    });
  });

  it('expects a resource to take about as long as one of its type did earlier', () => {
    // The runner's clock is 3 s ahead of AWS's: the operation's first event dates it.
    const progress = new OperationProgress(expected, T0 + 3000);
    progress.observe(event({ status: 'CREATE_IN_PROGRESS', at: at(0) }));
    progress.observe(event({ status: 'CREATE_IN_PROGRESS', id: 'Writer', type: DB, at: at(10) }));
    // Nothing of its type has settled yet: no estimate.
    expect(progress.snapshot().earliestEndAt).toBeUndefined();
    progress.observe(event({ status: 'CREATE_COMPLETE', id: 'Writer', type: DB, at: at(610) }));
    progress.observe(event({ status: 'CREATE_IN_PROGRESS', id: 'Reader', type: DB, at: at(610) }));
    // The writer took 600 s: the reader, at least 0.6 of that, likely at most 1.6 (runner's clock).
    const { earliestEndAt, latestEndAt } = progress.snapshot();
    expect(earliestEndAt).toBe(T0 + 3000 + (610 + 360) * 1000);
    expect(latestEndAt).toBe(T0 + 3000 + (610 + 960) * 1000);
  });

  it('takes the shortest time of a type, and the latest end of what is in flight', () => {
    const progress = new OperationProgress(undefined, T0);
    progress.observe(event({ status: 'UPDATE_IN_PROGRESS', at: at(0) }));
    for (const [id, took] of [
      ['A', 100],
      ['B', 50],
    ] as const) {
      progress.observe(event({ status: 'UPDATE_IN_PROGRESS', id, type: DB, at: at(0) }));
      progress.observe(event({ status: 'UPDATE_COMPLETE', id, type: DB, at: at(took) }));
    }
    progress.observe(event({ status: 'UPDATE_IN_PROGRESS', id: 'C', type: DB, at: at(100) }));
    progress.observe(event({ status: 'UPDATE_IN_PROGRESS', id: 'D', type: DB, at: at(200) }));
    expect(progress.snapshot().earliestEndAt).toBe(T0 + (200 + 30) * 1000);
  });
});
