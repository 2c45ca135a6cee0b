// Production in its own account, end to end: the environments live in this (sandbox) account and
// restore the newest snapshot production shares with it, never a same-named cluster's of this or
// a third account; a snapshot whose key this account may not use stops the deploy before any
// stack call; a clone across accounts works once the cluster is shared, and says what to share
// when it is not.
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

const PRODUCTION = '111122223333';
const THIRD = '444455556666';
const HOURS = 3_600_000;
const PRODUCTION_CLUSTER = `arn:aws:rds:us-east-1:${PRODUCTION}:cluster:${CLUSTER}`;

let sharedKey: string;
let lockedKey: string;

beforeAll(async () => {
  world = await startWorld();
  const sandbox = world.aws.accountId;
  sharedKey = world.aws.addKmsKey({ account: PRODUCTION, usableBy: [sandbox] }).arn;
  lockedKey = world.aws.addKmsKey({ account: PRODUCTION }).arn;
  const shared = { ownerAccount: PRODUCTION, sharedWith: [sandbox], type: 'manual' as const };
  // What production shares: the copy to restore, an older one, and the newest, still copying.
  world.aws.addSnapshot({
    ...shared,
    cluster: CLUSTER,
    id: 'pr-env-share-prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 5 * HOURS),
    kmsKeyId: sharedKey,
  });
  world.aws.addSnapshot({
    ...shared,
    cluster: CLUSTER,
    id: 'pr-env-share-prod-db-2026-11-21-03-00',
    createdAt: new Date(Date.now() - 29 * HOURS),
    kmsKeyId: sharedKey,
  });
  world.aws.addSnapshot({
    ...shared,
    cluster: CLUSTER,
    id: 'pr-env-share-prod-db-2026-11-22-07-00',
    status: 'copying',
    createdAt: new Date(Date.now() - HOURS),
    kmsKeyId: sharedKey,
  });
  // Newer, but not production: a cluster of the same name in this account, and in a third one
  // that shares its snapshots too; and one of production's that it never shared.
  world.aws.addSnapshot({ cluster: CLUSTER, id: 'rds:prod-db-2026-11-22-08-00' });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'third-party-prod-db',
    ownerAccount: THIRD,
    sharedWith: [sandbox],
    type: 'manual',
    createdAt: new Date(Date.now() - 30 * 60_000),
  });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'not-shared-prod-db',
    ownerAccount: PRODUCTION,
    type: 'manual',
    createdAt: new Date(Date.now() - 10 * 60_000),
  });
});
afterAll(async () => world?.stop());

const opened = (pr: number) =>
  pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
const stackCalls = (pr: number) =>
  world.aws.mutatingCalls().filter((c) => String(c.params.StackName ?? '').includes(stackOf(pr)));

describe('production in its own account', () => {
  it('restores the newest available snapshot production shares, and says where it came from', async () => {
    const pr = 61;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr),
      inputs: { 'source-db-cluster': PRODUCTION_CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs).toMatchObject({ operation: 'create', status: 'CREATE_COMPLETE' });
    const restored = `arn:aws:rds:us-east-1:${PRODUCTION}:cluster-snapshot:pr-env-share-prod-db-2026-11-22-03-00`;
    expect(run.outputs['snapshot-arn']).toBe(restored);
    expect(world.aws.stack(stackOf(pr))?.parameters.DBSnapshotIdentifier).toBe(restored);
    // The key was checked before anything was created.
    const kmsCall = world.aws.calls.find((c) => c.action === 'DescribeKey');
    expect(kmsCall?.params).toEqual({ KeyId: sharedKey });
    const [comment] = world.gh.comments(OWNER, REPO, pr);
    expect(comment?.body).toContain(
      '`pr-env-share-prod-db-2026-11-22-03-00` (the newest available snapshot, shared by account 111122223333, taken 5.0 h ago)',
    );
  });

  it('keeps that snapshot on a push', async () => {
    const pr = 61;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: pr,
        headSha: sha(99),
      }),
      inputs: { 'source-db-cluster': PRODUCTION_CLUSTER },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('update');
    expect(run.outputs['snapshot-arn']).toMatch(
      /:111122223333:cluster-snapshot:pr-env-share-prod-db-2026-11-22-03-00$/,
    );
    expect(world.gh.comments(OWNER, REPO, pr)[0]?.body).toContain(
      'kept from the environment’s creation, shared by account 111122223333',
    );
  });

  it('stops before any stack call when the snapshot is encrypted with a key this account may not use', async () => {
    const pr = 62;
    world.aws.addSnapshot({
      cluster: CLUSTER,
      id: 'pr-env-share-prod-db-locked',
      ownerAccount: PRODUCTION,
      sharedWith: [world.aws.accountId],
      type: 'manual',
      createdAt: new Date(Date.now() - 2 * 60_000),
      kmsKeyId: lockedKey,
    });
    const before = world.aws.mutatingCalls().length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr),
      inputs: { 'source-db-cluster': PRODUCTION_CLUSTER },
    });
    expect(run.exitCode).toBe(1);
    const error = errors(run).join('\n');
    expect(error).toContain(
      `Snapshot "pr-env-share-prod-db-locked", shared by account 111122223333, is encrypted with KMS key ${lockedKey}: this account may not use it`,
    );
    expect(world.aws.mutatingCalls().length).toBe(before);
    expect(stackCalls(pr)).toEqual([]);
  });
});

describe('a clone across accounts', () => {
  it('clones production’s cluster once it is shared through RAM with a key this account may use', async () => {
    const source = world.aws.addCluster({
      id: 'orders-db',
      ownerAccount: PRODUCTION,
      sharedWith: [world.aws.accountId],
      kmsKeyId: sharedKey,
    });
    const pr = 63;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr),
      inputs: { 'source-db-cluster': source.arn, 'data-source': 'clone' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('create');
    expect(world.aws.stack(stackOf(pr))?.parameters.DBCloneSourceCluster).toBe(source.arn);
    expect(world.gh.comments(OWNER, REPO, pr)[0]?.body).toContain(
      'Aurora clone of `orders-db` of account 111122223333',
    );
  });

  it('says what production must share when its cluster is not shared, and creates nothing', async () => {
    const pr = 64;
    const before = world.aws.mutatingCalls().length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: opened(pr),
      inputs: {
        'source-db-cluster': `arn:aws:rds:us-east-1:${PRODUCTION}:cluster:billing-db`,
        'data-source': 'clone',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toMatch(
      /Cannot clone "billing-db" \(source-db-cluster\) of account 111122223333: it is not shared with this account; the production account must share the cluster with this account through AWS RAM/,
    );
    expect(world.aws.mutatingCalls().length).toBe(before);
  });
});
