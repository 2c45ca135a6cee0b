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
  stackOf,
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

describe('a stack that will not delete', () => {
  it('retries a DELETE_FAILED once, then fails naming what is left and still billing', async () => {
    await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(38),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    world.aws.failResource('DBSecurityGroup', 'resource sg-0123 has a dependent object', {
      stack: stackOf(38),
      operation: 'delete',
      times: 2,
    });
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('closed', {
        owner: OWNER,
        repo: REPO,
        number: 38,
        headSha: sha(38),
      }),
    });
    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toContain(`Stack "${stackOf(38)}" delete failed with status DELETE_FAILED`);
    expect(error).toContain('has a dependent object');
    expect(error).toMatch(
      /Resources still there \(and billing\): .*DBSecurityGroup \(AWS::EC2::SecurityGroup/,
    );
    expect(
      world.aws
        .mutatingCalls()
        .filter(
          (c) => c.action === 'DeleteStack' && String(c.params.StackName).includes(stackOf(38)),
        ),
    ).toHaveLength(2);
    expect(
      run.stdout.includes(`::warning::Deleting stack "${stackOf(38)}" failed; trying once more`),
    ).toBe(true);
  });
});

describe('a template over 51,200 bytes', () => {
  const big = async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(tmpdir(), 'pr-env-big-'));
    const file = path.join(dir, 'big.yml');
    // Plenty of resources with long descriptions: valid, and too large to send inline.
    const topics = Array.from({ length: 200 }, (_, i) =>
      [
        `  Topic${i}:`,
        '    Type: AWS::SNS::Topic',
        '    Properties:',
        `      DisplayName: ${'x'.repeat(90)}`,
        `      Tags: [{ Key: purpose, Value: ${'y'.repeat(200)} }]`,
      ].join('\n'),
    );
    await writeFile(
      file,
      `Parameters:\n  EnvironmentName: { Type: String }\nResources:\n${topics.join('\n')}\n`,
    );
    return file;
  };

  it('is uploaded to template-bucket and passed by URL', async () => {
    world.aws.createBucket('pr-env-templates');
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(39),
      inputs: { template: await big(), 'template-bucket': 'pr-env-templates' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs.status).toBe('CREATE_COMPLETE');
    const create = world.aws
      .mutatingCalls()
      .find((c) => c.action === 'CreateChangeSet' && c.params.StackName === stackOf(39));
    expect(create?.params.TemplateURL).toMatch(
      /^https:\/\/pr-env-templates\.s3\.us-east-1\.amazonaws\.com\/pr-env\/pr-env-shop-pr-39\//,
    );
    expect(create?.params.TemplateBody).toBeUndefined();
    expect(
      world.aws.mutatingCalls().some((c) => c.service === 's3' && c.action === 'PutObject'),
    ).toBe(true);
  });

  it('without a bucket, fails before any AWS call, naming the input to set', async () => {
    const before = world.aws.calls.length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(40),
      inputs: { template: await big() },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatch(
      /renders to \d+ bytes, over CloudFormation's 51200-byte limit for an inline body: set "template-bucket"/,
    );
    expect(world.aws.calls.length).toBe(before);
  });
});
