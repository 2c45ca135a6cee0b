import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  REPOSITORY,
  errors,
  runAction,
  sha,
  startWorld,
  type World,
} from './harness.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 2 * 3_600_000),
    engine: 'aurora-mysql',
    engineVersion: '8.0.mysql_aurora.3.08.0',
  });
});
afterAll(async () => world?.stop());

const stackOf = (pr: number) => `pr-env-${REPO}-pr-${pr}`;
const opened = (pr: number) =>
  pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
const owned = (pr: number) => ({
  'pr-env:repository': REPOSITORY,
  'pr-env:pull-request': String(pr),
});

describe('a resource that fails to create', () => {
  it('fails the run and names the first failed resource, not the cancelled ones', async () => {
    const reason =
      'Received 0 SUCCESS signal(s) out of 1.  Unable to satisfy 100% MinSuccessfulInstancesPercent requirement';
    world.aws.failResource('AutoScalingGroup', reason, { stack: stackOf(31), operation: 'create' });
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(31),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toContain(`Stack "${stackOf(31)}" create failed with status ROLLBACK_COMPLETE`);
    expect(error).toContain(
      `AutoScalingGroup (AWS::AutoScaling::AutoScalingGroup) CREATE_FAILED: ${reason}`,
    );
    expect(error).not.toContain('Resource creation cancelled');
    expect(run.outputs.status).toBe('ROLLBACK_COMPLETE');
    const comment = world.gh.comments(OWNER, REPO, 31)[0]?.body ?? '';
    expect(comment).toContain('deployment failed for #31');
    expect(comment).toContain('**Root cause**');
    expect(comment).toContain(reason);
    expect(run.summary).toContain(reason);
  });

  it('recovers on the next push: the ROLLBACK_COMPLETE stack is deleted and created anew', async () => {
    expect(world.aws.stack(stackOf(31))?.status).toBe('ROLLBACK_COMPLETE');
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: 31,
        headSha: sha(310),
      }),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'create', status: 'CREATE_COMPLETE' });
    const deletes = world.aws.mutatingCalls().filter((c) => c.action === 'DeleteStack');
    expect(deletes.length).toBeGreaterThan(0);
    expect(world.aws.stack(stackOf(31))?.status).toBe('CREATE_COMPLETE');
  });
});

describe('stack states left behind by earlier runs', () => {
  it('deletes a REVIEW_IN_PROGRESS shell before creating', async () => {
    world.aws.seedStack({ name: stackOf(32), status: 'REVIEW_IN_PROGRESS', tags: owned(32) });
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(32),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'create', status: 'CREATE_COMPLETE' });
  });

  it('continues an UPDATE_ROLLBACK_FAILED rollback, then updates', async () => {
    await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(33),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    world.aws.failResource('LaunchTemplate', 'Simulated update failure', {
      stack: stackOf(33),
      operation: 'update',
      rollbackFails: true,
    });
    const broken = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: 33,
        headSha: sha(331),
      }),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(broken.exitCode).toBe(1);
    expect(world.aws.stack(stackOf(33))?.status).toBe('UPDATE_ROLLBACK_FAILED');
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: 33,
        headSha: sha(332),
      }),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    expect(world.aws.mutatingCalls().some((c) => c.action === 'ContinueUpdateRollback')).toBe(true);
    expect(run.outputs).toMatchObject({ operation: 'update', status: 'UPDATE_COMPLETE' });
  });

  it('waits out another run’s update in progress, then applies its own', async () => {
    world.aws.seedStack({
      name: stackOf(34),
      status: 'UPDATE_IN_PROGRESS',
      tags: owned(34),
      settleAfterMs: 4000,
      finalStatus: 'UPDATE_COMPLETE',
    });
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: 34,
        headSha: sha(34),
      }),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    expect(run.stdout.includes('is UPDATE_IN_PROGRESS: waiting for that operation to end')).toBe(
      true,
    );
    expect(run.outputs.operation).toBe('update');
  });
});

describe('no snapshot to restore', () => {
  it('fails naming the cluster, and makes no stack call', async () => {
    world.aws.addSnapshot({
      cluster: 'empty-db',
      status: 'creating',
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
    });
    const before = world.aws.calls.filter(
      (c) => c.service === 'cloudformation' && !/^Describe/.test(c.action),
    ).length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(35),
      inputs: { 'source-db-cluster': 'empty-db' },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatch(
      /Could not resolve a snapshot of cluster "empty-db": none is available \(1 found, none with status "available"\)/,
    );
    expect(
      world.aws.calls.filter((c) => c.service === 'cloudformation' && !/^Describe/.test(c.action))
        .length,
    ).toBe(before);
    expect(world.aws.stack(stackOf(35))).toBeUndefined();
  });

  it('refuses a snapshot older than max-snapshot-age-hours', async () => {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(36),
      inputs: { 'source-db-cluster': CLUSTER, 'max-snapshot-age-hours': '1' },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatch(/is 2\.0 hours old, over max-snapshot-age-hours \(1\)/);
    expect(world.aws.stack(stackOf(36))).toBeUndefined();
  });
});

describe('timeout', () => {
  it('stops waiting after timeout-minutes, naming the stack and its last status', async () => {
    world.aws.setResourceDelay('DBCluster', 60_000);
    try {
      const run = await runAction(world, {
        eventName: 'pull_request_target',
        payload: opened(37),
        // 0.05 minutes = 3 seconds.
        inputs: { 'source-db-cluster': CLUSTER, 'timeout-minutes': '0.05' },
      });
      expect(run.exitCode).toBe(1);
      expect(errors(run)[0]).toBe(
        `Timed out waiting for stack "${stackOf(37)}": its last status was CREATE_IN_PROGRESS`,
      );
      expect(run.durationMs).toBeLessThan(15_000);
    } finally {
      world.aws.setResourceDelay('DBCluster', 20);
    }
  });
});
