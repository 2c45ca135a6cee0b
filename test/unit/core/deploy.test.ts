import {
  type Change,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  ExecuteChangeSetCommand,
  type Stack,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { assertOwnedBy, outputsOf, parametersOf, tagsOf } from '../../../src/stack/describe.js';
import { deployStack, type DeployPlan, type DeployRequest } from '../../../src/stack/deploy.js';
import { destroyStack } from '../../../src/stack/destroy.js';
import { StackOperationError, type StackTarget } from '../../../src/stack/target.js';
import { FakeCloudFormation } from './fake-cloudformation.js';
import {
  fakeClock,
  ownerTags,
  PR,
  REPOSITORY,
  stack,
  STACK_NAME,
  target,
  type FakeClock,
} from './helpers.js';

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";

let clock: FakeClock;
let world: FakeCloudFormation;
let t: StackTarget;
let plan: ReturnType<typeof vi.fn<(existing: Stack | undefined) => Promise<DeployPlan>>>;
let request: DeployRequest;

beforeEach(() => {
  clock = fakeClock();
  world = new FakeCloudFormation(clock);
  t = target(world.client, clock, { roleArn: 'arn:aws:iam::123456789012:role/cfn' });
  plan = vi.fn(async () => ({
    template: { TemplateBody: '{"Resources":{}}' },
    parameters: [{ ParameterKey: 'EnvironmentName', ParameterValue: STACK_NAME }],
    tags: ownerTags(),
  }));
  request = { plan };
});

const createInputs = () => world.inputs(CreateChangeSetCommand);
const executeInputs = () => world.inputs(ExecuteChangeSetCommand);
const deleteInputs = () => world.inputs(DeleteStackCommand);

async function failure(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(result instanceof Error)) throw new Error('expected a rejection');
  return result;
}

describe('deployStack: create', () => {
  it('creates through a CREATE change set, executes it with a token and follows its events', async () => {
    world.execute = {
      final: 'CREATE_COMPLETE',
      resources: [
        { id: 'Vpc', status: 'CREATE_IN_PROGRESS' },
        { id: 'Vpc', status: 'CREATE_COMPLETE' },
      ],
    };
    const seen: string[] = [];
    t.onEvent = (e) => seen.push(`${e.LogicalResourceId}:${e.ResourceStatus}`);

    const outcome = await deployStack(t, request);

    expect(plan).toHaveBeenCalledExactlyOnceWith(undefined);
    expect(world.mutations()).toEqual(['CreateChangeSet', 'ExecuteChangeSet']);
    const [created] = createInputs();
    expect(created).toMatchObject({
      StackName: STACK_NAME,
      ChangeSetType: 'CREATE',
      TemplateBody: '{"Resources":{}}',
      RoleARN: 'arn:aws:iam::123456789012:role/cfn',
      Tags: ownerTags(),
      Description: `pr-env create for ${REPOSITORY}#${PR}`,
    });
    expect(created!.ChangeSetName).toMatch(/^pr-env-changeset-4242-1-[0-9a-f]{8}$/);

    const [executed] = executeInputs();
    const token = executed!.ClientRequestToken!;
    expect(token).toMatch(/^pr-env-create-4242-1-[0-9a-f]{8}$/);
    expect(executed!.StackName).toBe(outcome.stack?.StackId);

    expect(outcome.operation).toBe('create');
    expect(outcome.stack?.StackStatus).toBe('CREATE_COMPLETE');
    expect(outcome.changes).toHaveLength(1);
    expect(outcome.events.every((e) => e.ClientRequestToken === token)).toBe(true);
    expect(seen).toEqual([
      `${STACK_NAME}:CREATE_IN_PROGRESS`,
      'Vpc:CREATE_IN_PROGRESS',
      'Vpc:CREATE_COMPLETE',
      `${STACK_NAME}:CREATE_COMPLETE`,
    ]);
  });

  it('uses fresh names and tokens on every run', async () => {
    await deployStack(t, request);
    world.execute = { final: 'UPDATE_COMPLETE' };
    await deployStack(t, request);
    const [a, b] = createInputs();
    expect(a!.ChangeSetName).not.toBe(b!.ChangeSetName);
    const [x, y] = executeInputs();
    expect(x!.ClientRequestToken).not.toBe(y!.ClientRequestToken);
  });

  it('fails with the root cause when the create rolls back', async () => {
    world.execute = {
      final: 'ROLLBACK_COMPLETE',
      resources: [
        {
          id: 'Database',
          status: 'CREATE_FAILED',
          type: 'AWS::RDS::DBCluster',
          reason: 'Snapshot not found',
        },
        { id: 'Web', status: 'CREATE_FAILED', reason: 'Resource creation cancelled' },
      ],
    };
    const error = await failure(deployStack(t, request));
    expect(error).toBeInstanceOf(StackOperationError);
    expect(error.message).toBe(
      `Stack "${STACK_NAME}" create failed with status ROLLBACK_COMPLETE: Database (AWS::RDS::DBCluster) CREATE_FAILED: Snapshot not found`,
    );
    expect((error as StackOperationError).stackId).toBe(executeInputs()[0]!.StackName);
  });

  it('deletes the REVIEW_IN_PROGRESS stack a failed CREATE change set leaves behind', async () => {
    world.changeSet = {
      status: 'FAILED',
      reason: 'Template format error: Unresolved resource dependencies [Foo]',
    };
    const error = await failure(deployStack(t, request));
    expect(error.message).toBe(
      `Change set for stack "${STACK_NAME}" failed: Template format error: Unresolved resource dependencies [Foo]`,
    );
    expect(world.mutations()).toEqual(['CreateChangeSet', 'DeleteStack']);
    const reviewStack = [...world.stacks.values()][0]!;
    expect(deleteInputs()[0]).toMatchObject({ StackName: reviewStack.StackId });
    expect(deleteInputs()[0]!.ClientRequestToken).toMatch(/^pr-env-delete-/);
    expect(world.live()).toBeUndefined();
  });

  it('deletes the empty stack when the review stops a create', async () => {
    request.review = () => {
      throw new Error('stopped by review');
    };
    await expect(deployStack(t, request)).rejects.toThrow('stopped by review');
    expect(world.mutations()).toEqual(['CreateChangeSet', 'DeleteStack']);
    expect(world.live()).toBeUndefined();
  });
});

describe('deployStack: update', () => {
  it('updates an existing stack through an UPDATE change set, passing it to the plan', async () => {
    const existing = world.seed('UPDATE_ROLLBACK_COMPLETE', {
      Parameters: [{ ParameterKey: 'DBSnapshotIdentifier', ParameterValue: 'snap-1' }],
    });
    world.execute = {
      final: 'UPDATE_COMPLETE',
      resources: [
        { id: 'Web', status: 'UPDATE_IN_PROGRESS' },
        { id: 'Web', status: 'UPDATE_COMPLETE' },
        { id: STACK_NAME, status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' },
      ],
    };
    const outcome = await deployStack(t, request);

    expect(plan.mock.calls[0]![0]).toMatchObject({
      StackId: existing.StackId,
      StackStatus: 'UPDATE_ROLLBACK_COMPLETE',
    });
    expect(parametersOf(plan.mock.calls[0]![0]!)).toEqual({ DBSnapshotIdentifier: 'snap-1' });
    expect(createInputs()[0]).toMatchObject({ ChangeSetType: 'UPDATE', StackName: STACK_NAME });
    expect(executeInputs()[0]!.ClientRequestToken).toMatch(/^pr-env-update-4242-1-/);
    expect(outcome).toMatchObject({
      operation: 'update',
      stack: { StackStatus: 'UPDATE_COMPLETE' },
    });
    expect(outcome.events.map((e) => e.ResourceStatus)).toEqual([
      'UPDATE_IN_PROGRESS',
      'UPDATE_IN_PROGRESS',
      'UPDATE_COMPLETE',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'UPDATE_COMPLETE',
    ]);
  });

  it('fails an update that rolls back, with the root cause', async () => {
    world.seed('CREATE_COMPLETE');
    world.execute = {
      final: 'UPDATE_ROLLBACK_COMPLETE',
      resources: [{ id: 'Web', status: 'UPDATE_FAILED', reason: 'Invalid AMI' }],
    };
    await expect(deployStack(t, request)).rejects.toThrow(
      `Stack "${STACK_NAME}" update failed with status UPDATE_ROLLBACK_COMPLETE: Web (AWS::EC2::Instance) UPDATE_FAILED: Invalid AMI`,
    );
  });

  it('treats an empty change set as success: operation none, change set deleted and awaited', async () => {
    const existing = world.seed('UPDATE_COMPLETE');
    world.changeSet = { status: 'FAILED', reason: NO_CHANGES };
    let deleted = false;
    world.mock.on(DeleteChangeSetCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      deleted = true;
      return {};
    });

    const outcome = await deployStack(t, request);

    expect(deleted).toBe(true);
    expect(outcome).toEqual({
      operation: 'none',
      stack: expect.objectContaining({ StackId: existing.StackId }),
      events: [],
      changes: [],
    });
    const [removed] = world.inputs(DeleteChangeSetCommand);
    expect(removed!.ChangeSetName).toMatch(/changeSet\/pr-env-changeset-/);
    expect(removed!.StackName).toBe(existing.StackId);
    expect(world.mutations()).not.toContain('ExecuteChangeSet');
    expect(world.mutations()).not.toContain('DeleteStack');
  });

  it('deletes only the change set, never the stack, when an UPDATE change set fails', async () => {
    world.seed('CREATE_COMPLETE');
    world.changeSet = { status: 'FAILED', reason: 'Parameter ImageId does not exist' };
    await expect(deployStack(t, request)).rejects.toThrow(
      'failed: Parameter ImageId does not exist',
    );
    expect(world.mutations()).toEqual(['CreateChangeSet', 'DeleteChangeSet']);
    expect(world.live()?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('discards the change set when the review stops an update', async () => {
    world.seed('CREATE_COMPLETE');
    const review = vi.fn((_changes: Change[], _existing: Stack | undefined): void => {
      throw new Error('would replace the database');
    });
    await expect(deployStack(t, { plan, review })).rejects.toThrow('would replace the database');
    expect(review).toHaveBeenCalledOnce();
    expect(review.mock.calls[0]![0]).toHaveLength(1);
    expect(world.mutations()).toEqual(['CreateChangeSet', 'DeleteChangeSet']);
  });
});

describe('deployStack: recovering the stack first', () => {
  it.each(['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS', 'ROLLBACK_FAILED', 'DELETE_FAILED'])(
    'deletes a %s stack, then creates it anew',
    async (status) => {
      const broken = world.seed(status);
      const outcome = await deployStack(t, request);
      expect(world.mutations()).toEqual(['DeleteStack', 'CreateChangeSet', 'ExecuteChangeSet']);
      expect(deleteInputs()[0]).toMatchObject({ StackName: broken.StackId, RoleARN: t.roleArn });
      expect(world.stacks.get(broken.StackId!)?.StackStatus).toBe('DELETE_COMPLETE');
      expect(plan).toHaveBeenCalledWith(undefined);
      expect(createInputs()[0]!.ChangeSetType).toBe('CREATE');
      expect(outcome.operation).toBe('create');
      expect(outcome.stack?.StackId).not.toBe(broken.StackId);
    },
  );

  it('does not create when the stack that blocks it cannot be deleted', async () => {
    world.seed('ROLLBACK_COMPLETE');
    world.deletes = [{ final: 'DELETE_FAILED' }];
    await expect(deployStack(t, request)).rejects.toThrow(
      `Stack "${STACK_NAME}" delete failed with status DELETE_FAILED`,
    );
    expect(world.mutations()).toEqual(['DeleteStack', 'DeleteStack']);
    expect(plan).not.toHaveBeenCalled();
  });

  it('continues the rollback of an UPDATE_ROLLBACK_FAILED stack, then updates it', async () => {
    const stuck = world.seed('UPDATE_ROLLBACK_FAILED');
    world.execute = { final: 'UPDATE_COMPLETE' };
    const outcome = await deployStack(t, request);
    expect(world.mutations()).toEqual([
      'ContinueUpdateRollback',
      'CreateChangeSet',
      'ExecuteChangeSet',
    ]);
    const [rollback] = world.inputs(ContinueUpdateRollbackCommand);
    expect(rollback).toMatchObject({ StackName: stuck.StackId, RoleARN: t.roleArn });
    expect(rollback!.ClientRequestToken).toMatch(/^pr-env-rollback-4242-1-/);
    expect(createInputs()[0]!.ChangeSetType).toBe('UPDATE');
    expect(outcome.operation).toBe('update');
  });

  it('stops when continuing the rollback fails', async () => {
    world.seed('UPDATE_ROLLBACK_FAILED');
    world.rollback = {
      final: 'UPDATE_ROLLBACK_FAILED',
      resources: [{ id: 'Database', status: 'UPDATE_FAILED', reason: 'cannot restore' }],
    };
    await expect(deployStack(t, request)).rejects.toThrow(
      `Stack "${STACK_NAME}" rollback failed with status UPDATE_ROLLBACK_FAILED: Database (AWS::EC2::Instance) UPDATE_FAILED: cannot restore`,
    );
    expect(world.mutations()).toEqual(['ContinueUpdateRollback']);
  });

  it.each([
    'UPDATE_IN_PROGRESS',
    'CREATE_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  ])('waits for a %s stack to settle before touching it', async (status) => {
    world.seed(status);
    const start = clock.now();
    world.scheduled = [{ at: start + 20_000, status: 'UPDATE_COMPLETE' }];
    world.execute = { final: 'UPDATE_COMPLETE' };
    const outcome = await deployStack(t, request);
    expect(world.timeOf('CreateChangeSet')).toBeGreaterThanOrEqual(start + 20_000);
    expect(clock.sleeps.length).toBeGreaterThan(1);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(t.poll.slowMs);
    expect(outcome.operation).toBe('update');
  });

  it('creates when the stack it waited for turns out deleted', async () => {
    world.seed('DELETE_IN_PROGRESS');
    world.scheduled = [{ at: clock.now() + 3000, status: 'DELETE_COMPLETE' }];
    const outcome = await deployStack(t, request);
    expect(outcome.operation).toBe('create');
    expect(world.mutations()).toEqual(['CreateChangeSet', 'ExecuteChangeSet']);
  });

  it('gives up waiting at the deadline without touching the stack', async () => {
    world.seed('CREATE_IN_PROGRESS');
    const error = await failure(deployStack(t, request));
    expect(error).toBeInstanceOf(StackOperationError);
    expect(error.message).toContain('still CREATE_IN_PROGRESS (timed out)');
    expect(clock.now()).toBe(t.deadline);
    expect(world.mutations()).toEqual([]);
  });
});

describe('the ownership guard', () => {
  it.each([
    ['no tags', [], 'pr-env:repository=(missing), pr-env:pull-request=(missing)'],
    [
      'another PR',
      ownerTags(REPOSITORY, 8),
      `pr-env:repository="${REPOSITORY}", pr-env:pull-request="8"`,
    ],
    [
      'another repository',
      ownerTags('other/shop', PR),
      'pr-env:repository="other/shop", pr-env:pull-request="7"',
    ],
  ])('refuses to deploy over a stack with %s, and changes nothing', async (_, tags, found) => {
    world.seed('CREATE_COMPLETE', { Tags: tags });
    await expect(deployStack(t, request)).rejects.toThrow(
      `Stack "${STACK_NAME}" was not created by pr-env for ${REPOSITORY}#${PR}: its tags are ${found}. It is left untouched`,
    );
    expect(world.mutations()).toEqual([]);
    expect(plan).not.toHaveBeenCalled();
  });

  it.each(['ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'REVIEW_IN_PROGRESS', 'DELETE_FAILED'])(
    'does not recover a foreign %s stack',
    async (status) => {
      world.seed(status, { Tags: [{ Key: 'team', Value: 'data' }] });
      await expect(deployStack(t, request)).rejects.toThrow('was not created by pr-env');
      expect(world.mutations()).toEqual([]);
    },
  );

  it('refuses to destroy a foreign stack', async () => {
    world.seed('CREATE_COMPLETE', { Tags: ownerTags(REPOSITORY, 70) });
    await expect(destroyStack(t)).rejects.toThrow('was not created by pr-env');
    expect(world.mutations()).toEqual([]);
  });

  it('accepts the owning stack whatever other tags it has', () => {
    const owned = stack('CREATE_COMPLETE', { Tags: [{ Key: 'team', Value: 'x' }, ...ownerTags()] });
    expect(() => assertOwnedBy(owned, { repository: REPOSITORY, pr: PR })).not.toThrow();
    expect(() => assertOwnedBy(owned, { repository: REPOSITORY.toUpperCase(), pr: PR })).toThrow();
  });
});

describe('destroyStack', () => {
  it('does nothing when there is no stack', async () => {
    await expect(destroyStack(t)).resolves.toEqual({
      operation: 'none',
      status: 'DELETE_COMPLETE',
    });
    expect(world.mutations()).toEqual([]);
  });

  it('deletes the stack by ID with a token and the role, and waits for it to be gone', async () => {
    const existing = world.seed('UPDATE_COMPLETE');
    await expect(destroyStack(t)).resolves.toEqual({
      operation: 'delete',
      status: 'DELETE_COMPLETE',
      stackId: existing.StackId,
    });
    const [deleted] = deleteInputs();
    expect(deleted).toMatchObject({ StackName: existing.StackId, RoleARN: t.roleArn });
    expect(deleted!.ClientRequestToken).toMatch(/^pr-env-delete-4242-1-[0-9a-f]{8}$/);
    expect(world.live()).toBeUndefined();
  });

  it.each(['DELETE_FAILED', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_FAILED', 'REVIEW_IN_PROGRESS'])(
    'deletes a %s stack',
    async (status) => {
      world.seed(status);
      await expect(destroyStack(t)).resolves.toMatchObject({
        operation: 'delete',
        status: 'DELETE_COMPLETE',
      });
      expect(world.mutations()).toEqual(['DeleteStack']);
    },
  );

  it('waits out an operation in progress before deleting', async () => {
    world.seed('UPDATE_IN_PROGRESS');
    const start = clock.now();
    world.scheduled = [{ at: start + 8000, status: 'UPDATE_ROLLBACK_COMPLETE' }];
    await destroyStack(t);
    expect(world.timeOf('DeleteStack')).toBeGreaterThanOrEqual(start + 8000);
    expect(world.mutations()).toEqual(['DeleteStack']);
  });

  it('retries a DELETE_FAILED once, and succeeds', async () => {
    world.seed('CREATE_COMPLETE');
    world.deletes = [{ final: 'DELETE_FAILED' }, { final: 'DELETE_COMPLETE' }];
    await expect(destroyStack(t)).resolves.toMatchObject({
      operation: 'delete',
      status: 'DELETE_COMPLETE',
    });
    const tokens = deleteInputs().map((d) => d.ClientRequestToken);
    expect(tokens).toHaveLength(2);
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('gives up after the retry, listing what is still there and billing', async () => {
    world.seed('CREATE_COMPLETE');
    world.deletes = [
      {
        final: 'DELETE_FAILED',
        resources: [{ id: 'Assets', status: 'DELETE_FAILED', reason: 'bucket not empty' }],
      },
    ];
    world.remaining = [
      {
        LogicalResourceId: 'Assets',
        ResourceType: 'AWS::S3::Bucket',
        PhysicalResourceId: 'shop-pr-7-assets',
        ResourceStatus: 'DELETE_FAILED',
      },
      {
        LogicalResourceId: 'Vpc',
        ResourceType: 'AWS::EC2::VPC',
        PhysicalResourceId: 'vpc-1',
        ResourceStatus: 'DELETE_COMPLETE',
      },
      { LogicalResourceId: 'Ip', ResourceType: 'AWS::EC2::EIP', ResourceStatus: 'DELETE_SKIPPED' },
    ] as StackResource[];
    const error = await failure(destroyStack(t));
    expect(error).toBeInstanceOf(StackOperationError);
    expect(error.message).toBe(
      `Stack "${STACK_NAME}" delete failed with status DELETE_FAILED: Assets (AWS::EC2::Instance) DELETE_FAILED: bucket not empty. ` +
        'Resources still there (and billing): Assets (AWS::S3::Bucket shop-pr-7-assets), Ip (AWS::EC2::EIP)',
    );
    expect(deleteInputs()).toHaveLength(2);
  });
});

describe('describe helpers', () => {
  it('reads tags, parameters (resolved first) and outputs as maps', () => {
    const s = stack('CREATE_COMPLETE', {
      Parameters: [
        { ParameterKey: 'ImageId', ParameterValue: '/aws/service/ami', ResolvedValue: 'ami-123' },
        { ParameterKey: 'Size', ParameterValue: '2' },
      ],
      Outputs: [{ OutputKey: 'EnvironmentUrl', OutputValue: 'https://x' }],
    });
    expect(tagsOf(s)).toEqual({ 'pr-env:repository': REPOSITORY, 'pr-env:pull-request': '7' });
    expect(parametersOf(s)).toEqual({ ImageId: 'ami-123', Size: '2' });
    expect(outputsOf(s)).toEqual({ EnvironmentUrl: 'https://x' });
    expect(outputsOf(stack('CREATE_COMPLETE'))).toEqual({});
  });
});
