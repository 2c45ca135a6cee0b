import { describe, expect, it } from 'vitest';
import {
  decideScrub,
  formatScrubRecord,
  openedValues,
  parseScrubRecord,
  scrubParameterValues,
  scrubSqlKey,
} from '../../../src/scrub/state.js';

const SHA = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
const DATA = {
  DBSnapshotIdentifier: 'rds:prod-db-2026-12-01-03-00',
  DBCloneSourceCluster: '',
  DBCloneClusterName: '',
};
const passed = (sha = SHA) =>
  formatScrubRecord({ status: 'passed', sha256: sha, at: '2026-12-01T10:00:00Z', seconds: 12 });
const stackOf = (state: string, access = 'open') => ({
  ...DATA,
  DBAppAccess: access,
  DBScrubSqlS3Uri: `s3://bucket/${scrubSqlKey('pr-env-shop-pr-7', SHA)}`,
  DBScrubState: state,
});

describe('decideScrub: when the scrub runs', () => {
  it('never without scrub-sql', () => {
    expect(decideScrub({ existing: undefined, data: DATA, requested: true }).run).toBe(false);
  });
  it('after a create', () => {
    expect(decideScrub({ sha256: SHA, existing: undefined, data: DATA, requested: false })).toEqual(
      {
        run: true,
        reason: 'a new database',
      },
    );
  });
  it('after refresh-data: a new snapshot, or a new clone', () => {
    const existing = stackOf(passed());
    const snapshot = { ...DATA, DBSnapshotIdentifier: 'rds:prod-db-2026-12-02-03-00' };
    expect(decideScrub({ sha256: SHA, existing, data: snapshot, requested: false })).toMatchObject({
      run: true,
      reason: 'the data is replaced (DBSnapshotIdentifier)',
    });
    const clone = { ...DATA, DBCloneClusterName: 'pr-env-shop-pr-7-c2' };
    expect(decideScrub({ sha256: SHA, existing, data: clone, requested: false }).run).toBe(true);
  });
  it('not on a push that keeps the database, even when the SQL changed since', () => {
    const decision = decideScrub({
      sha256: OTHER,
      existing: stackOf(passed()),
      data: DATA,
      requested: false,
    });
    expect(decision).toMatchObject({
      run: false,
      sqlChanged: true,
      record: { status: 'passed', seconds: 12 },
    });
  });
  it('not on a push after a scrub that failed: the data stays cut off until /pr-env scrub', () => {
    const pending = formatScrubRecord({
      status: 'pending',
      sha256: SHA,
      at: '2026-12-01T10:00:00Z',
    });
    const decision = decideScrub({
      sha256: SHA,
      existing: stackOf(pending, 'closed'),
      data: DATA,
      requested: false,
    });
    expect(decision).toMatchObject({ run: false, reason: 'the last scrub did not pass' });
    expect(scrubParameterValues(decision, stackOf(pending, 'closed'), undefined).DBAppAccess).toBe(
      'closed',
    );
  });
  it('on /pr-env scrub', () => {
    expect(
      decideScrub({ sha256: SHA, existing: stackOf(passed()), data: DATA, requested: true }),
    ).toEqual({
      run: true,
      reason: '/pr-env scrub',
    });
  });
  it('on an environment scrub-sql was added to after its creation', () => {
    const existing = { ...DATA };
    expect(decideScrub({ sha256: SHA, existing, data: DATA, requested: false })).toMatchObject({
      run: true,
      reason: 'this database has never been scrubbed',
    });
  });
});

describe('the gate: the web tier is admitted only once the scrub passed', () => {
  it('closes the database for a scrub to run, with the SQL the bastion may read', () => {
    const values = scrubParameterValues({ run: true, reason: 'a new database' }, undefined, {
      sha256: SHA,
      at: '2026-12-03T06:00:00Z',
      uri: 's3://bucket/pr-env/x/scrub/a.sql',
    });
    expect(values).toEqual({
      DBAppAccess: 'closed',
      DBScrubSqlS3Uri: 's3://bucket/pr-env/x/scrub/a.sql',
      DBScrubState: `pending sha256=${SHA} at=2026-12-03T06:00:00Z`,
    });
  });
  it('opens it with the record of the pass', () => {
    const record = parseScrubRecord(`pending sha256=${SHA} at=2026-12-03T06:00:00Z`)!;
    expect(openedValues({ ...record, seconds: 7 })).toEqual({
      DBAppAccess: 'open',
      DBScrubState: `passed sha256=${SHA} at=2026-12-03T06:00:00Z seconds=7`,
    });
  });
  it('keeps what the stack has on a push, and an unreadable access as closed', () => {
    const decision = decideScrub({
      sha256: SHA,
      existing: stackOf(passed()),
      data: DATA,
      requested: false,
    });
    expect(scrubParameterValues(decision, stackOf(passed()), undefined)).toEqual({
      DBAppAccess: 'open',
      DBScrubSqlS3Uri: stackOf('').DBScrubSqlS3Uri,
      DBScrubState: passed(),
    });
    expect(
      scrubParameterValues(decision, { ...DATA, DBScrubState: passed() }, undefined).DBAppAccess,
    ).toBe('closed');
  });
  it('opens the database when scrub-sql is removed', () => {
    const decision = decideScrub({
      existing: stackOf(passed(), 'closed'),
      data: DATA,
      requested: false,
    });
    expect(scrubParameterValues(decision, stackOf(passed(), 'closed'), undefined)).toEqual({
      DBAppAccess: 'open',
      DBScrubSqlS3Uri: '',
      DBScrubState: '',
    });
  });
});

describe('the record', () => {
  it('round-trips, and refuses anything else', () => {
    expect(parseScrubRecord(passed())).toEqual({
      status: 'passed',
      sha256: SHA,
      at: '2026-12-01T10:00:00Z',
      seconds: 12,
    });
    expect(parseScrubRecord('')).toBeUndefined();
    expect(parseScrubRecord('passed sha256=xyz at=now')).toBeUndefined();
  });
});
