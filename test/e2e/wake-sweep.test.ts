// A wake whose visitor left: a visit brought the web tier back (the stack is `waking`), and no
// visit since turned the URL from the wake page to the app. The scheduled sweep finishes it once
// the app's target group has a healthy instance, as the next visit would have, and not before:
// the load balancer would answer 503 until then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitEnvironment } from '../sim/aws/load-balancer.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  comment,
  errors,
  pullRequestRun,
  listenerTarget,
  stackOf,
  startWorld,
  stickyComment,
  sweep,
  until,
  warnings,
  type World,
} from './harness.js';

const PR = 71;
const STACK = stackOf(PR);
const TEMPLATES = 'pr-env-templates';
const INPUTS = { 'source-db-cluster': CLUSTER, deployment: 'false', 'template-bucket': TEMPLATES };
/** How long the woken instance takes to pass its health checks: longer than a sweep takes. */
const HEALTHY_AFTER_MS = 5000;

let world: World;
let scaledUpAt = 0;

const stack = () => world.aws.stack(STACK);
const resource = (id: string) => stack()?.resources.find((r) => r.logicalId === id);
const listener = () => listenerTarget(world, STACK);
const sticky = () => stickyComment(world, PR);

beforeAll(async () => {
  world = await startWorld({
    resourceDelayMs: 5,
    changeSetDelayMs: 5,
    clusterTransitionMs: 300,
    targetHealthyAfterMs: HEALTHY_AFTER_MS,
  });
  world.aws.createBucket(TEMPLATES);
  world.aws.addSnapshot({ cluster: CLUSTER, createdAt: new Date(Date.now() - 3_600_000) });
  world.gh.setPermission(OWNER, REPO, 'alice', 'maintain');
  const opened = await pullRequestRun(world, {
    pr: PR,
    action: 'opened',
    head: 710,
    inputs: INPUTS,
  });
  expect(errors(opened)).toEqual([]);
  const slept = await comment(world, { pr: PR, body: '/pr-env sleep', inputs: INPUTS });
  expect(errors(slept.run)).toEqual([]);
  const cluster = () => world.aws.cluster(resource('DBCluster')?.physicalId ?? '')?.status;
  await until(() => cluster() === 'stopped', 'the database to stop', 10_000);
  // One visit starts the database; once it is up, the next brings the web tier back.
  await visitEnvironment(world.aws, STACK);
  await until(() => cluster() === 'available', 'the database to start', 10_000);
  await visitEnvironment(world.aws, STACK);
  scaledUpAt = Date.now();
  await world.aws.settled();
  expect(stack()?.tags['pr-env:state']).toBe('waking');
}, 60_000);
afterAll(async () => world?.stop());

describe('a wake no visit finished', () => {
  it('is left waking while no instance is healthy: the URL keeps the page', async () => {
    const run = await sweep(world);
    expect(errors(run)).toEqual([]);
    expect(Date.now() - scaledUpAt).toBeLessThan(HEALTHY_AFTER_MS);
    expect(stack()?.tags['pr-env:state']).toBe('waking');
    expect(stack()?.parameters.Asleep).toBe('true');
    expect(listener()).toBe(resource('WakeTargetGroup')?.physicalId);
    expect(run.summary).toMatch(/\| `pr-env-shop-pr-71` \| #71 \| keep \| PR #71 is open/);
  });

  it('is left waking, with a warning, by a deploy role that may not read target health', async () => {
    await new Promise((r) =>
      setTimeout(r, Math.max(0, scaledUpAt + HEALTHY_AFTER_MS - Date.now())),
    );
    world.aws.elb.deny('DescribeTargetHealth');
    try {
      const run = await sweep(world);
      expect(run.exitCode, errors(run).join('\n')).toBe(0);
      const warned = warnings(run).join('\n');
      expect(warned).toContain(
        `could not read the health of "pr-env-shop-pr-71"'s app instances (elasticloadbalancing:DescribeTargetHealth)`,
      );
      expect(warned).toContain(
        'not authorized to perform: elasticloadbalancing:DescribeTargetHealth',
      );
      expect(warned).toContain('Left waking: its next visit finishes the wake.');
      expect(stack()?.tags['pr-env:state']).toBe('waking');
    } finally {
      world.aws.elb.allow();
    }
  });

  it('is finished by the sweep once one is: the URL is the app’s, and the comment says why', async () => {
    await new Promise((r) =>
      setTimeout(r, Math.max(0, scaledUpAt + HEALTHY_AFTER_MS - Date.now())),
    );
    const run = await sweep(world);
    expect(errors(run)).toEqual([]);
    expect(stack()?.status).toBe('UPDATE_COMPLETE');
    expect(stack()?.parameters).toMatchObject({ Asleep: 'false', DesiredCapacity: '1' });
    expect(stack()?.tags).not.toHaveProperty('pr-env:state');
    expect(stack()?.tags).not.toHaveProperty('pr-env:awake-capacity');
    expect(listener()).toBe(resource('TargetGroup')?.physicalId);
    expect(await visitEnvironment(world.aws, STACK)).toMatchObject({
      status: 200,
      answeredBy: 'app',
    });
    expect(run.summary).toMatch(/\| #71 \| finish-wake \| a visit to its URL woke it.*\| awake \|/);
    expect(sticky()).toContain('The sweeper finished the wake a visit to its URL began');
    expect(sticky()).toContain('☀️ **awake**');
    // The sweep named the app's target group, read off the stack, and no other.
    const health = world.aws.calls.filter((c) => c.action === 'DescribeTargetHealth');
    expect(new Set(health.map((c) => c.params.TargetGroupArn))).toContain(
      resource('TargetGroup')?.physicalId,
    );
  });

  it('is nothing to the next sweep: an awake environment is kept as it is', async () => {
    const updates = world.aws.calls.filter((c) => c.action === 'ExecuteChangeSet').length;
    const run = await sweep(world);
    expect(errors(run)).toEqual([]);
    expect(world.aws.calls.filter((c) => c.action === 'ExecuteChangeSet').length).toBe(updates);
    expect(run.summary).toMatch(/\| #71 \| keep \|/);
  });
});
