// Issue 4, items 1 and 2: fork PRs are not deployed without allow-forks (but are destroyed), and
// require-label gates deploys on the label, with labeled/unlabeled moving the environment.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pullRequestEvent,
  workflowDispatchEvent,
  type PullRequestAction,
} from '../fixtures/events.js';
import {
  OWNER,
  REPO,
  REPOSITORY,
  errors,
  runAction,
  sha,
  startWorld,
  type ActionRun,
  type World,
  stackOf,
} from './harness.js';

// One small resource instead of the full environment: these tests are about when pr-env acts.
const TEMPLATE = `
Parameters:
  EnvironmentName: { Type: String }
  PullRequestNumber: { Type: String }
  AppVersion: { Type: String }
Resources:
  Version:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Ref AppVersion
Outputs:
  EnvironmentUrl:
    Value: !Sub 'https://\${EnvironmentName}.example.test'
`;

let world: World;
let templatePath: string;

beforeAll(async () => {
  world = await startWorld();
  templatePath = path.join(mkdtempSync(path.join(tmpdir(), 'pr-env-forks-')), 'small.yml');
  writeFileSync(templatePath, TEMPLATE);
});
afterAll(async () => world?.stop());

/** The newest stack of that name, deleted or not. */
const stackNamed = (name: string) =>
  world.aws
    .stacks()
    .filter((s) => s.name === name)
    .at(-1);

/** Runs a pull_request_target event for PR `pr` and returns the run and the AWS calls it made. */
async function prEvent(
  action: PullRequestAction,
  pr: number,
  options: {
    fork?: boolean;
    labels?: string[];
    label?: string;
    headSha?: string;
    /** The PR is closed (GitHub still sends labeled and unlabeled for it). */
    closed?: boolean;
    inputs?: Record<string, string>;
  } = {},
) {
  const before = world.aws.calls.length;
  const payload = pullRequestEvent(action, {
    owner: OWNER,
    repo: REPO,
    number: pr,
    headSha: options.headSha ?? sha(pr),
    fork: options.fork,
    labels: options.labels,
    label: options.label,
  });
  if (options.closed) Object.assign(payload.pull_request, { state: 'closed' });
  const run = await runAction(world, {
    eventName: 'pull_request_target',
    payload,
    inputs: { template: templatePath, deployment: 'false', ...options.inputs },
  });
  return { run, calls: callsFor(pr, before) };
}

/**
 * The AWS calls about PR `pr`'s stack since call `since`. Tests run side by side in one
 * simulator, and with the small template (no database, so no RDS) every call a run makes names
 * its stack or its ARN.
 */
function callsFor(pr: number, since: number) {
  const name = new RegExp(`${stackOf(pr)}(?![0-9])`);
  return world.aws.calls.slice(since).filter((c) => name.test(JSON.stringify(c.params)));
}

function annotations(stdout: string, kind: 'warning' | 'notice' | 'error'): string[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`::${kind}`))
    .map((line) => line.slice(line.indexOf('::', 2) + 2).replace(/%0A/g, '\n'));
}

const ownerTags = (pr: number) => ({
  'pr-env:repository': REPOSITORY,
  'pr-env:pull-request': String(pr),
  'pr-env:head-sha': sha(pr),
  'pr-env:expires-at': 'never',
});

// Alone, before the side-by-side tests: every AWS call the simulator sees is this run's.
describe('a fork PR, alone', () => {
  let run: ActionRun;
  let awsCalls: unknown[];
  beforeAll(async () => {
    const before = world.aws.calls.length;
    ({ run } = await prEvent('opened', 101, { fork: true }));
    awsCalls = world.aws.calls.slice(before);
  });

  it('is skipped: no AWS call at all, operation=skipped, exit 0', () => {
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(awsCalls).toEqual([]);
    expect(stackNamed(stackOf(101))).toBeUndefined();
  });

  it('says on the PR why, and how a maintainer deploys it with workflow_dispatch', () => {
    const comments = world.gh.comments(OWNER, REPO, 101);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('not deployed');
    expect(comments[0]!.body).toContain('fork-owner/shop');
    expect(comments[0]!.body).toContain('workflow_dispatch');
    expect(comments[0]!.body).toContain('pr-number: 101');
  });

  // A fork's PR not being deployed is something to look at, not routine.
  it('warns, naming the fork and allow-forks', () => {
    const warned = annotations(run.stdout, 'warning');
    expect(warned.some((w) => w.includes('fork-owner/shop') && w.includes('allow-forks'))).toBe(
      true,
    );
  });

  it('annotates the run, naming the fork and allow-forks', () => {
    const noted = [...annotations(run.stdout, 'warning'), ...annotations(run.stdout, 'notice')];
    expect(noted.some((w) => w.includes('fork-owner/shop') && w.includes('allow-forks'))).toBe(
      true,
    );
  });
});

describe.concurrent('forks', () => {
  it('skips every deploying action of a fork, synchronize and reopened too', async () => {
    for (const action of ['synchronize', 'reopened'] as const) {
      const { run, calls } = await prEvent(action, 102, {
        fork: true,
        inputs: { comment: 'false' },
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs.operation).toBe('skipped');
      expect(calls).toEqual([]);
    }
    expect(world.gh.comments(OWNER, REPO, 102)).toEqual([]);
  });

  it('still destroys a fork PR’s environment when it closes', async () => {
    world.aws.seedStack({ name: stackOf(103), status: 'CREATE_COMPLETE', tags: ownerTags(103) });
    const { run } = await prEvent('closed', 103, { fork: true });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('delete');
    expect(stackNamed(stackOf(103))?.status).toBe('DELETE_COMPLETE');
  });

  it('lets a maintainer deploy a fork PR with workflow_dispatch, at the head the API reports', async () => {
    world.gh.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 104,
      headSha: sha(1040),
      fork: true,
    });
    const run = await runAction(world, {
      eventName: 'workflow_dispatch',
      payload: workflowDispatchEvent({ owner: OWNER, repo: REPO, inputs: { 'pr-number': '104' } }),
      inputs: { template: templatePath, deployment: 'false', 'pr-number': '104' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('create');
    const stack = stackNamed(stackOf(104));
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect(stack?.tags['pr-env:head-sha']).toBe(sha(1040));
  });

  it('deploys a fork PR on its own events when allow-forks is true', async () => {
    const { run } = await prEvent('opened', 105, { fork: true, inputs: { 'allow-forks': 'true' } });
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('create');
    expect(stackNamed(stackOf(105))?.status).toBe('CREATE_COMPLETE');
  });
});

describe.concurrent('require-label', () => {
  const label = { 'require-label': 'preview' };

  it('does not deploy an opened PR without the label, and says how to get one', async () => {
    const { run, calls } = await prEvent('opened', 111, { labels: ['bug'], inputs: label });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(calls).toEqual([]);
    expect(stackNamed(stackOf(111))).toBeUndefined();
    const [comment] = world.gh.comments(OWNER, REPO, 111);
    expect(comment?.body).toContain('"preview"');
  });

  it('deploys an opened PR that carries the label, and a synchronize without it changes nothing', async () => {
    const opened = await prEvent('opened', 112, { labels: ['preview'], inputs: label });
    expect(errors(opened.run)).toEqual([]);
    expect(opened.run.outputs.operation).toBe('create');
    expect(stackNamed(stackOf(112))?.status).toBe('CREATE_COMPLETE');

    const pushed = await prEvent('synchronize', 112, {
      labels: [],
      headSha: sha(1120),
      inputs: { ...label, comment: 'false' },
    });
    expect(pushed.run.exitCode).toBe(0);
    expect(pushed.run.outputs.operation).toBe('skipped');
    expect(pushed.calls).toEqual([]);
    expect(stackNamed(stackOf(112))?.tags['pr-env:head-sha']).toBe(sha(112));
  });

  it('deploys on labeled with the label and destroys on unlabeled of it', async () => {
    const labeled = await prEvent('labeled', 113, { labels: [], label: 'preview', inputs: label });
    expect(errors(labeled.run)).toEqual([]);
    expect(labeled.run.outputs.operation).toBe('create');
    expect(stackNamed(stackOf(113))?.status).toBe('CREATE_COMPLETE');

    const unlabeled = await prEvent('unlabeled', 113, {
      labels: ['preview'],
      label: 'preview',
      inputs: label,
    });
    expect(errors(unlabeled.run)).toEqual([]);
    expect(unlabeled.run.outputs.operation).toBe('delete');
    expect(stackNamed(stackOf(113))?.status).toBe('DELETE_COMPLETE');
    expect(world.gh.comments(OWNER, REPO, 113).at(-1)?.body).toContain('environment destroyed');
  });

  it('ignores other labels: neither adding nor removing one touches AWS or the comment', async () => {
    world.aws.seedStack({ name: stackOf(114), status: 'CREATE_COMPLETE', tags: ownerTags(114) });
    for (const action of ['labeled', 'unlabeled'] as const) {
      const { run, calls } = await prEvent(action, 114, {
        labels: ['preview', 'docs'],
        label: 'docs',
        inputs: label,
      });
      expect(errors(run)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.outputs.operation).toBe('skipped');
      expect(calls).toEqual([]);
    }
    expect(stackNamed(stackOf(114))?.status).toBe('CREATE_COMPLETE');
    expect(world.gh.comments(OWNER, REPO, 114)).toEqual([]);
  });

  it('does not deploy a closed PR when the label is added to it', async () => {
    const { run, calls } = await prEvent('labeled', 117, {
      closed: true,
      labels: [],
      label: 'preview',
      inputs: label,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(calls).toEqual([]);
    expect(stackNamed(stackOf(117))).toBeUndefined();
  });

  it('without require-label, labels do nothing at all', async () => {
    const { run, calls } = await prEvent('labeled', 115, { labels: [], label: 'preview' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(calls).toEqual([]);
  });

  it('a fork PR labeled with the required label is still not deployed', async () => {
    const { run, calls } = await prEvent('labeled', 116, {
      fork: true,
      labels: [],
      label: 'preview',
      inputs: { ...label, comment: 'false' },
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('skipped');
    expect(calls).toEqual([]);
  });
});
