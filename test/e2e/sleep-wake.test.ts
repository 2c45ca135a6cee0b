// Issue 6, item 2: sleep and wake. Sleep is a stack update of the Auto Scaling group's capacity
// (CloudFormation stays the source of truth) and a StopDBCluster on the stack's own cluster; wake
// starts the cluster, waits for it, and restores the capacity. A push wakes a sleeping environment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLUSTER,
  OWNER,
  REPO,
  comment,
  errors,
  pullRequestRun,
  sha,
  startWorld,
  stickyComment,
  type World,
} from './harness.js';

const PR = 51;
const STACK = `pr-env-${REPO}-pr-${PR}`;
const INPUTS = { 'source-db-cluster': CLUSTER, deployment: 'false' };

let world: World;
let clusterId: string;

beforeAll(async () => {
  world = await startWorld({ resourceDelayMs: 5, changeSetDelayMs: 5, clusterTransitionMs: 30 });
  world.aws.addSnapshot({ cluster: CLUSTER, createdAt: new Date(Date.now() - 3_600_000) });
  world.gh.setPermission(OWNER, REPO, 'alice', 'maintain');
  const run = await pullRequestRun(world, { pr: PR, action: 'opened', head: 510, inputs: INPUTS });
  expect(errors(run)).toEqual([]);
  clusterId = resource('DBCluster')?.physicalId ?? '';
});
afterAll(async () => world?.stop());

const stack = () => world.aws.stack(STACK);
const resource = (id: string) => stack()?.resources.find((r) => r.logicalId === id);
/** The Auto Scaling group as CloudFormation last provisioned it. */
const capacity = () => {
  const props = resource('AutoScalingGroup')?.properties ?? {};
  return { MinSize: String(props.MinSize), DesiredCapacity: String(props.DesiredCapacity) };
};
const calls = (action: string) => world.aws.calls.filter((c) => c.action === action);
const sticky = () => stickyComment(world, PR);
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

async function say(body: string) {
  const { run, reactions } = await comment(world, { pr: PR, body, inputs: INPUTS });
  return { run, reactions: reactions() };
}

describe('sleep and wake', () => {
  it('starts awake, its cluster tagged by CloudFormation as the stack’s', () => {
    expect(capacity()).toEqual({ MinSize: '1', DesiredCapacity: '1' });
    expect(world.aws.cluster(clusterId)?.status).toBe('available');
    expect(world.aws.cluster(clusterId)?.tags['aws:cloudformation:stack-id']).toBe(
      stack()?.stackId,
    );
  });

  it('/pr-env sleep scales the web tier to 0 through the stack and stops the database', async () => {
    const snapshot = stack()?.parameters.DBSnapshotIdentifier;
    const { run, reactions } = await say('/pr-env sleep');
    expect(errors(run)).toEqual([]);
    expect(reactions).toEqual(['+1']);
    expect(stack()?.status).toBe('UPDATE_COMPLETE');
    expect(stack()?.parameters).toMatchObject({
      MinSize: '0',
      DesiredCapacity: '0',
      AppVersion: sha(510),
      DBSnapshotIdentifier: snapshot,
    });
    expect(capacity()).toEqual({ MinSize: '0', DesiredCapacity: '0' });
    expect(stack()?.tags).toMatchObject({
      'pr-env:state': 'asleep',
      'pr-env:awake-capacity': 'MinSize=1 DesiredCapacity=1',
    });
    // The same cluster, stopped: not replaced, not restored again.
    expect(resource('DBCluster')?.physicalId).toBe(clusterId);
    expect(calls('StopDBCluster').map((c) => c.params.DBClusterIdentifier)).toEqual([clusterId]);
    await settle();
    expect(world.aws.cluster(clusterId)?.status).toBe('stopped');
    // The update came first: CloudFormation records the sleep before the database stops.
    const order = world.aws.mutatingCalls().map((c) => c.action);
    expect(order.lastIndexOf('ExecuteChangeSet')).toBeLessThan(order.lastIndexOf('StopDBCluster'));

    const body = sticky();
    expect(body).toContain('### 😴 pr-env: environment asleep for #51');
    expect(body).toContain('**Environment**: 😴 **asleep**: no web instances, database stopping');
    expect(body).toContain('asleep **$0.1016/h** ($2.44/day) ← now');
    expect(body).toContain('**Command**: [`/pr-env sleep`]');
  });

  it('/pr-env extend keeps a sleeping environment asleep', async () => {
    const before = stack()?.tags['pr-env:expires-at'];
    const { run, reactions } = await say('/pr-env extend 24');
    expect(errors(run)).toEqual([]);
    expect(reactions).toEqual(['+1']);
    expect(stack()?.tags['pr-env:expires-at']).not.toBe(before);
    expect(stack()?.tags['pr-env:state']).toBe('asleep');
    expect(capacity()).toEqual({ MinSize: '0', DesiredCapacity: '0' });
    expect(calls('StartDBCluster')).toEqual([]);
    expect(world.aws.cluster(clusterId)?.status).toBe('stopped');
    expect(sticky()).toContain('**asleep**');
  });

  it('/pr-env wake starts the database, waits for it, then restores the capacity', async () => {
    const { run, reactions } = await say('/pr-env wake');
    expect(errors(run)).toEqual([]);
    expect(reactions).toEqual(['+1']);
    expect(calls('StartDBCluster').map((c) => c.params.DBClusterIdentifier)).toEqual([clusterId]);
    expect(world.aws.cluster(clusterId)?.status).toBe('available');
    // It waited for `available` before asking CloudFormation for the web tier.
    const order = world.aws.calls.map((c) => c.action);
    const start = order.lastIndexOf('StartDBCluster');
    const described = order.indexOf('DescribeDBClusters', start);
    expect(described).toBeGreaterThan(start);
    expect(order.lastIndexOf('ExecuteChangeSet')).toBeGreaterThan(described);

    expect(capacity()).toEqual({ MinSize: '1', DesiredCapacity: '1' });
    expect(stack()?.tags).not.toHaveProperty('pr-env:state');
    expect(stack()?.tags).not.toHaveProperty('pr-env:awake-capacity');
    expect(Date.parse(stack()?.tags['pr-env:active-at'] ?? '')).toBeGreaterThan(
      Date.now() - 60_000,
    );
    const body = sticky();
    expect(body).toContain('### ☀️ pr-env: environment awake for #51');
    expect(body).toContain('**Environment**: ☀️ **awake**');
    expect(body).toMatch(/\*\*URL\*\* \| http:\/\/.+elb\.amazonaws\.com/);
  });

  it('a push wakes a sleeping environment and deploys the new head', async () => {
    expect((await say('/pr-env sleep')).reactions).toEqual(['+1']);
    await settle();
    expect(world.aws.cluster(clusterId)?.status).toBe('stopped');
    const run = await pullRequestRun(world, {
      pr: PR,
      action: 'synchronize',
      head: 511,
      inputs: INPUTS,
    });
    expect(errors(run)).toEqual([]);
    expect(run.stdout).toContain('is asleep: waking it for this deploy');
    expect(world.aws.cluster(clusterId)?.status).toBe('available');
    expect(calls('StartDBCluster')).toHaveLength(2);
    expect(capacity()).toEqual({ MinSize: '1', DesiredCapacity: '1' });
    expect(stack()?.parameters.AppVersion).toBe(sha(511));
    expect(stack()?.tags).not.toHaveProperty('pr-env:state');
    expect(sticky()).toContain('✅ pr-env: environment ready for #51');
    expect(sticky()).toContain('**awake**');
  });

  it('the next run reports a wake a visit caused, once', async () => {
    world.aws.setStackTags(STACK, { 'pr-env:woke-on-visit': '2026-12-03T16:00:00Z' });
    const push = (head: number) =>
      pullRequestRun(world, { pr: PR, action: 'synchronize', head, inputs: INPUTS });
    expect(errors(await push(512))).toEqual([]);
    expect(sticky()).toContain('| **Woken** | by a visit to its URL at 2026-12-03T16:00:00Z |');
    // The action's update writes its own tags: the record of the visit is gone.
    expect(stack()?.tags).not.toHaveProperty('pr-env:woke-on-visit');
    expect(errors(await push(513))).toEqual([]);
    expect(sticky()).not.toContain('**Woken**');
  });

  it('refuses to stop a cluster whose tags do not name this stack, changing nothing', async () => {
    const cluster = world.aws.cluster(clusterId)!;
    const real = cluster.tags['aws:cloudformation:stack-id']!;
    cluster.tags['aws:cloudformation:stack-id'] = real.replace(STACK, 'someone-elses-stack');
    const stops = calls('StopDBCluster').length;
    const executions = calls('ExecuteChangeSet').length;
    const { run, reactions } = await say('/pr-env sleep');
    cluster.tags['aws:cloudformation:stack-id'] = real;
    expect(run.exitCode).toBe(1);
    expect(reactions).toEqual(['-1']);
    expect(errors(run).join('\n')).toMatch(
      new RegExp(
        `DB cluster "${clusterId}" is not stopped or started: its tags name the stack ".*someone-elses-stack`,
      ),
    );
    expect(calls('StopDBCluster')).toHaveLength(stops);
    expect(calls('ExecuteChangeSet')).toHaveLength(executions);
    expect(capacity()).toEqual({ MinSize: '1', DesiredCapacity: '1' });
    expect(world.aws.cluster(clusterId)?.status).toBe('available');
    expect(sticky()).toContain('❌ pr-env: sleep failed for #51');
  });
});
