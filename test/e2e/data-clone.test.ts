// data-source: clone, end to end: the environment's cluster is an Aurora copy-on-write clone of
// production, made once at create, kept on every push, and refused (nothing created) when the
// source cannot be cloned. Production is only ever read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  runAction,
  sha,
  stackOf,
  startWorld,
  type World,
} from './harness.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  // Production: no snapshot at all, so a clone is the only way the data can come.
  world.aws.addCluster({
    id: CLUSTER,
    engine: 'aurora-postgresql',
    engineVersion: '16.6',
    masterUsername: 'app_admin',
    latestRestorableTime: new Date(Date.now() - 4 * 60_000),
  });
});
afterAll(async () => world?.stop());

const push = (action: 'opened' | 'synchronize', pr: number, head: string) =>
  pullRequestEvent(action, { owner: OWNER, repo: REPO, number: pr, headSha: head });
const cloneInputs = { 'source-db-cluster': CLUSTER, 'data-source': 'clone' };

/** The environment's DBCluster as its stack has it. */
const stackCluster = (pr: number) =>
  world.aws.stack(stackOf(pr))?.resources.find((r) => r.logicalId === 'DBCluster');

/** RDS calls that would change production's cluster. */
const productionWrites = () => world.aws.mutatingCalls().filter((c) => c.service === 'rds');

describe('data-source: clone', () => {
  const pr = 31;

  it('creates the environment on a copy-on-write clone of production, without a snapshot', async () => {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: push('opened', pr, sha(1)),
      inputs: cloneInputs,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ operation: 'create', status: 'CREATE_COMPLETE' });
    expect(run.outputs['snapshot-arn']).toBe('');
    expect(run.outputs['clone-source']).toMatch(/^prod-db@\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // No snapshot was looked for; production was described, never changed.
    const rdsCalls = world.aws.calls.filter((c) => c.service === 'rds').map((c) => c.action);
    expect(rdsCalls).not.toContain('DescribeDBClusterSnapshots');
    expect(rdsCalls).toContain('DescribeDBClusters');
    expect(productionWrites()).toEqual([]);

    const parameters = world.aws.stack(stackOf(pr))!.parameters;
    expect(parameters).toMatchObject({
      DBSnapshotIdentifier: '',
      DBCloneSourceCluster: CLUSTER,
      DBEngineVersion: '16.6',
      DBMasterUsername: 'app_admin',
      DBCloneClusterName: expect.stringMatching(/^pr-env-shop-pr-31-\d{8}t\d{6}$/),
    });
    const clone = world.aws.cluster(stackCluster(pr)!.physicalId!);
    expect(clone?.id).toBe(parameters.DBCloneClusterName);
    expect(clone?.cloneGroupId).toBe(world.aws.cluster(CLUSTER)?.cloneGroupId);
    expect(clone?.masterUsername).toBe('app_admin');

    const [comment] = world.gh.comments(OWNER, REPO, pr);
    expect(comment?.body).toContain('environment ready for #31');
    expect(comment?.body).toMatch(
      /Aurora clone of `prod-db` \(cloned now, data as of .+Z \(\d+ min ago\)\)/,
    );
    const secretArn = JSON.parse(run.outputs.outputs ?? '{}').DBSecretArn as string;
    expect(secretArn).toMatch(/:secret:pr-env-shop-pr-31-db-[0-9a-f]{8}-\w{6}$/);
    // Where the secret lives is no secret: the log and the comment must show it to be usable.
    expect(run.stdout).not.toContain(`::add-mask::${secretArn}`);
    expect(comment?.body).toContain(
      `aws secretsmanager get-secret-value --region us-east-1 --secret-id ${secretArn} --query SecretString --output text`,
    );
    expect(comment?.body).toMatch(
      /aws ssm start-session --region us-east-1 --target i-\w+ --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=.+\.rds\.amazonaws\.com,portNumber=5432,localPortNumber=5432/,
    );
    expect(run.summary).toContain('Aurora clone of `prod-db`');
  });

  it('keeps the clone on a push: the database is never replaced, production not even read', async () => {
    const before = stackCluster(pr)!.physicalId;
    const callsBefore = world.aws.calls.length;
    const firstSource = world.aws.stack(stackOf(pr))!.parameters.DBCloneRestoreTime;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: push('synchronize', pr, sha(2)),
      inputs: cloneInputs,
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'update', status: 'UPDATE_COMPLETE' });
    expect(stackCluster(pr)!.physicalId).toBe(before);
    expect(world.aws.stack(stackOf(pr))!.parameters.DBCloneRestoreTime).toBe(firstSource);
    expect(run.outputs['clone-source']).toBe(`${CLUSTER}@${firstSource}`);
    const rdsCalls = world.aws.calls.slice(callsBefore).filter((c) => c.service === 'rds');
    expect(rdsCalls).toEqual([]);
    // The update replaced nothing: no DB resource was even touched beyond its tags.
    const replaced = world.aws
      .events(stackOf(pr))
      .filter((e) =>
        /requires the creation of a new physical resource/.test(e.ResourceStatusReason ?? ''),
      );
    expect(replaced).toEqual([]);
    expect(world.gh.comments(OWNER, REPO, pr)[0]?.body).toContain(
      'kept from the environment’s creation',
    );
  });

  it('stops a push that would re-clone without refresh-data: the guard sees the new clone', async () => {
    const executions = world.aws.calls.filter((c) => c.action === 'ExecuteChangeSet').length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: push('synchronize', pr, sha(6)),
      inputs: { ...cloneInputs, parameters: 'DBCloneClusterName=pr-env-shop-pr-31-other' },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toContain(
      '- replace DBCluster (AWS::RDS::DBCluster), because of DBClusterIdentifier (from parameter DBCloneClusterName)',
    );
    expect(world.aws.calls.filter((c) => c.action === 'ExecuteChangeSet')).toHaveLength(executions);
  });

  it('clones again on refresh-data, replacing the database with a new clone', async () => {
    const before = stackCluster(pr)!.physicalId!;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: push('synchronize', pr, sha(3)),
      inputs: { ...cloneInputs, 'refresh-data': 'true' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'update', status: 'UPDATE_COMPLETE' });
    const after = world.aws.stack(stackOf(pr))!.parameters.DBCloneClusterName;
    expect(after).not.toBe(before);
    expect(stackCluster(pr)!.physicalId).toBe(after);
    expect(world.aws.cluster(after!)?.cloneGroupId).toBe(world.aws.cluster(CLUSTER)?.cloneGroupId);
    // The old clone is gone with the replacement; production is still untouched.
    expect(world.aws.cluster(before)).toBeUndefined();
    expect(world.aws.cluster(CLUSTER)?.status).toBe('available');
    expect(productionWrites()).toEqual([]);
  });
});

describe('a clone refused', () => {
  beforeAll(() => {
    world.aws.addCluster({ id: 'paused-db', status: 'stopped' });
  });

  it.each([
    [
      'not available',
      32,
      'paused-db',
      'Cannot clone "paused-db" (source-db-cluster): cluster "paused-db" is "stopped": a clone needs it "available"',
    ],
    [
      'missing',
      33,
      'no-such-db',
      'Cannot clone "no-such-db" (source-db-cluster): there is no such DB cluster in us-east-1',
    ],
  ])('stops before creating anything when the source is %s', async (_why, pr, source, error) => {
    const mutatingBefore = world.aws.mutatingCalls().length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: push('opened', pr, sha(pr)),
      inputs: { 'source-db-cluster': source, 'data-source': 'clone' },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([error]);
    expect(world.aws.mutatingCalls().slice(mutatingBefore)).toEqual([]);
    expect(world.aws.stack(stackOf(pr))).toBeUndefined();
    expect(world.aws.cluster(source)?.cloneGroupId).toBeUndefined();
    expect(world.gh.comments(OWNER, REPO, pr)[0]?.body).toContain(error);
  });
});
