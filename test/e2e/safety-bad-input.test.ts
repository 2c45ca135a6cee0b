// Issue 4, item 6: every input is validated before any AWS call. Each bad input fails the run with
// an error naming the input, the value and the expected form, and leaves AWS untouched.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, pushEvent, workflowDispatchEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  runAction,
  sha,
  startWorld,
  type ActionRun,
  type World,
  SMALL_TEMPLATE,
} from './harness.js';

let world: World;
// Made now, not in beforeAll: the cases below name files in it.
const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-bad-input-'));
const file = (name: string) => path.join(dir, name);

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  writeFileSync(file('small.yml'), SMALL_TEMPLATE);
  writeFileSync(file('broken.yml'), 'Resources:\n  Bucket: { Type: AWS::S3::Bucket\n');
  writeFileSync(file('list.yml'), '- just\n- a list\n');
  mkdirSync(file('a-directory'));
});
afterAll(async () => world?.stop());

/** The newest stack of that name, deleted or not. */
const stackNamed = (name: string) =>
  world.aws
    .stacks()
    .filter((s) => s.name === name)
    .at(-1);

const opened = (pr: number) =>
  pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
const dispatch = () => workflowDispatchEvent({ owner: OWNER, repo: REPO });

interface BadCase {
  name: string;
  event?: { eventName: string; payload: unknown };
  inputs: Record<string, string>;
  /** Each must appear in the error: the input's name, the value, the expected form. */
  says: string[];
}

// PR numbers 201.. keep these runs' stacks (if a bug let one through) apart.
const CASES: BadCase[] = [
  ...['abc', '0', '-3'].map((value) => ({
    name: `pr-number ${value}`,
    event: { eventName: 'workflow_dispatch', payload: dispatch() },
    inputs: { 'pr-number': value, template: file('small.yml') },
    says: ['"pr-number"', `"${value}"`, 'expected a whole number of at least 1'],
  })),
  {
    name: 'an unknown command',
    inputs: { command: 'deploy-all', template: file('small.yml') },
    says: ['"command"', '"deploy-all"', 'expected one of auto, deploy, destroy, plan, sweep'],
  },
  ...['-1', 'x'].map((value) => ({
    name: `timeout-minutes ${value}`,
    inputs: { 'timeout-minutes': value, template: file('small.yml') },
    says: ['"timeout-minutes"', `"${value}"`, 'expected a number of at least'],
  })),
  {
    name: 'ttl-hours -5',
    inputs: { 'ttl-hours': '-5', template: file('small.yml') },
    says: ['"ttl-hours"', '"-5"', 'expected a number of at least 0'],
  },
  {
    name: 'a parameters line without =',
    inputs: { parameters: 'AppVersion=1\nInstanceType', template: file('small.yml') },
    says: ['"parameters"', '"InstanceType"', 'Key=Value'],
  },
  {
    name: 'a parameters YAML map that does not parse',
    inputs: { parameters: 'AppVersion: [1, 2', template: file('small.yml') },
    says: ['"parameters"', '"AppVersion: [1, 2"', 'Key=Value lines', 'YAML map'],
  },
  {
    name: 'a parameter name with a space',
    inputs: { parameters: 'App Version=1', template: file('small.yml') },
    says: ['"parameters"', '"App Version"', 'expected letters and digits only'],
  },
  {
    name: 'a tags line without =',
    inputs: { tags: 'team=web\ncost-centre', template: file('small.yml') },
    says: ['"tags"', '"cost-centre"', 'Key=Value'],
  },
  {
    name: 'a tag in pr-env’s own namespace',
    inputs: { tags: 'pr-env:repository=someone/else', template: file('small.yml') },
    says: ['"tags"', '"pr-env:repository"', 'may not start with'],
  },
  {
    name: 'a parameter the template does not declare',
    inputs: { parameters: 'InstanceSize=large', 'source-db-cluster': CLUSTER },
    says: ['"parameters"', '"InstanceSize"', 'expected one of', 'AppVersion'],
  },
  {
    name: 'a missing source-db-cluster for a template that restores a database',
    inputs: {},
    says: ['"source-db-cluster"', 'is required', 'expected the identifier'],
  },
  {
    name: 'a source-db-cluster that is not a cluster identifier',
    inputs: { 'source-db-cluster': 'prod_db!' },
    says: ['"source-db-cluster"', '"prod_db!"', 'expected a DB cluster identifier'],
  },
  {
    name: 'a template that does not exist',
    inputs: { template: 'infra/missing.yml' },
    says: ['"template"', '"infra/missing.yml"', 'does not exist', 'expected a path'],
  },
  {
    name: 'a template that is not valid YAML',
    inputs: { template: file('broken.yml') },
    says: ['"template"', file('broken.yml'), 'YAML', 'expected a CloudFormation template'],
  },
  {
    name: 'a template that is YAML but not a template',
    inputs: { template: file('list.yml') },
    says: ['"template"', file('list.yml'), 'expected a CloudFormation template'],
  },
  {
    name: 'a template that is a directory',
    inputs: { template: file('a-directory') },
    says: ['"template"', file('a-directory'), 'expected a CloudFormation template'],
  },
  ...['9lives', '-env', 'pr_env'].map((value) => ({
    name: `stack-prefix ${value}`,
    inputs: { 'stack-prefix': value, template: file('small.yml') },
    says: ['"stack-prefix"', `"${value}"`, 'expected a letter'],
  })),
  {
    name: 'a boolean input that is not a boolean',
    inputs: { 'allow-forks': 'sometimes', template: file('small.yml') },
    says: ['"allow-forks"', '"sometimes"', 'expected true or false'],
  },
  {
    name: 'workflow_dispatch without pr-number',
    event: { eventName: 'workflow_dispatch', payload: dispatch() },
    inputs: { template: file('small.yml') },
    says: ['"pr-number"', 'workflow_dispatch', 'expected the number of the PR'],
  },
  {
    name: 'an event that carries no PR, with command auto',
    event: {
      eventName: 'push',
      payload: pushEvent({ owner: OWNER, repo: REPO, after: sha(299) }),
    },
    inputs: { template: file('small.yml') },
    says: ['"push"', 'carries no pull request', '"pr-number"'],
  },
  {
    name: 'several bad inputs at once, all reported',
    inputs: { 'timeout-minutes': 'soon', 'ttl-hours': '-1', 'stack-prefix': '1st' },
    says: ['"timeout-minutes"', '"soon"', '"ttl-hours"', '"-1"', '"stack-prefix"', '"1st"'],
  },
];

describe.concurrent('bad input changes nothing in AWS', () => {
  it.each(CASES.map((c, i) => ({ ...c, pr: 201 + i })))(
    '$name',
    async ({ event, inputs, says, pr }) => {
      const run = await runAction(world, {
        ...(event ?? { eventName: 'pull_request_target', payload: opened(pr) }),
        inputs: { deployment: 'false', ...inputs },
      });
      expect(run.exitCode).toBe(1);
      const [error, ...more] = errors(run);
      expect(more).toEqual([]);
      for (const text of says) expect(error).toContain(text);
      // The cases run side by side: this one's calls are those that name its stack.
      const stack = new RegExp(`-pr-${pr}(?![0-9])`);
      expect(world.aws.mutatingCalls().filter((c) => stack.test(JSON.stringify(c.params)))).toEqual(
        [],
      );
      expect(stackNamed(`pr-env-${REPO}-pr-${pr}`)).toBeUndefined();
    },
  );
});

describe('bad input, all cases together', () => {
  it('made no mutating AWS call at all, whatever it would have named', () => {
    expect(world.aws.mutatingCalls()).toEqual([]);
  });
});

describe('a missing token', () => {
  let run: ActionRun;
  beforeAll(async () => {
    world.gh.calls.length = 0;
    run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(260),
      inputs: { 'github-token': '', template: file('small.yml') },
    });
  });

  it('warns that the comment is skipped, and still deploys', () => {
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^::warning::"github-token" is empty/m);
    expect(run.outputs.operation).toBe('create');
    expect(stackNamed(`pr-env-${REPO}-pr-260`)?.status).toBe('CREATE_COMPLETE');
    expect(world.gh.calls).toEqual([]);
  });
});
