import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  deleteChangeSet,
  executeChangeSet,
  isNoChangeReason,
  prepareChangeSet,
  type ChangeSetRequest,
} from '../../../src/stack/change-set.js';
import { describeStack } from '../../../src/stack/describe.js';
import {
  fakeClock,
  missingStackError,
  stack,
  STACK_NAME,
  stackArn,
  type FakeClock,
} from './helpers.js';

const cfnMock = mockClient(CloudFormationClient);
const cfn = new CloudFormationClient({ region: 'eu-west-1' });
const CHANGE_SET_ID = `arn:aws:cloudformation:eu-west-1:123456789012:changeSet/cs-1/abc`;
const STACK_ID = stackArn();

const baseRequest: ChangeSetRequest = {
  stackName: STACK_NAME,
  type: 'CREATE',
  name: 'pr-env-changeset-1-abcd',
  template: { TemplateBody: '{"Resources":{}}' },
  parameters: [{ ParameterKey: 'EnvironmentName', ParameterValue: STACK_NAME }],
  tags: [{ Key: 'pr-env:repository', Value: 'acme/shop' }],
  roleArn: 'arn:aws:iam::123456789012:role/cfn',
  description: 'pr-env create for acme/shop#7',
};

describe('prepareChangeSet', () => {
  let clock: FakeClock;
  const options = () => ({
    deadline: clock.now() + 60_000,
    poll: { fastMs: 500, nearMs: 1000, slowMs: 4000, readsPerMinute: 0 },
    clock,
  });

  beforeEach(() => {
    cfnMock.reset();
    clock = fakeClock();
    cfnMock.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  });

  it('creates the change set with the template, parameters, tags, role and IAM capabilities', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE', Changes: [] });
    await prepareChangeSet(cfn, baseRequest, options());
    expect(cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input).toEqual({
      StackName: STACK_NAME,
      ChangeSetName: 'pr-env-changeset-1-abcd',
      ChangeSetType: 'CREATE',
      TemplateBody: '{"Resources":{}}',
      Parameters: baseRequest.parameters,
      Tags: baseRequest.tags,
      RoleARN: 'arn:aws:iam::123456789012:role/cfn',
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'],
      Description: 'pr-env create for acme/shop#7',
    });
  });

  it('passes a TemplateURL instead of a body', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_COMPLETE' });
    await prepareChangeSet(
      cfn,
      { ...baseRequest, template: { TemplateURL: 'https://b.s3.amazonaws.com/k' } },
      options(),
    );
    const input = cfnMock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input;
    expect(input.TemplateURL).toBe('https://b.s3.amazonaws.com/k');
    expect(input).not.toHaveProperty('TemplateBody');
  });

  it('waits until the change set is ready, backing off, and collects every page of changes', async () => {
    cfnMock
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: 'CREATE_PENDING' })
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS' })
      .resolvesOnce({ Status: 'CREATE_IN_PROGRESS' })
      .resolvesOnce({
        Status: 'CREATE_COMPLETE',
        Changes: [{ Type: 'Resource', ResourceChange: { LogicalResourceId: 'A' } }],
        NextToken: 'next',
      })
      .resolvesOnce({
        Changes: [{ Type: 'Resource', ResourceChange: { LogicalResourceId: 'B' } }],
      });
    const outcome = await prepareChangeSet(cfn, baseRequest, options());
    expect(outcome).toEqual({
      kind: 'ready',
      id: CHANGE_SET_ID,
      stackId: STACK_ID,
      changes: [
        { Type: 'Resource', ResourceChange: { LogicalResourceId: 'A' } },
        { Type: 'Resource', ResourceChange: { LogicalResourceId: 'B' } },
      ],
    });
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    const describes = cfnMock.commandCalls(DescribeChangeSetCommand).map((c) => c.args[0].input);
    expect(describes).toHaveLength(5);
    expect(describes[0]).not.toHaveProperty('NextToken');
    expect(describes[0]).toMatchObject({ ChangeSetName: CHANGE_SET_ID, StackName: STACK_ID });
    expect(describes[4]).toMatchObject({
      ChangeSetName: CHANGE_SET_ID,
      StackName: STACK_ID,
      NextToken: 'next',
    });
  });

  it('reports an empty change set as empty, not failed', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set.",
    });
    await expect(
      prepareChangeSet(cfn, { ...baseRequest, type: 'UPDATE' }, options()),
    ).resolves.toEqual({
      kind: 'empty',
      id: CHANGE_SET_ID,
      stackId: STACK_ID,
    });
  });

  it('reports a failed change set with its reason', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({
      Status: 'FAILED',
      StatusReason:
        'Parameter validation failed: parameter value foo for parameter name ImageId does not exist',
    });
    await expect(prepareChangeSet(cfn, baseRequest, options())).resolves.toEqual({
      kind: 'failed',
      id: CHANGE_SET_ID,
      stackId: STACK_ID,
      reason:
        'Parameter validation failed: parameter value foo for parameter name ImageId does not exist',
    });
  });

  it('says why creating the change set was refused', async () => {
    cfnMock
      .on(CreateChangeSetCommand)
      .rejects(new Error('Template format error: Unresolved resource dependencies'));
    await expect(prepareChangeSet(cfn, baseRequest, options())).rejects.toThrow(
      `Could not create change set for stack "${STACK_NAME}": Template format error: Unresolved resource dependencies`,
    );
    expect(cfnMock.commandCalls(DescribeChangeSetCommand)).toHaveLength(0);
  });

  it('gives up at the deadline, naming the change set and its last status', async () => {
    cfnMock.on(DescribeChangeSetCommand).resolves({ Status: 'CREATE_IN_PROGRESS' });
    await expect(prepareChangeSet(cfn, baseRequest, options())).rejects.toThrow(
      `Timed out waiting for change set "pr-env-changeset-1-abcd" of stack "${STACK_NAME}": its last status was CREATE_IN_PROGRESS`,
    );
    expect(Math.max(...clock.sleeps)).toBe(4000);
  });
});

describe('isNoChangeReason', () => {
  it('knows both ways CloudFormation says there is nothing to do', () => {
    expect(
      isNoChangeReason(
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      ),
    ).toBe(true);
    expect(isNoChangeReason('No updates are to be performed.')).toBe(true);
    expect(isNoChangeReason('Template error: unresolved')).toBe(false);
    expect(isNoChangeReason(undefined)).toBe(false);
  });
});

describe('executeChangeSet / deleteChangeSet / describeStack', () => {
  beforeEach(() => cfnMock.reset());

  it('executes with the operation token', async () => {
    cfnMock.on(ExecuteChangeSetCommand).resolves({});
    await executeChangeSet(cfn, { id: CHANGE_SET_ID, stackId: STACK_ID }, 'tok-1');
    expect(cfnMock.commandCalls(ExecuteChangeSetCommand)[0]!.args[0].input).toEqual({
      ChangeSetName: CHANGE_SET_ID,
      StackName: STACK_ID,
      ClientRequestToken: 'tok-1',
    });
  });

  it('deletes by ID', async () => {
    cfnMock.on(DeleteChangeSetCommand).resolves({});
    await deleteChangeSet(cfn, { id: CHANGE_SET_ID, stackId: STACK_ID });
    expect(cfnMock.commandCalls(DeleteChangeSetCommand)[0]!.args[0].input).toEqual({
      ChangeSetName: CHANGE_SET_ID,
      StackName: STACK_ID,
    });
  });

  it('describes a stack', async () => {
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    await expect(describeStack(cfn, STACK_NAME)).resolves.toMatchObject({
      StackStatus: 'UPDATE_COMPLETE',
    });
  });

  it('returns undefined for a stack that does not exist', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(missingStackError(STACK_NAME));
    await expect(describeStack(cfn, STACK_NAME)).resolves.toBeUndefined();
  });

  it('wraps any other error, naming the stack', async () => {
    const denied = Object.assign(
      new Error('not authorized to perform: cloudformation:DescribeStacks'),
      {
        name: 'AccessDenied',
      },
    );
    cfnMock.on(DescribeStacksCommand).rejects(denied);
    await expect(describeStack(cfn, STACK_NAME)).rejects.toThrow(
      `Could not describe stack "${STACK_NAME}": not authorized to perform`,
    );
    // A ValidationError about something else is not a missing stack.
    cfnMock.reset();
    cfnMock
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('1 validation error detected'), { name: 'ValidationError' }),
      );
    await expect(describeStack(cfn, STACK_NAME)).rejects.toThrow('Could not describe stack');
  });
});
