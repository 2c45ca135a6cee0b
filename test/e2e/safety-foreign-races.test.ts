// Issue 4, items 3 and 4: a stack pr-env does not own is never updated or deleted, the source
// database is never written to, and another run's operation is waited out rather than fought.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, type PullRequestAction } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  REPOSITORY,
  errors,
  runAction,
  sha,
  startWorld,
  type ActionRun,
  type World,
  SMALL_TEMPLATE,
  stackOf,
} from './harness.js';

// Twenty resources, each waiting for the one before: a create whose length the test controls.
const CHAIN_TEMPLATE = JSON.stringify({
  Parameters: { EnvironmentName: { Type: 'String' }, AppVersion: { Type: 'String' } },
  Resources: {
    Version: {
      Type: 'AWS::SSM::Parameter',
      Properties: { Type: 'String', Value: { Ref: 'AppVersion' } },
    },
    ...Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [
        `Link${i}`,
        {
          Type: 'AWS::CloudFormation::WaitConditionHandle',
          ...(i > 0 && { DependsOn: `Link${i - 1}` }),
        },
      ]),
    ),
  },
});

let world: World;
let smallTemplate: string;
let chainTemplate: string;

beforeAll(async () => {
  world = await startWorld();
  world.aws.addCluster({ id: CLUSTER, engine: 'aurora-postgresql', engineVersion: '16.4' });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-races-'));
  smallTemplate = path.join(dir, 'small.yml');
  writeFileSync(smallTemplate, SMALL_TEMPLATE);
  chainTemplate = path.join(dir, 'chain.json');
  writeFileSync(chainTemplate, CHAIN_TEMPLATE);
});
afterAll(async () => world?.stop());

/** The newest stack of that name, deleted or not. */
const stackNamed = (name: string) =>
  world.aws
    .stacks()
    .filter((s) => s.name === name)
    .at(-1);

const ownerTags = (pr: number) => ({
  'pr-env:repository': REPOSITORY,
  'pr-env:pull-request': String(pr),
  'pr-env:head-sha': sha(pr),
  'pr-env:expires-at': 'never',
});

function prEvent(
  action: PullRequestAction,
  pr: number,
  headSha: string,
  inputs: Record<string, string> = { template: smallTemplate },
): Promise<ActionRun> {
  return runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent(action, { owner: OWNER, repo: REPO, number: pr, headSha }),
    inputs: { deployment: 'false', ...inputs },
  });
}

/** Mutating calls that name PR `pr`'s stack (by name or ARN). */
function mutatingCallsOn(pr: number) {
  const name = new RegExp(`${stackOf(pr)}(?![0-9])`);
  return world.aws.mutatingCalls().filter((c) => name.test(JSON.stringify(c.params)));
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.concurrent('a stack pr-env does not own', () => {
  it('is not updated: a deploy fails naming the stack and the tags it found', async () => {
    world.aws.seedStack({ name: stackOf(301), status: 'CREATE_COMPLETE', tags: { team: 'data' } });
    const before = stackNamed(stackOf(301));
    const run = await prEvent('opened', 301, sha(301));
    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toContain(`Stack "${stackOf(301)}"`);
    expect(error).toContain('pr-env:repository=(missing)');
    expect(error).toContain('pr-env:pull-request=(missing)');
    expect(mutatingCallsOn(301)).toEqual([]);
    const after = stackNamed(stackOf(301));
    expect(after?.status).toBe('CREATE_COMPLETE');
    expect(after?.tags).toEqual({ team: 'data' });
    expect(after?.lastUpdatedTime).toEqual(before?.lastUpdatedTime);
    const comment = world.gh.comments(OWNER, REPO, 301).at(-1)?.body;
    expect(comment).toContain('deployment failed');
    expect(comment).toContain(stackOf(301));
  });

  it('is not deleted when the PR closes, even when tagged for another repository', async () => {
    const tags = { ...ownerTags(302), 'pr-env:repository': 'other-org/shop' };
    world.aws.seedStack({ name: stackOf(302), status: 'CREATE_COMPLETE', tags });
    const run = await prEvent('closed', 302, sha(302));
    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toContain(`Stack "${stackOf(302)}"`);
    expect(error).toContain('pr-env:repository="other-org/shop"');
    expect(error).toContain('pr-env:pull-request="302"');
    expect(mutatingCallsOn(302)).toEqual([]);
    expect(stackNamed(stackOf(302))?.status).toBe('CREATE_COMPLETE');
  });

  it('is not touched when tagged for this repository but another PR', async () => {
    const tags = { ...ownerTags(303), 'pr-env:pull-request': '30' };
    world.aws.seedStack({ name: stackOf(303), status: 'UPDATE_COMPLETE', tags });
    const run = await prEvent('synchronize', 303, sha(3030));
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toContain('pr-env:pull-request="30"');
    expect(mutatingCallsOn(303)).toEqual([]);
    expect(stackNamed(stackOf(303))?.status).toBe('UPDATE_COMPLETE');
  });

  it('is refused at once, not waited on, when it is busy with an operation of its own', async () => {
    world.aws.seedStack({ name: stackOf(304), status: 'UPDATE_IN_PROGRESS' });
    // The seeded operation never ends: a run that waited on it would time out.
    const run = await prEvent('closed', 304, sha(304), {
      template: smallTemplate,
      'timeout-minutes': '0.05',
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toContain('pr-env:repository=(missing)');
    expect(run.stdout).not.toContain('waiting for that operation');
    expect(mutatingCallsOn(304)).toEqual([]);
    expect(stackNamed(stackOf(304))?.status).toBe('UPDATE_IN_PROGRESS');
  });
});

/** Resolves once the simulator has answered a DescribeStacks by name (not ARN) made after `since`. */
function describedByName(pr: number, since: number): () => boolean {
  return () =>
    world.aws.calls
      .slice(since)
      .some(
        (c) =>
          c.action === 'DescribeStacks' && c.params.StackName === stackOf(pr) && c.status === 200,
      );
}

describe('another run’s operation in progress', () => {
  /**
   * Starts a run and, as it first looks at its stack, puts the stack in `status` as another run
   * would have left it, finishing 500 ms later. Holding the look until then makes the run see
   * the operation in progress however long the process took to start.
   */
  async function runMeetingOperation(pr: number, status: string, start: () => Promise<ActionRun>) {
    const since = world.aws.calls.length;
    const release = world.aws.hang('DescribeStacks');
    let run: Promise<ActionRun> | undefined;
    try {
      run = start();
      await until('the run looks at its stack', () =>
        world.aws.calls.slice(since).some((c) => c.params.StackName === stackOf(pr)),
      );
      world.aws.seedStack({ name: stackOf(pr), status, tags: ownerTags(pr), settleAfterMs: 500 });
    } finally {
      release();
    }
    return run;
  }

  it('a push while the stack is updating waits for the update, then applies its own', async () => {
    // The full environment: its database comes from the newest production snapshot.
    const run = await runMeetingOperation(311, 'UPDATE_IN_PROGRESS', () =>
      prEvent('synchronize', 311, sha(3110), { 'source-db-cluster': CLUSTER }),
    );
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Stack "${stackOf(311)}" is UPDATE_IN_PROGRESS: waiting`);
    expect(run.outputs.operation).toBe('update');
    const stack = stackNamed(stackOf(311));
    expect(stack?.status).toBe('UPDATE_COMPLETE');
    expect(stack?.tags['pr-env:head-sha']).toBe(sha(3110));
  });

  it('a close while the stack is being created waits for the create, then deletes it', async () => {
    const run = await runMeetingOperation(312, 'CREATE_IN_PROGRESS', () =>
      prEvent('closed', 312, sha(312)),
    );
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain(`Stack "${stackOf(312)}" is CREATE_IN_PROGRESS: waiting`);
    expect(run.outputs.operation).toBe('delete');
    expect(stackNamed(stackOf(312))?.status).toBe('DELETE_COMPLETE');
  });
});

// Two real runs that overlap. The first creates a stack of a chain of slow resources; once the
// second has seen it CREATE_IN_PROGRESS, the chain speeds up and the first run's event polling is
// held (a slow or throttled poller) until the second run's own operation has ended, so the first
// run next reads a stack whose newest events are the second run's: what a busy repository does.
describe('overlapping runs', () => {
  const HANDLE = 'AWS::CloudFormation::WaitConditionHandle';

  async function overlap(pr: number, second: 'synchronize' | 'closed') {
    world.aws.setResourceDelay(HANDLE, 400);
    // Long enough for what happens below, short enough that a run stuck on it fails in seconds.
    const first = prEvent('opened', pr, sha(pr), {
      template: chainTemplate,
      'timeout-minutes': '0.1',
    });
    let later: Promise<ActionRun> | undefined;
    let release = () => {};
    try {
      await until('the first run is creating', () =>
        Boolean(stackNamed(stackOf(pr))?.status.startsWith('CREATE_IN_PROGRESS')),
      );
      const since = world.aws.calls.length;
      later = prEvent(second, pr, sha(pr + 1), { template: chainTemplate });
      await until('the second run has seen the create', describedByName(pr, since));
      expect(stackNamed(stackOf(pr))?.status).toBe('CREATE_IN_PROGRESS');
      release = world.aws.hang('DescribeStackEvents');
      world.aws.setResourceDelay(HANDLE, 1);
      const end = second === 'closed' ? 'DELETE_COMPLETE' : 'UPDATE_COMPLETE';
      await until(`the second run's ${end}`, () => stackNamed(stackOf(pr))?.status === end);
    } finally {
      release();
      world.aws.setResourceDelay(HANDLE, 20);
    }
    return { first: await first, second: await later };
  }

  it('a push while the first run is creating: both succeed, and the push wins', async () => {
    const { first, second } = await overlap(321, 'synchronize');
    expect(errors(second)).toEqual([]);
    expect(second.stdout).toContain('CREATE_IN_PROGRESS: waiting');
    expect(second.outputs.operation).toBe('update');
    expect(stackNamed(stackOf(321))?.tags['pr-env:head-sha']).toBe(sha(322));
    expect(errors(first)).toEqual([]);
    expect(first.outputs.operation).toBe('create');
  });

  it('a close while the first run is creating: both succeed, and the stack is gone', async () => {
    const { first, second } = await overlap(331, 'closed');
    expect(errors(second)).toEqual([]);
    expect(second.stdout).toContain('CREATE_IN_PROGRESS: waiting');
    expect(second.outputs.operation).toBe('delete');
    expect(stackNamed(stackOf(331))?.status).toBe('DELETE_COMPLETE');
    expect(errors(first)).toEqual([]);
    expect(first.outputs.operation).toBe('create');
  });

  // A CREATE change set leaves the stack REVIEW_IN_PROGRESS until it is executed: for the seconds
  // (on AWS, up to a minute) CloudFormation takes to compute it, another run sees that status.
  // Such a stack, with a change set still pending or just made, is another run's operation to
  // wait out, not an abandoned one to delete.
  it('a push while the first run prepares its change set: both succeed', async () => {
    const since = world.aws.calls.length;
    const executes = () =>
      world.aws.calls.slice(since).filter((c) => c.action === 'ExecuteChangeSet');
    const release = world.aws.hang('ExecuteChangeSet');
    let first: Promise<ActionRun> | undefined;
    let second: Promise<ActionRun> | undefined;
    try {
      first = prEvent('opened', 341, sha(341));
      await until('the first run is about to execute', () => executes().length === 1);
      const secondSince = world.aws.calls.length;
      second = prEvent('synchronize', 341, sha(342));
      const waiting = () =>
        world.aws.calls
          .slice(secondSince)
          .filter((c) => c.action === 'DescribeStacks' && c.params.StackName === stackOf(341))
          .length >= 3;
      await until(
        'the second run waits, or is about to execute',
        () => waiting() || executes().length === 2,
      );
    } finally {
      release();
    }
    const [opened, pushed] = [await first, await second];
    expect(errors(pushed)).toEqual([]);
    expect(errors(opened)).toEqual([]);
    expect(opened.outputs.operation).toBe('create');
    expect(pushed.outputs.operation).toBe('update');
    expect(stackNamed(stackOf(341))?.tags['pr-env:head-sha']).toBe(sha(342));
  });

  it('never called a mutating RDS API: the source cluster and its snapshots are only read', () => {
    const rdsCalls = world.aws.calls.filter((c) => c.service === 'rds');
    expect(rdsCalls.map((c) => c.action)).toContain('DescribeDBClusterSnapshots');
    expect(rdsCalls.filter((c) => !/^Describe/.test(c.action))).toEqual([]);
    expect(world.aws.cluster(CLUSTER)?.status).toBe('available');
    expect(world.aws.snapshots(CLUSTER).map((s) => [s.id, s.status])).toEqual([
      ['rds:prod-db-2026-11-22-03-00', 'available'],
    ]);
  });
});
