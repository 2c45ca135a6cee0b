import {
  GetCommandInvocationCommand,
  InvalidInstanceId,
  InvocationDoesNotExist,
  SSMClient,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runOnInstance } from '../../../src/scrub/run-command.js';
import { fakeClock } from '../core/helpers.js';

const ssmMock = mockClient(SSMClient);
const ssm = new SSMClient({ region: 'us-east-1' });
const INSTANCE = 'i-0123456789abcdef0';

beforeEach(() => ssmMock.reset());

const request = (clock = fakeClock(), output: string[] = []) => ({
  instanceId: INSTANCE,
  script: 'echo hi',
  comment: 'pr-env scrub of pr-env-shop-pr-7',
  clock,
  deadline: clock.now() + 600_000,
  pollMs: 1000,
  onOutput: (text: string) => output.push(text),
});

describe('runOnInstance', () => {
  it('sends AWS-RunShellScript to the one instance, with the time left as its timeouts', async () => {
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
    ssmMock
      .on(GetCommandInvocationCommand)
      .resolves({ Status: 'Success', ResponseCode: 0, StandardOutputContent: 'done\n' });
    const result = await runOnInstance(ssm, request());
    expect(result).toMatchObject({ commandId: 'c-1', status: 'Success', exitCode: 0 });
    const input = ssmMock.commandCalls(SendCommandCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [INSTANCE],
      TimeoutSeconds: 600,
      Parameters: { commands: ['echo hi'], executionTimeout: ['600'] },
    });
  });

  it('waits for the agent to register (InvalidInstanceId) and for the invocation to exist', async () => {
    ssmMock
      .on(SendCommandCommand)
      .rejectsOnce(
        new InvalidInstanceId({ message: 'Instances not in a valid state', $metadata: {} }),
      )
      .resolves({ Command: { CommandId: 'c-2' } });
    ssmMock
      .on(GetCommandInvocationCommand)
      .rejectsOnce(new InvocationDoesNotExist({ message: '', $metadata: {} }))
      .resolvesOnce({ Status: 'InProgress', ResponseCode: -1, StandardOutputContent: 'step 1\n' })
      .resolves({
        Status: 'Failed',
        ResponseCode: 3,
        StandardOutputContent: 'step 1\nstep 2\n',
        StandardErrorContent: 'ERROR: boom\n',
      });
    const output: string[] = [];
    const result = await runOnInstance(ssm, request(fakeClock(), output));
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(2);
    expect(result).toMatchObject({ status: 'Failed', exitCode: 3, stderr: 'ERROR: boom\n' });
    // Each piece of output once, as it came.
    expect(output).toEqual(['step 1\n', 'step 2\n', 'ERROR: boom\n']);
  });

  it('gives up at the deadline', async () => {
    ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-3' } });
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'InProgress', ResponseCode: -1 });
    const clock = fakeClock();
    const result = await runOnInstance(ssm, { ...request(clock), deadline: clock.now() + 5000 });
    expect(result.status).toBe('Deadline');
    expect(clock.now()).toBeLessThanOrEqual(Date.UTC(2026, 0, 15, 12, 0, 5));
  });

  it('lets any other error through', async () => {
    ssmMock
      .on(SendCommandCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(runOnInstance(ssm, request())).rejects.toThrow('not authorized');
  });
});
