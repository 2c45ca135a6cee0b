import { describe, expect, it } from 'vitest';
import {
  environmentName,
  expiresAt,
  extendedExpiry,
  STACK_NAME_MAX,
  stackName,
  stackTags,
  TAG,
  uniqueName,
} from '../../../src/naming.js';

// CloudFormation's rule for stack names.
const VALID_STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

function expectValid(name: string) {
  expect(name).toMatch(VALID_STACK_NAME);
  expect(name.length).toBeLessThanOrEqual(128);
  expect(name).not.toContain('--');
  expect(name).not.toMatch(/-$/);
}

describe('stackName', () => {
  it('is <prefix>-<repo>-pr-<n>', () => {
    expect(stackName('pr-env', 'shop', 12)).toBe('pr-env-shop-pr-12');
  });

  it.each([
    ['my.app', 'pr-env-my-app-pr-1'],
    ['my_app', 'pr-env-my-app-pr-1'],
    ['a..b__c', 'pr-env-a-b-c-pr-1'],
    ['.hidden.', 'pr-env-hidden-pr-1'],
    ['café', 'pr-env-caf-pr-1'],
    ['日本語', 'pr-env-repo-pr-1'],
    ['---', 'pr-env-repo-pr-1'],
    ['9lives', 'pr-env-9lives-pr-1'],
    ['123', 'pr-env-123-pr-1'],
  ])('sanitises the repository %j', (repo, expected) => {
    const name = stackName('pr-env', repo, 1);
    expect(name).toBe(expected);
    expectValid(name);
  });

  it('sanitises the prefix too, falling back to pr-env', () => {
    expect(stackName('team.preview', 'shop', 2)).toBe('team-preview-shop-pr-2');
    expect(stackName('', 'shop', 2)).toBe('pr-env-shop-pr-2');
  });

  it('cuts a 200-character repository name to fit 128 characters', () => {
    const name = stackName('pr-env', 'r'.repeat(200), 98765);
    expect(name.length).toBeLessThanOrEqual(STACK_NAME_MAX);
    expectValid(name);
    expect(name).toMatch(/^pr-env-r+-[0-9a-f]{8}-pr-98765$/);
  });

  it('keeps the longest prefix and a long repository within 128 characters', () => {
    const name = stackName('p'.repeat(40), `x.${'y_'.repeat(150)}`, 2_147_483_647);
    expect(name.length).toBeLessThanOrEqual(128);
    expectValid(name);
    expect(name.endsWith('-pr-2147483647')).toBe(true);
  });

  it('does not cut a name that fits exactly, and hashes one that is a character over', () => {
    // 128 = "pr-env" + "-" + repo + "-pr-1": room for 116 characters of repository.
    const fits = stackName('pr-env', 'a'.repeat(116), 1);
    expect(fits).toBe(`pr-env-${'a'.repeat(116)}-pr-1`);
    expect(fits).toHaveLength(128);
    const over = stackName('pr-env', 'a'.repeat(117), 1);
    expect(over.length).toBeLessThanOrEqual(128);
    expect(over).toMatch(/-[0-9a-f]{8}-pr-1$/);
  });

  it('gives two long names that share a prefix different stacks', () => {
    const common = 'platform-'.repeat(20);
    const a = stackName('pr-env', `${common}billing`, 3);
    const b = stackName('pr-env', `${common}checkout`, 3);
    expect(a).not.toBe(b);
    expectValid(a);
    expectValid(b);
  });

  it('does not leave a hyphen before the hash when the cut lands on one', () => {
    for (let i = 100; i < 120; i++) {
      expectValid(stackName('pr-env', `${'a'.repeat(i)}-${'b'.repeat(200)}`, 4));
    }
  });

  it('is deterministic, and differs per PR and per prefix', () => {
    const long = 'z'.repeat(300);
    expect(stackName('pr-env', long, 5)).toBe(stackName('pr-env', long, 5));
    expect(stackName('pr-env', 'shop', 5)).not.toBe(stackName('pr-env', 'shop', 6));
    expect(stackName('pr-env', 'shop', 5)).not.toBe(stackName('preview', 'shop', 5));
  });
});

describe('environmentName', () => {
  it('is pr-<n>', () => {
    expect(environmentName(42)).toBe('pr-42');
  });
});

describe('expiresAt', () => {
  const now = new Date('2026-03-01T10:15:30.123Z');

  it('adds the TTL in hours, as an ISO timestamp without milliseconds', () => {
    expect(expiresAt(now, 72)).toBe('2026-03-04T10:15:30Z');
    expect(expiresAt(now, 1.5)).toBe('2026-03-01T11:45:30Z');
  });

  it('never expires for a TTL of 0', () => {
    expect(expiresAt(now, 0)).toBe('never');
  });
});

describe('stackTags', () => {
  it('puts the ownership tags first, then the extra ones', () => {
    expect(
      stackTags({
        repository: 'acme/shop',
        pr: 12,
        headSha: 'c'.repeat(40),
        expiresAt: 'never',
        extra: { team: 'payments', 'cost-center': '42' },
      }),
    ).toEqual([
      { Key: TAG.repository, Value: 'acme/shop' },
      { Key: TAG.pullRequest, Value: '12' },
      { Key: TAG.headSha, Value: 'c'.repeat(40) },
      { Key: TAG.expiresAt, Value: 'never' },
      { Key: 'team', Value: 'payments' },
      { Key: 'cost-center', Value: '42' },
    ]);
  });

  it('uses the pr-env: namespace for its own keys', () => {
    const keys = stackTags({
      repository: 'a/b',
      pr: 1,
      headSha: 'x',
      expiresAt: 'never',
      extra: {},
    }).map((t) => t.Key);
    expect(keys).toEqual([
      'pr-env:repository',
      'pr-env:pull-request',
      'pr-env:head-sha',
      'pr-env:expires-at',
    ]);
  });
});

describe('uniqueName', () => {
  // Change-set names: a letter, then letters, digits and hyphens; tokens allow the same.
  const VALID = /^[A-Za-z][A-Za-z0-9-]*$/;

  it('never repeats', () => {
    const names = new Set(Array.from({ length: 200 }, () => uniqueName('changeset', '99-1')));
    expect(names.size).toBe(200);
  });

  it('names the kind and the run, in a valid charset', () => {
    const name = uniqueName('changeset', '1234.5_x');
    expect(name).toMatch(/^pr-env-changeset-1234-5-x-[0-9a-f]{8}$/);
    expect(name).toMatch(VALID);
  });

  it('works without a run ID', () => {
    const name = uniqueName('delete', undefined);
    expect(name).toMatch(/^pr-env-delete-[0-9a-f]{8}$/);
  });

  it('stays within 128 characters', () => {
    expect(uniqueName('update', '9'.repeat(300)).length).toBeLessThanOrEqual(128);
  });
});

describe('extendedExpiry', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  it('adds the hours to an expiry still ahead (a 24 h TTL with a day left gains a day)', () => {
    expect(extendedExpiry('2026-11-23T12:00:00Z', now, 24)).toBe('2026-11-24T12:00:00Z');
  });
  it('counts from now for an expiry already past, or unreadable', () => {
    expect(extendedExpiry('2026-11-20T00:00:00Z', now, 48)).toBe('2026-11-24T12:00:00Z');
    expect(extendedExpiry(undefined, now, 1.5)).toBe('2026-11-22T13:30:00Z');
  });
  it('leaves an environment that never expires as it is', () => {
    expect(extendedExpiry('never', now, 24)).toBe('never');
  });
});
