import { describe, expect, it } from 'vitest';
import { scalesToZero, serverlessMinCapacity } from '../../../src/data/serverless.js';

describe('scalesToZero (AWS: PostgreSQL 13.15, 14.12, 15.7, 16.3 and later; MySQL 3.08.0 and later)', () => {
  it.each([
    ['aurora-postgresql', '16.3', true],
    ['aurora-postgresql', '16.4', true],
    ['aurora-postgresql', '16.2', false],
    ['aurora-postgresql', '15.7', true],
    ['aurora-postgresql', '15.6', false],
    ['aurora-postgresql', '14.12', true],
    ['aurora-postgresql', '14.9', false],
    ['aurora-postgresql', '13.15', true],
    ['aurora-postgresql', '13.14', false],
    ['aurora-postgresql', '12.22', false],
    ['aurora-postgresql', '17.4', true],
    ['aurora-mysql', '8.0.mysql_aurora.3.08.0', true],
    ['aurora-mysql', '8.0.mysql_aurora.3.10.1', true],
    ['aurora-mysql', '8.0.mysql_aurora.3.07.1', false],
    ['aurora-mysql', '5.7.mysql_aurora.2.12.4', false],
    ['aurora-mysql', '8.0', false],
    ['postgres', '16.4', false],
  ])('%s %s: %s', (engine, version, expected) => {
    expect(scalesToZero(engine, version)).toBe(expected);
  });
});

describe('serverlessMinCapacity', () => {
  const base = { instanceClass: 'db.serverless', engine: 'aurora-postgresql' };

  it('is 0 where the version pauses, 0.5 where it cannot', () => {
    expect(serverlessMinCapacity({ ...base, engineVersion: '16.4' })).toBe('0');
    expect(serverlessMinCapacity({ ...base, engineVersion: '15.4' })).toBe('0.5');
  });

  it('leaves provisioned instances alone', () => {
    expect(
      serverlessMinCapacity({ ...base, instanceClass: 'db.t4g.medium', engineVersion: '16.4' }),
    ).toBeUndefined();
  });

  it('keeps the user’s minimum, but refuses 0 on a version that cannot pause', () => {
    expect(
      serverlessMinCapacity({ ...base, engineVersion: '15.4', requestedMin: '1' }),
    ).toBeUndefined();
    expect(
      serverlessMinCapacity({ ...base, engineVersion: '16.4', requestedMin: '0' }),
    ).toBeUndefined();
    expect(() =>
      serverlessMinCapacity({ ...base, engineVersion: '15.4', requestedMin: '0' }),
    ).toThrow(
      '"parameters": DBServerlessMinCapacity=0 needs an engine version that scales to 0 ACU',
    );
  });
});
