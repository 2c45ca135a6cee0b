import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { bundledTemplatePath, getSettings } from '../../../src/inputs.js';
import {
  parseBoolean,
  parseKeyValueLines,
  parseKeyValueLinesOrMap,
  parseNumber,
} from '../../../src/parse.js';

describe('parseBoolean', () => {
  it.each(['true', 'TRUE', ' yes ', 'on', '1'])('%j is true', (raw) => {
    expect(parseBoolean(raw)).toBe(true);
  });

  it.each(['false', 'False', 'no', 'off', '0', '', '  '])('%j is false', (raw) => {
    expect(parseBoolean(raw)).toBe(false);
  });

  it('refuses anything else, quoting it', () => {
    expect(() => parseBoolean('maybe')).toThrow('"maybe" is not a boolean: expected true or false');
  });
});

describe('parseNumber', () => {
  it('reads numbers, trimming spaces', () => {
    expect(parseNumber(' 42 ', { min: 0 })).toBe(42);
    expect(parseNumber('0.5', { min: 0.01 })).toBe(0.5);
    expect(parseNumber('0', { min: 0 })).toBe(0);
  });

  it('refuses what is not a number', () => {
    for (const raw of ['', 'abc', '12abc', 'Infinity', 'NaN']) {
      expect(() => parseNumber(raw, { min: 0 })).toThrow(
        `"${raw}" is not a number: expected a number of at least 0`,
      );
    }
  });

  it('refuses fractions where a whole number is expected', () => {
    expect(() => parseNumber('1.5', { min: 1, integer: true })).toThrow(
      '"1.5" is not a whole number: expected a whole number of at least 1',
    );
  });

  it('refuses numbers under the minimum', () => {
    expect(() => parseNumber('0', { min: 1, integer: true })).toThrow(
      '"0" is too small: expected a whole number of at least 1',
    );
    expect(() => parseNumber('-1', { min: 0 })).toThrow('"-1" is too small');
  });
});

describe('parseKeyValueLines', () => {
  it('reads Key=Value lines, skipping blanks and comments, keeping = in values', () => {
    const text = '\n# a comment\nTeam = payments\r\nUrl=https://x.example.com/?a=b\n  Empty=\n';
    expect(parseKeyValueLines(text)).toEqual({
      Team: 'payments',
      Url: 'https://x.example.com/?a=b',
      Empty: '',
    });
  });

  it('is empty for an empty input', () => {
    expect(parseKeyValueLines('')).toEqual({});
  });

  it('names the line that is not Key=Value', () => {
    expect(() => parseKeyValueLines('A=1\njust text')).toThrow(
      'line 2 "just text" is not of the form Key=Value',
    );
    expect(() => parseKeyValueLines('=value')).toThrow(
      'line 1 "=value" is not of the form Key=Value',
    );
  });

  it('refuses a repeated key', () => {
    expect(() => parseKeyValueLines('A=1\nB=2\nA=3')).toThrow('line 3 repeats the key "A"');
  });
});

describe('parseKeyValueLinesOrMap', () => {
  it('reads Key=Value lines', () => {
    expect(parseKeyValueLinesOrMap('InstanceType=t3.small\nMinSize=1')).toEqual({
      InstanceType: 't3.small',
      MinSize: '1',
    });
  });

  it('reads Key=Value lines whose value holds a colon', () => {
    expect(parseKeyValueLinesOrMap('Url=https://x.example.com:8443/')).toEqual({
      Url: 'https://x.example.com:8443/',
    });
  });

  it('reads a YAML map, block or flow, as strings', () => {
    expect(
      parseKeyValueLinesOrMap(
        '# overrides\nInstanceType: t3.small\nMinSize: 2\nEnabled: true\nNote:',
      ),
    ).toEqual({
      InstanceType: 't3.small',
      MinSize: '2',
      Enabled: 'true',
      Note: '',
    });
    expect(parseKeyValueLinesOrMap('{ A: x, B: "y=z" }')).toEqual({ A: 'x', B: 'y=z' });
  });

  it('keeps YAML values exactly as written, as Key=Value lines do', () => {
    // Parameter values are strings: "16.10" is not "16.1", and "8.0" is not "8".
    const lines = parseKeyValueLinesOrMap('DBEngineVersion=16.10\nMySqlVersion=8.0\nAppPort=08080');
    const map = parseKeyValueLinesOrMap(
      'DBEngineVersion: 16.10\nMySqlVersion: 8.0\nAppPort: 08080',
    );
    expect(lines).toEqual({ DBEngineVersion: '16.10', MySqlVersion: '8.0', AppPort: '08080' });
    expect(map).toEqual(lines);
  });

  it('refuses nested values', () => {
    expect(() => parseKeyValueLinesOrMap('A:\n  B: c')).toThrow(
      'the value of "A" is not a scalar: expected Key: Value',
    );
    expect(() => parseKeyValueLinesOrMap('A: [1, 2]')).toThrow('the value of "A" is not a scalar');
  });

  it('refuses broken YAML, saying what it expected', () => {
    expect(() => parseKeyValueLinesOrMap('A: "unterminated')).toThrow(
      'is neither Key=Value lines nor a valid YAML map (',
    );
  });
});

describe('getSettings', () => {
  let workspace: string;

  beforeAll(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'pr-env-inputs-'));
    mkdirSync(path.join(workspace, 'infra'));
    writeFileSync(path.join(workspace, 'infra', 'stack.yml'), 'Resources: {}\n');
  });

  const reader =
    (values: Record<string, string>) =>
    (name: string): string =>
      values[name] ?? '';

  function problemsOf(values: Record<string, string>): string[] {
    try {
      getSettings(reader(values), workspace);
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).problems;
    }
    throw new Error('expected getSettings to throw');
  }

  it('has defaults for every optional input', () => {
    // toMatchObject: inputs added later have defaults of their own.
    expect(getSettings(reader({}), workspace)).toMatchObject({
      githubToken: '',
      command: 'auto',
      prNumber: undefined,
      sourceDbCluster: undefined,
      snapshotIdentifier: undefined,
      maxSnapshotAgeHours: 0,
      refreshData: false,
      stackPrefix: 'pr-env',
      templatePath: bundledTemplatePath(),
      parameters: {},
      templateBucket: undefined,
      roleArn: undefined,
      tags: {},
      timeoutMinutes: 60,
      ttlHours: 72,
      requireLabel: undefined,
      comment: true,
      deployment: true,
      allowForks: false,
    });
  });

  it("agrees with action.yml's defaults", () => {
    const action = load(
      readFileSync(path.resolve(import.meta.dirname, '../../../action.yml'), 'utf8'),
    ) as {
      inputs: Record<string, { default?: string }>;
    };
    const defaults = Object.fromEntries(
      Object.entries(action.inputs)
        .filter(([name, input]) => input.default !== undefined && name !== 'github-token')
        .map(([name, input]) => [name, String(input.default)]),
    );
    expect(getSettings(reader(defaults), workspace)).toEqual(getSettings(reader({}), workspace));
  });

  it('the bundled template exists', () => {
    expect(readFileSync(bundledTemplatePath(), 'utf8')).toContain('Resources:');
  });

  it('reads every input', () => {
    const settings = getSettings(
      reader({
        'github-token': 'ghs_token',
        command: 'deploy',
        'pr-number': ' 17 ',
        'source-db-cluster': 'arn:aws:rds:eu-west-1:123456789012:cluster:prod-db',
        'snapshot-identifier': 'rds:prod-db-2026-01-01-00-00',
        'max-snapshot-age-hours': '36',
        'refresh-data': 'true',
        'stack-prefix': 'preview',
        template: 'infra/stack.yml',
        parameters: 'InstanceType=t3.small',
        'template-bucket': 'my-templates.example',
        'role-arn': 'arn:aws:iam::123456789012:role/cfn/pr-env',
        tags: 'team=payments',
        'timeout-minutes': '0.5',
        'ttl-hours': '0',
        'require-label': 'preview',
        comment: 'false',
        deployment: 'no',
        'allow-forks': 'yes',
      }),
      workspace,
    );
    expect(settings).toMatchObject({
      githubToken: 'ghs_token',
      command: 'deploy',
      prNumber: 17,
      sourceDbCluster: 'arn:aws:rds:eu-west-1:123456789012:cluster:prod-db',
      snapshotIdentifier: 'rds:prod-db-2026-01-01-00-00',
      maxSnapshotAgeHours: 36,
      refreshData: true,
      stackPrefix: 'preview',
      templatePath: path.join(workspace, 'infra', 'stack.yml'),
      parameters: { InstanceType: 't3.small' },
      templateBucket: 'my-templates.example',
      roleArn: 'arn:aws:iam::123456789012:role/cfn/pr-env',
      tags: { team: 'payments' },
      timeoutMinutes: 0.5,
      ttlHours: 0,
      requireLabel: 'preview',
      comment: false,
      deployment: false,
      allowForks: true,
    });
  });

  it('resolves the template against the workspace, and accepts an absolute path', () => {
    expect(
      getSettings(reader({ template: './infra/../infra/stack.yml' }), workspace).templatePath,
    ).toBe(path.join(workspace, 'infra', 'stack.yml'));
    const absolute = path.join(workspace, 'infra', 'stack.yml');
    expect(getSettings(reader({ template: absolute }), '/elsewhere').templatePath).toBe(absolute);
  });

  it('names a template that does not exist, and the workspace it looked in', () => {
    expect(problemsOf({ template: 'infra/missing.yml' })).toEqual([
      `"template": "infra/missing.yml" does not exist: expected a path to a CloudFormation template, relative to the workspace (${workspace})`,
    ]);
  });

  it.each([
    [
      'command',
      'ship',
      '"command": "ship" is not a command: expected one of auto, deploy, destroy, plan, sweep',
    ],
    [
      'pr-number',
      'abc',
      '"pr-number": "abc" is not a whole number: expected a whole number of at least 1',
    ],
    ['pr-number', '0', '"pr-number": "0" is too small: expected a whole number of at least 1'],
    ['pr-number', '3.5', '"pr-number": "3.5" is not a whole number'],
    [
      'source-db-cluster',
      'prod_db',
      '"source-db-cluster": "prod_db" is not valid: expected a DB cluster identifier',
    ],
    [
      // A snapshot's ARN where the cluster's belongs: production is named by its cluster.
      'source-db-cluster',
      'arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:rds:prod-db-2026-11-22-03-00',
      '"source-db-cluster": "arn:aws:rds:eu-west-1:111122223333:cluster-snapshot:rds:prod-db-2026-11-22-03-00" is not valid: expected a DB cluster identifier',
    ],
    [
      'snapshot-identifier',
      '1snap',
      '"snapshot-identifier": "1snap" is not valid: expected a DB cluster snapshot identifier',
    ],
    [
      'max-snapshot-age-hours',
      '-1',
      '"max-snapshot-age-hours": "-1" is too small: expected a number of at least 0',
    ],
    [
      'refresh-data',
      'sometimes',
      '"refresh-data": "sometimes" is not a boolean: expected true or false',
    ],
    ['stack-prefix', '9lives', '"stack-prefix": "9lives" cannot start a stack name'],
    ['stack-prefix', 'p'.repeat(41), 'at most 40 characters'],
    [
      'parameters',
      'Bad-Key=1',
      '"parameters": "Bad-Key" is not a parameter name: expected letters and digits only',
    ],
    [
      'parameters',
      'no equals sign',
      '"parameters": line 1 "no equals sign" is not of the form Key=Value',
    ],
    [
      'template-bucket',
      'My_Bucket',
      '"template-bucket": "My_Bucket" is not valid: expected an S3 bucket name',
    ],
    ['role-arn', 'pr-env-role', '"role-arn": "pr-env-role" is not valid: expected an IAM role ARN'],
    ['tags', 'aws:owner=me', '"tags": "aws:owner" uses a reserved prefix'],
    ['tags', 'pr-env:repository=x', '"tags": "pr-env:repository" uses a reserved prefix'],
    [
      'tags',
      `${'k'.repeat(129)}=v`,
      'is too long: expected keys of at most 128 and values of at most 256 characters',
    ],
    ['tags', `k=${'v'.repeat(257)}`, '"tags": "k" is too long'],
    [
      'timeout-minutes',
      '0',
      '"timeout-minutes": "0" is too small: expected a number of at least 0.01',
    ],
    ['ttl-hours', 'forever', '"ttl-hours": "forever" is not a number'],
    ['comment', 'sure', '"comment": "sure" is not a boolean'],
    ['deployment', 'nah', '"deployment": "nah" is not a boolean'],
    ['allow-forks', 'ok', '"allow-forks": "ok" is not a boolean'],
  ])('reports a bad %s (%j) by name, value and expected form', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('reports every problem at once', () => {
    let thrown: unknown;
    try {
      getSettings(
        reader({
          command: 'ship',
          'pr-number': 'x',
          'role-arn': 'nope',
          'ttl-hours': '-2',
          template: 'gone.yml',
        }),
        workspace,
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const error = thrown as InputError;
    expect(error.problems).toHaveLength(5);
    expect(error.message.split('\n')[0]).toBe('Invalid inputs:');
    for (const name of ['command', 'pr-number', 'role-arn', 'ttl-hours', 'template']) {
      expect(error.message).toContain(`- "${name}": `);
    }
  });

  it('phrases a single problem on one line', () => {
    expect(() => getSettings(reader({ command: 'ship' }), workspace)).toThrowError(
      /^Invalid input: "command": "ship" is not a command: expected one of auto, deploy, destroy, plan, sweep$/,
    );
  });

  it('reads data-source: snapshot by default, or clone', () => {
    expect(getSettings(reader({}), workspace).dataSource).toBe('snapshot');
    expect(getSettings(reader({ 'data-source': ' clone ' }), workspace).dataSource).toBe('clone');
  });

  it('refuses another data source, and a clone with a snapshot named', () => {
    expect(problemsOf({ 'data-source': 'backup' })).toEqual([
      '"data-source": "backup" is not a data source: expected one of snapshot, clone',
    ]);
    expect(problemsOf({ 'data-source': 'clone', 'snapshot-identifier': 'rds:prod-1' })).toEqual([
      '"snapshot-identifier": "rds:prod-1" names a snapshot, but "data-source" is clone: expected one or the other',
    ]);
  });
});
