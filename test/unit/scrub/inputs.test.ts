import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { getSettings } from '../../../src/inputs.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'pr-env-scrub-inputs-'));
const WORKSPACE = path.join(root, 'workspace');
mkdirSync(path.join(WORKSPACE, '.github'), { recursive: true });
writeFileSync(path.join(WORKSPACE, '.github', 'scrub.sql'), 'UPDATE users SET email = NULL;\n');
writeFileSync(path.join(WORKSPACE, 'empty.sql'), '');
writeFileSync(path.join(root, 'outside.sql'), 'SELECT 1;\n');
symlinkSync(path.join(root, 'outside.sql'), path.join(WORKSPACE, 'link.sql'));

const settings = (inputs: Record<string, string>) =>
  getSettings((name) => inputs[name] ?? '', WORKSPACE);
const problems = (inputs: Record<string, string>): string[] => {
  try {
    settings(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  return [];
};
const BUCKET = { 'template-bucket': 'pr-env-templates' };

describe('scrub-sql', () => {
  it('is off by default', () => {
    expect(settings({}).scrubSql).toBeUndefined();
  });

  it('reads the file once, with its SHA-256', () => {
    const scrub = settings({ ...BUCKET, 'scrub-sql': '.github/scrub.sql' }).scrubSql!;
    expect(scrub.shown).toBe('.github/scrub.sql');
    expect(scrub.sha256).toBe(
      createHash('sha256').update('UPDATE users SET email = NULL;\n').digest('hex'),
    );
  });

  it.each([
    ['../outside.sql', /"scrub-sql": "\.\.\/outside\.sql" is outside the workspace/],
    ['link.sql', /"scrub-sql": "link\.sql" links outside the workspace/],
    ['missing.sql', /"scrub-sql": "missing\.sql" does not exist: expected the path of a SQL file/],
    ['.github', /"scrub-sql": "\.github" is not a file/],
    ['empty.sql', /"scrub-sql": "empty\.sql" is empty/],
  ])('refuses %s', (file, problem) => {
    expect(problems({ ...BUCKET, 'scrub-sql': file })).toEqual([expect.stringMatching(problem)]);
  });

  it('needs the template bucket, through which the bastion gets it', () => {
    expect(problems({ 'scrub-sql': '.github/scrub.sql' })).toEqual([
      expect.stringMatching(/"scrub-sql".*"template-bucket" is required/),
    ]);
  });

  it('leaves its gate to pr-env: the gate parameters cannot be set by hand', () => {
    expect(problems({ parameters: 'DBAppAccess=open\nDBScrubState=passed' })).toEqual([
      expect.stringMatching(/"parameters": DBAppAccess, DBScrubState are set by pr-env/),
    ]);
  });
});
