// Issue 18, part 2: a sleeping environment's URL answers the wake page, and the visit wakes it.
// The action uploads its bundled function (dist/wake.zip) to the template bucket; sleep turns the
// listener to the function's target group (Asleep=true), and the function — the code from that
// bucket, run by the simulator's load balancer as Lambda would — starts the cluster, then wakes
// the web tier through a stack update, which turns the listener back to the app.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_ACCESS_KEY, visitEnvironment } from '../sim/aws/load-balancer.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  comment,
  errors,
  pullRequestRun,
  listenerTarget,
  sha,
  startWorld,
  stickyComment,
  until,
  type World,
} from './harness.js';

const PR = 61;
const BARE_PR = 62;
const STACK = `pr-env-${REPO}-pr-${PR}`;
const TEMPLATES = 'pr-env-templates';
const INPUTS = { 'source-db-cluster': CLUSTER, deployment: 'false', 'template-bucket': TEMPLATES };
const WAKE_ZIP = readFileSync(fileURLToPath(new URL('../../dist/wake.zip', import.meta.url)));

let world: World;

function open(pr: number, head: number, inputs: Record<string, string>) {
  return pullRequestRun(world, { pr, action: 'opened', head, inputs });
}

async function say(pr: number, body: string, inputs: Record<string, string> = INPUTS) {
  return (await comment(world, { pr, body, inputs })).run;
}

beforeAll(async () => {
  world = await startWorld({
    resourceDelayMs: 5,
    changeSetDelayMs: 5,
    clusterTransitionMs: 1500,
    // The web instance boots and passes its health checks a while after the group scales up.
    targetHealthyAfterMs: 1500,
  });
  world.aws.createBucket(TEMPLATES);
  world.aws.addSnapshot({ cluster: CLUSTER, createdAt: new Date(Date.now() - 3_600_000) });
  world.gh.setPermission(OWNER, REPO, 'alice', 'maintain');
  expect(errors(await open(PR, 610, INPUTS))).toEqual([]);
});
afterAll(async () => world?.stop());

const stack = () => world.aws.stack(STACK);
const resource = (id: string) => stack()?.resources.find((r) => r.logicalId === id);
const clusterId = () => resource('DBCluster')?.physicalId ?? '';
const listener = () => listenerTarget(world, STACK);
const byFunction = (action: string) =>
  world.aws.calls.filter((c) => c.action === action && c.accessKeyId === FUNCTION_ACCESS_KEY);
const sticky = () => stickyComment(world, PR);
const visit = () => visitEnvironment(world.aws, STACK);

describe('the wake page', () => {
  it('comes with the environment: the function is the bundled one, from the template bucket', async () => {
    const code = resource('WakeFunction')?.properties.Code as { S3Bucket: string; S3Key: string };
    expect(code.S3Bucket).toBe(TEMPLATES);
    expect(code.S3Key).toMatch(new RegExp(`^pr-env/${STACK}/wake-[0-9a-f]{64}\\.zip$`));
    expect(world.aws.getObject(TEMPLATES, code.S3Key)?.equals(WAKE_ZIP)).toBe(true);
    expect(stack()?.parameters.Asleep).toBe('false');
    // Awake, the URL is the app's.
    expect(listener()).toBe(resource('TargetGroup')?.physicalId);
    expect(await visit()).toMatchObject({ status: 200, answeredBy: 'app' });
  });

  it('sleep turns the listener to the function: the URL answers the page, not a 503', async () => {
    const functionId = resource('WakeFunction')?.physicalId;
    const run = await say(PR, '/pr-env sleep');
    expect(errors(run)).toEqual([]);
    expect(stack()?.parameters).toMatchObject({ Asleep: 'true', DesiredCapacity: '0' });
    expect(listener()).toBe(resource('WakeTargetGroup')?.physicalId);
    // Nothing was added, removed or replaced: the function was there, awake.
    expect(resource('WakeFunction')?.physicalId).toBe(functionId);
    expect(sticky()).toContain('a visit to its URL, `/pr-env wake` or a push wakes it');
    await until(() => world.aws.cluster(clusterId())?.status === 'stopped', 'the stop');
  });

  it('a visit starts the database and gets the page; a burst of visits starts it once', async () => {
    const first = await visit();
    expect(first).toMatchObject({ status: 200, answeredBy: 'lambda' });
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.body).toContain('asleep');
    expect(byFunction('StartDBCluster').map((c) => c.params.DBClusterIdentifier)).toEqual([
      clusterId(),
    ]);
    const burst = await Promise.all(Array.from({ length: 5 }, () => visit()));
    expect(burst.map((v) => v.status)).toEqual([200, 200, 200, 200, 200]);
    expect(byFunction('StartDBCluster')).toHaveLength(1);
    // The web tier waits for the database, as /pr-env wake does.
    expect(byFunction('UpdateStack')).toHaveLength(0);
  });

  it('once the database is up, a visit brings the web tier back, the page still answering', async () => {
    await until(() => world.aws.cluster(clusterId())?.status === 'available', 'the start');
    expect((await visit()).answeredBy).toBe('lambda');
    expect(byFunction('UpdateStack')).toHaveLength(1);
    await world.aws.settled();
    expect(stack()?.status).toBe('UPDATE_COMPLETE');
    expect(stack()?.parameters).toMatchObject({
      Asleep: 'true',
      MinSize: '1',
      DesiredCapacity: '1',
      AppVersion: sha(610),
    });
    expect(stack()?.tags['pr-env:state']).toBe('waking');
    expect(stack()?.tags['pr-env:woke-on-visit']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // The instance is not healthy yet: the app's group would answer 503, so the page stays.
    expect(listener()).toBe(resource('WakeTargetGroup')?.physicalId);
    const meanwhile = await visit();
    expect(meanwhile).toMatchObject({ status: 200, answeredBy: 'lambda' });
    expect(meanwhile.body).toContain('starting its web servers');
    expect(byFunction('DescribeTargetHealth')).not.toHaveLength(0);
    expect(byFunction('UpdateStack')).toHaveLength(1);
  });

  it('the comment says it is waking when the action runs meanwhile, and the listener stays', async () => {
    const woke = stack()?.tags['pr-env:woke-on-visit'];
    const run = await say(PR, '/pr-env extend 2');
    expect(errors(run)).toEqual([]);
    expect(sticky()).toContain('⏰ **waking**: a visit to its URL woke it');
    // The action's first run since the visit tells of it (and its own update drops the record).
    expect(sticky()).toContain(`| **Woken** | by a visit to its URL at ${woke} |`);
    expect(stack()?.tags).not.toHaveProperty('pr-env:woke-on-visit');
    expect(stack()?.tags['pr-env:state']).toBe('waking');
    expect(stack()?.parameters.Asleep).toBe('true');
    expect(listener()).toBe(resource('WakeTargetGroup')?.physicalId);
  });

  it('once an instance is healthy, a visit turns the listener back to the app', async () => {
    await new Promise((r) => setTimeout(r, 1600));
    expect((await visit()).answeredBy).toBe('lambda');
    expect(byFunction('UpdateStack')).toHaveLength(2);
    await world.aws.settled();
    expect(stack()?.parameters).toMatchObject({ Asleep: 'false', DesiredCapacity: '1' });
    expect(stack()?.tags).not.toHaveProperty('pr-env:state');
    expect(stack()?.tags).not.toHaveProperty('pr-env:awake-capacity');
    expect(listener()).toBe(resource('TargetGroup')?.physicalId);
    expect(await visit()).toMatchObject({ status: 200, answeredBy: 'app' });
    // It named only its own stack.
    const own = world.aws.calls.filter(
      (c) => c.accessKeyId === FUNCTION_ACCESS_KEY && c.service === 'cloudformation',
    );
    expect(new Set(own.map((c) => c.params.StackName))).toEqual(new Set([stack()?.stackId]));
  });

  it('a push after the wake deploys as ever, and tells of the visit no more', async () => {
    const run = await pullRequestRun(world, {
      pr: PR,
      action: 'synchronize',
      head: 611,
      inputs: INPUTS,
    });
    expect(errors(run)).toEqual([]);
    expect(sticky()).toContain('☀️ **awake**');
    expect(sticky()).not.toContain('**Woken**');
    expect(stack()?.parameters).toMatchObject({ Asleep: 'false', AppVersion: sha(611) });
    expect(await visit()).toMatchObject({ status: 200, body: `app ${sha(611)}` });
  });

  it('without a template bucket there is no wake page: a sleeping URL answers 503', async () => {
    const bare = { 'source-db-cluster': CLUSTER, deployment: 'false' };
    const created = await open(BARE_PR, 620, bare);
    expect(errors(created)).toEqual([]);
    expect(created.stdout).toContain('Wake page: no "template-bucket"');
    const name = `pr-env-${REPO}-pr-${BARE_PR}`;
    const resources = () => world.aws.stack(name)?.resources.map((r) => r.logicalId) ?? [];
    expect(resources()).not.toContain('WakeFunction');
    expect(errors(await say(BARE_PR, '/pr-env sleep', bare))).toEqual([]);
    expect(await visitEnvironment(world.aws, name)).toMatchObject({
      status: 503,
      answeredBy: 'load-balancer',
    });
  });
});
