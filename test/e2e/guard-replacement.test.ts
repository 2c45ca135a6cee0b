// The replacement guard: a deploy whose change set would replace the PR's database (or remove it,
// or replace the network) stops before executing it, says what and why, and changes nothing;
// refresh-data permits the database replacement it asks for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import { CLUSTER, OWNER, REPO, errors, runAction, sha, startWorld, type World } from './harness.js';

let world: World;
let first = '';
let second = '';

beforeAll(async () => {
  world = await startWorld();
  first = world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 26 * 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  }).arn;
});
afterAll(async () => world?.stop());

const PR = 31;
const STACK = `pr-env-${REPO}-pr-${PR}`;
const push = (head: number, inputs: Record<string, string> = {}) =>
  runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent(head === 1 ? 'opened' : 'synchronize', {
      owner: OWNER,
      repo: REPO,
      number: PR,
      headSha: sha(head),
    }),
    inputs: { 'source-db-cluster': CLUSTER, ...inputs },
  });
const clusterId = () =>
  world.aws.stack(STACK)?.resources.find((r) => r.logicalId === 'DBCluster')?.physicalId ?? '';
const comment = () => world.gh.comments(OWNER, REPO, PR)[0]?.body ?? '';

describe('the replacement guard', () => {
  it('creates the environment (nothing to guard on a create)', async () => {
    const run = await push(1);
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('create');
  });

  it('stops a push whose change set would replace the database, and changes nothing', async () => {
    second = world.aws.addSnapshot({
      cluster: CLUSTER,
      id: 'rds:prod-db-2026-11-23-03-00',
      createdAt: new Date(Date.now() - 2 * 3_600_000),
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
    }).arn;
    const cluster = clusterId();
    world.aws.clearCalls();

    // Naming another snapshot changes SnapshotIdentifier: CloudFormation would restore a new
    // cluster and delete this one, with the PR's data.
    const run = await push(2, { 'snapshot-identifier': 'rds:prod-db-2026-11-23-03-00' });

    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toBe(
      [
        `Stopped before changing stack "${STACK}": its change set would`,
        '- replace DBCluster (AWS::RDS::DBCluster), because of SnapshotIdentifier (from parameter DBSnapshotIdentifier)',
        '- maybe replace DBWriterInstance (AWS::RDS::DBInstance), because of DBClusterIdentifier (from DBCluster)',
        '- maybe replace DBReaderInstance (AWS::RDS::DBInstance), because of DBClusterIdentifier (from DBCluster)',
        'Nothing was changed. Set "refresh-data: true" to accept a new database restored from the newest snapshot, or "allow-replacement: true" to accept every replacement.',
      ].join('\n'),
    );
    // The change set was made and looked at, never run, and is gone.
    const actions = world.aws.mutatingCalls().map((c) => c.action);
    expect(actions).toEqual(['CreateChangeSet', 'DeleteChangeSet']);
    const stack = world.aws.stack(STACK);
    expect(stack?.status).toBe('CREATE_COMPLETE');
    // Only the create's executed change set remains: the guard's own was deleted.
    expect(stack?.changeSets.map((cs) => cs.executionStatus)).toEqual(['EXECUTE_COMPLETE']);
    expect(stack?.parameters).toMatchObject({ DBSnapshotIdentifier: first, AppVersion: sha(1) });
    expect(clusterId()).toBe(cluster);
    expect(world.aws.cluster(cluster)).toBeDefined();
    // An update adds no VPC: the account's quotas are not asked about.
    expect(world.aws.calls.filter((c) => c.service === 'ec2')).toEqual([]);

    // The comment says the same, and shows the plan it stopped.
    const body = comment();
    expect(body).toContain(`deployment failed for #${PR}`);
    expect(body).toContain('- replace DBCluster (AWS::RDS::DBCluster)');
    expect(body).toContain(
      '| Modify | `DBCluster` | AWS::RDS::DBCluster | True | SnapshotIdentifier (from parameter DBSnapshotIdentifier) |',
    );
    expect(body).toContain('⚠️ **3 destructive change(s)**');
    // The deployment fails with the first words of the reason, within GitHub's 140 characters.
    const deployment = world.gh.deployments(OWNER, REPO).at(-1);
    expect(deployment?.statuses.at(-1)).toMatchObject({
      state: 'failure',
      description: expect.stringMatching(/^Stopped before changing stack .* replace DBCluster/),
    });
  });

  it('lets the same push through with refresh-data: the database is replaced, as asked', async () => {
    const cluster = clusterId();
    const run = await push(2, {
      'snapshot-identifier': 'rds:prod-db-2026-11-23-03-00',
      'refresh-data': 'true',
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'update', status: 'UPDATE_COMPLETE' });
    expect(run.outputs['snapshot-arn']).toBe(second);
    expect(world.aws.stack(STACK)?.parameters.DBSnapshotIdentifier).toBe(second);
    expect(clusterId()).not.toBe(cluster);
    expect(world.aws.cluster(cluster)).toBeUndefined();
    expect(comment()).toContain(`environment ready for #${PR}`);
  });
});
