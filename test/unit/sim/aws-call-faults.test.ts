import {
  CloudFormationClient,
  CreateChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeDBClusterSnapshotsCommand } from '@aws-sdk/client-rds';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AwsSimulator } from '../../sim/aws/index.js';
import { clientConfig, sdkClients } from '../../sim/aws/clients.js';

let sim: AwsSimulator;

beforeAll(async () => {
  sim = await AwsSimulator.start({ resourceDelayMs: 5 });
  sim.seedStack({ name: 'env', status: 'CREATE_COMPLETE', tags: { pr: '3' } });
});
afterEach(() => {
  sim.clearFaults();
  sim.clearCalls();
});
afterAll(() => sim.stop());

describe('throttling', () => {
  it('answers with the real Throttling error shape', async () => {
    sim.throttle({ rate: 1, actions: /^Describe/ });
    const { cloudformation, rds } = sdkClients(sim, { maxAttempts: 1 });
    const error = await cloudformation
      .send(new DescribeStacksCommand({ StackName: 'env' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'Throttling',
      message: 'Rate exceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(rds.send(new DescribeDBClusterSnapshotsCommand({}))).rejects.toMatchObject({
      name: 'Throttling',
    });
    // Calls that do not match the pattern are served.
    await expect(cloudformation.send(new ListStacksCommand({}))).resolves.toBeDefined();
    expect(sim.calls.map((c) => [c.action, c.throttled ?? false])).toEqual([
      ['DescribeStacks', true],
      ['DescribeDBClusterSnapshots', true],
      ['ListStacks', false],
    ]);
    cloudformation.destroy();
    rds.destroy();
  });

  it('throttles a seeded fraction of calls, which SDK retries absorb', async () => {
    sim.throttle({ rate: 0.3, actions: /^DescribeStackEvents$/, seed: 42 });
    const client = new CloudFormationClient({
      ...clientConfig(sim),
      maxAttempts: 10,
      retryMode: 'standard',
    });
    for (let i = 0; i < 6; i++)
      await client.send(new DescribeStackEventsCommand({ StackName: 'env' }));
    const throttled = sim.calls.filter((c) => c.throttled).length;
    expect(throttled).toBeGreaterThan(0);
    expect(sim.calls.length).toBe(6 + throttled);
    client.destroy();
  });

  it('rate-limits with a token bucket', async () => {
    sim.rateLimit({ perSecond: 2, burst: 2, actions: /^Describe/ });
    const { cloudformation } = sdkClients(sim, { maxAttempts: 1 });
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => cloudformation.send(new DescribeStacksCommand({ StackName: 'env' }))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 550));
    await expect(
      cloudformation.send(new DescribeStacksCommand({ StackName: 'env' })),
    ).resolves.toBeDefined();
    cloudformation.destroy();
  });
});

describe('hangs', () => {
  it('holds matching calls until released', async () => {
    const release = sim.hang('DescribeStacks');
    const { cloudformation } = sdkClients(sim);
    const pending = cloudformation.send(new DescribeStacksCommand({ StackName: 'env' }));
    const outcome = await Promise.race([
      pending.then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('waiting'), 100)),
    ]);
    expect(outcome).toBe('waiting');
    expect(sim.calls[0]?.action).toBe('DescribeStacks');
    expect(sim.calls[0]?.status).toBeUndefined();
    release();
    expect((await pending).Stacks?.[0]?.StackName).toBe('env');
    cloudformation.destroy();
  });
});

describe('call log', () => {
  it('tells mutating calls from reads', async () => {
    const { cloudformation } = sdkClients(sim);
    await cloudformation.send(new DescribeStacksCommand({ StackName: 'env' }));
    await cloudformation.send(new DescribeStackEventsCommand({ StackName: 'env' }));
    expect(sim.mutatingCalls()).toEqual([]);
    await cloudformation
      .send(
        new CreateChangeSetCommand({
          StackName: 'env',
          ChangeSetName: 'x',
          UsePreviousTemplate: true,
          Parameters: [],
        }),
      )
      .catch(() => undefined);
    expect(sim.mutatingCalls().map((c) => c.action)).toEqual(['CreateChangeSet']);
    expect(sim.mutatingCalls()[0]).toMatchObject({
      service: 'cloudformation',
      params: { StackName: 'env', ChangeSetName: 'x' },
    });
    cloudformation.destroy();
  });
});
