// GitHub deployments: environment pr-<n>, transient and not production; in_progress when work
// starts, success with the environment's URL and the run's log, failure with the root cause,
// earlier ones inactive once superseded, and all inactive when the environment is destroyed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import { CLUSTER, OWNER, REPO, errors, runAction, sha, startWorld, type World } from './harness.js';

let world: World;

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
});
afterAll(async () => world?.stop());

const PR = 41;
const STACK = `pr-env-${REPO}-pr-${PR}`;
const event = (action: 'opened' | 'synchronize' | 'closed', head: number) =>
  runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent(action, { owner: OWNER, repo: REPO, number: PR, headSha: sha(head) }),
    inputs: { 'source-db-cluster': CLUSTER },
  });
const deployments = () =>
  world.gh.deployments(OWNER, REPO).filter((d) => d.environment === `pr-${PR}`);
const states = () => deployments().map((d) => d.statuses.map((s) => s.state));
const RUN_URL = expect.stringMatching(/^https:\/\/github\.com\/octo-org\/shop\/actions\/runs\/\d+/);

describe('GitHub deployments', () => {
  it('records a create: in progress, then success with the URL and the log', async () => {
    const run = await event('opened', 1);
    expect(errors(run)).toEqual([]);
    const [deployment, ...others] = deployments();
    expect(others).toEqual([]);
    expect(deployment).toMatchObject({
      ref: sha(1),
      sha: sha(1),
      environment: 'pr-41',
      transientEnvironment: true,
      productionEnvironment: false,
    });
    expect(deployment?.statuses).toEqual([
      expect.objectContaining({ state: 'in_progress', logUrl: RUN_URL }),
      expect.objectContaining({
        state: 'success',
        environmentUrl: run.outputs['environment-url'],
        logUrl: RUN_URL,
        description: 'Stack CREATE_COMPLETE',
      }),
    ]);
    expect(run.outputs['environment-url']).toMatch(/^http:\/\/.+\.elb\.amazonaws\.com$/);
  });

  it('records a failed push as failure with the root cause, leaving the live one as it is', async () => {
    world.aws.failResource(
      'LaunchTemplate',
      'Resource handler returned message: "The image id \'[ami-0abc]\' does not exist (Service: Ec2, Status Code: 400, Request ID: 5f1c)" (RequestToken: 9d2e, HandlerErrorCode: InvalidRequest)',
      { operation: 'update', stack: STACK },
    );
    const run = await event('synchronize', 2);
    expect(run.exitCode).toBe(1);
    const failed = deployments()[1];
    expect(failed?.ref).toBe(sha(2));
    expect(failed?.statuses.at(-1)).toMatchObject({
      state: 'failure',
      logUrl: RUN_URL,
      description: "LaunchTemplate UPDATE_FAILED: The image id '[ami-0abc]' does not exist",
    });
    // The rollback left the first version running: its deployment is still the live one.
    expect(states()).toEqual([
      ['in_progress', 'success'],
      ['in_progress', 'failure'],
    ]);
  });

  it('marks the deployment a new success supersedes inactive, so the PR shows one', async () => {
    const run = await event('synchronize', 3);
    expect(errors(run)).toEqual([]);
    expect(states()).toEqual([
      ['in_progress', 'success', 'inactive'],
      ['in_progress', 'failure'],
      ['in_progress', 'success'],
    ]);
  });

  it('marks every deployment of the environment inactive when it is destroyed', async () => {
    const run = await event('closed', 3);
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('delete');
    expect(deployments().map((d) => d.statuses.at(-1)?.state)).toEqual([
      'inactive',
      'inactive',
      'inactive',
    ]);
    // Closing creates no deployment of its own.
    expect(deployments()).toHaveLength(3);
  });
});
