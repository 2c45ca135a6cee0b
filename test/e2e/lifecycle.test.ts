import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, workflowDispatchEvent } from '../fixtures/events.js';
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
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 5 * 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  // Not available yet: a restore from it would fail.
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-23-03-00',
    status: 'creating',
    createdAt: new Date(Date.now() - 60_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
});
afterAll(async () => world?.stop());

const prEvent = (
  action: 'opened' | 'synchronize' | 'closed' | 'reopened',
  pr: number,
  head: string,
) => pullRequestEvent(action, { owner: OWNER, repo: REPO, number: pr, headSha: head });
const deployInputs = { 'source-db-cluster': CLUSTER };
const comments = (pr: number) => world.gh.comments(OWNER, REPO, pr);

describe('a pull request through its life', () => {
  const pr = 7;

  it('creates the environment from the newest available snapshot when the PR opens', async () => {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: prEvent('opened', pr, sha(1)),
      inputs: deployInputs,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      operation: 'create',
      status: 'CREATE_COMPLETE',
      'stack-name': stackOf(pr),
      'snapshot-arn': expect.stringMatching(/cluster-snapshot:rds:prod-db-2026-11-22-03-00$/),
    });
    const stack = world.aws.stack(stackOf(pr));
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect(stack?.tags).toMatchObject({
      'pr-env:repository': `${OWNER}/${REPO}`,
      'pr-env:pull-request': String(pr),
      'pr-env:head-sha': sha(1),
    });
    expect(stack?.parameters).toMatchObject({ AppVersion: sha(1), DBEngine: 'aurora-postgresql' });
    expect(run.outputs['environment-url']).toMatch(/^http:\/\/.+\.elb\.amazonaws\.com$/);
    expect(JSON.parse(run.outputs.outputs ?? '{}')).toHaveProperty('DBClusterEndpoint');

    // The events are streamed to the log, in a group.
    expect(run.stdout).toContain(`::group::Stack events: ${stackOf(pr)}`);
    expect(run.stdout).toMatch(/CREATE_COMPLETE\s+DBCluster \(AWS::RDS::DBCluster\)/);

    const [comment, ...more] = comments(pr);
    expect(more).toEqual([]);
    expect(comment?.body).toContain('<!-- pr-env:sticky-comment -->');
    expect(comment?.body).toContain('environment ready for #7');
    expect(comment?.body).toContain(run.outputs['environment-url']);
    expect(comment?.body).toContain('rds:prod-db-2026-11-22-03-00');
    expect(comment?.body).toMatch(/taken 5\.0 h ago/);
    expect(comment?.body).toContain('actions/runs/');
    expect(run.summary).toContain('environment ready for #7');
  });

  it('updates it on push, keeping its snapshot and editing the same comment', async () => {
    const firstComment = comments(pr)[0];
    // A newer snapshot appears: an update must not move to it (that would replace the database).
    world.aws.addSnapshot({
      cluster: CLUSTER,
      id: 'rds:prod-db-2026-11-22-12-00',
      createdAt: new Date(Date.now() - 3_600_000),
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
    });
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: prEvent('synchronize', pr, sha(2)),
      inputs: deployInputs,
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'update', status: 'UPDATE_COMPLETE' });
    expect(run.outputs['snapshot-arn']).toMatch(/rds:prod-db-2026-11-22-03-00$/);
    expect(world.aws.stack(stackOf(pr))?.parameters.AppVersion).toBe(sha(2));
    const all = comments(pr);
    expect(all).toHaveLength(1);
    expect(all[0]?.id).toBe(firstComment?.id);
    expect(all[0]?.body).toContain(sha(2).slice(0, 12));
    expect(all[0]?.body).toContain('kept from the environment’s creation');
  });

  it('treats a re-run with nothing new as success with operation none', async () => {
    const mutatingBefore = world.aws
      .mutatingCalls()
      .filter((c) => c.action === 'ExecuteChangeSet').length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: prEvent('synchronize', pr, sha(2)),
      inputs: deployInputs,
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ operation: 'none', status: 'UPDATE_COMPLETE' });
    expect(world.aws.mutatingCalls().filter((c) => c.action === 'ExecuteChangeSet')).toHaveLength(
      mutatingBefore,
    );
    // The empty change set is cleaned up.
    expect(world.aws.mutatingCalls().at(-1)?.action).toBe('DeleteChangeSet');
    expect(comments(pr)[0]?.body).toContain('environment up to date for #7');
  });

  it('deletes everything when the PR closes, and says so in the comment', async () => {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: prEvent('closed', pr, sha(2)),
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'delete', status: 'DELETE_COMPLETE' });
    expect(world.aws.stack(stackOf(pr))).toBeUndefined();
    const all = comments(pr);
    expect(all).toHaveLength(1);
    expect(all[0]?.body).toContain('environment destroyed for #7');
  });

  it('succeeds on close when there is no stack at all', async () => {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: prEvent('closed', 8, sha(3)),
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.operation).toBe('none');
    expect(world.aws.mutatingCalls().filter((c) => c.params.StackName === stackOf(8))).toEqual([]);
  });
});

describe('workflow_dispatch', () => {
  it('deploys pr-number at the head SHA read from the API', async () => {
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: 21, headSha: sha(21) });
    const run = await runAction(world, {
      eventName: 'workflow_dispatch',
      payload: workflowDispatchEvent({ owner: OWNER, repo: REPO, inputs: { 'pr-number': '21' } }),
      inputs: { ...deployInputs, 'pr-number': '21' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('create');
    expect(world.aws.stack(stackOf(21))?.tags['pr-env:head-sha']).toBe(sha(21));
    expect(world.gh.calls.some((c) => c.method === 'GET' && c.path.endsWith('/pulls/21'))).toBe(
      true,
    );
  });

  it('fails clearly without pr-number, before any AWS call', async () => {
    const before = world.aws.calls.length;
    const run = await runAction(world, {
      eventName: 'workflow_dispatch',
      payload: workflowDispatchEvent({ owner: OWNER, repo: REPO }),
      inputs: deployInputs,
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toMatch(/"pr-number" is required for workflow_dispatch/);
    expect(world.aws.calls.length).toBe(before);
  });
});
