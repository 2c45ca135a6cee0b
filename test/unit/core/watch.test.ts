import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { END_PACE_CAP_MS } from '../../../src/stack/pace.js';
import { expectedResource } from '../../../src/stack/operation-progress.js';
import {
  defaultPollPolicy,
  isThrottling,
  SETTLED_FAST_WINDOW_MS,
  watchOperation,
  WatchTimeoutError,
  type WatchRequest,
} from '../../../src/stack/watch.js';
import {
  event,
  fakeClock,
  missingStackError,
  stack,
  STACK_NAME,
  stackArn,
  type FakeClock,
} from './helpers.js';

const cfnMock = mockClient(CloudFormationClient);
const cfn = new CloudFormationClient({ region: 'eu-west-1' });
const TOKEN = 'pr-env-create-1-abcd1234';
const STACK_ID = stackArn();

/** What each poll sees: its pages, newest event first. A poll's first page has no NextToken. */
function scriptEvents(polls: (StackEvent[][] | Error)[]) {
  let poll = -1;
  cfnMock
    .on(DescribeStackEventsCommand)
    .callsFake((input: { StackName: string; NextToken?: string }) => {
      expect(input.StackName).toBe(STACK_ID);
      if (!input.NextToken) poll += 1;
      const script = polls[Math.min(poll, polls.length - 1)]!;
      if (script instanceof Error) throw script;
      const page = input.NextToken ? Number(input.NextToken) : 0;
      return {
        StackEvents: script[page],
        NextToken: page + 1 < script.length ? String(page + 1) : undefined,
      };
    });
}

function request(
  clock: FakeClock,
  seen: StackEvent[] = [],
  extra: Partial<WatchRequest> = {},
): WatchRequest {
  return {
    stackId: STACK_ID,
    stackName: STACK_NAME,
    token: TOKEN,
    deadline: clock.now() + 60_000,
    poll: { fastMs: 1000, nearMs: 2000, slowMs: 5000, readsPerMinute: 0 },
    clock,
    onEvent: (e) => seen.push(e),
    ...extra,
  };
}

const ids = (events: StackEvent[]) =>
  events.map((e) => `${e.LogicalResourceId}:${e.ResourceStatus}`);

describe('watchOperation', () => {
  let clock: FakeClock;

  beforeEach(() => {
    cfnMock.reset();
    clock = fakeClock();
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_COMPLETE')] });
  });

  it("streams only the operation's events, oldest first, and stops paging at older ones", async () => {
    const older = [
      event({ status: 'UPDATE_COMPLETE', token: 'someone-else' }),
      event({ status: 'UPDATE_IN_PROGRESS', token: 'someone-else' }),
    ];
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN, reason: 'User Initiated' });
    const vpcStart = event({ status: 'CREATE_IN_PROGRESS', id: 'Vpc', token: TOKEN });
    const vpcDone = event({ status: 'CREATE_COMPLETE', id: 'Vpc', token: TOKEN });
    const done = event({ status: 'CREATE_COMPLETE', token: TOKEN });
    scriptEvents([
      // Poll 1: the operation's first event on page 1 ends the read; page 2 is never fetched.
      [[vpcStart, start, ...older], older],
      // Poll 2: the already-seen event ends the read; page 2 is never fetched.
      [[done, vpcDone, vpcStart, start, ...older], older],
    ]);
    const seen: StackEvent[] = [];
    const result = await watchOperation(cfn, request(clock, seen));

    const expected = [
      `${STACK_NAME}:CREATE_IN_PROGRESS`,
      'Vpc:CREATE_IN_PROGRESS',
      'Vpc:CREATE_COMPLETE',
      `${STACK_NAME}:CREATE_COMPLETE`,
    ];
    expect(ids(seen)).toEqual(expected);
    expect(ids(result.events)).toEqual(expected);
    expect(cfnMock.commandCalls(DescribeStackEventsCommand)).toHaveLength(2);
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(result.stack?.StackStatus).toBe('CREATE_COMPLETE');
  });

  it('passes over a newer operation of another run and still sees its own end', async () => {
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN });
    const done = event({ status: 'CREATE_COMPLETE', token: TOKEN });
    // Another run's update began right after this run's create ended, before this run's next poll.
    const theirs = event({ status: 'UPDATE_IN_PROGRESS', token: 'other-run' });
    scriptEvents([[[start]], [[theirs, done, start]]]);
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_IN_PROGRESS')] });
    const result = await watchOperation(cfn, request(clock));
    expect(ids(result.events)).toEqual([
      `${STACK_NAME}:CREATE_IN_PROGRESS`,
      `${STACK_NAME}:CREATE_COMPLETE`,
    ]);
    // The operation's own event says how it ended, whatever the stack is doing by now.
    expect(result.status).toBe('CREATE_COMPLETE');
  });

  it('pages back until the operation’s first event', async () => {
    const e1 = event({ status: 'DELETE_IN_PROGRESS', token: TOKEN });
    const e2 = event({ status: 'DELETE_IN_PROGRESS', id: 'Bucket', token: TOKEN });
    const e3 = event({ status: 'DELETE_COMPLETE', id: 'Bucket', token: TOKEN });
    const e4 = event({ status: 'DELETE_COMPLETE', token: TOKEN });
    const foreign = event({ status: 'CREATE_COMPLETE', token: 'create-token' });
    scriptEvents([[[e4, e3], [e2, e1], [foreign], [event({ status: 'CREATE_IN_PROGRESS' })]]]);
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('DELETE_COMPLETE')] });

    const result = await watchOperation(cfn, request(clock));
    expect(ids(result.events)).toEqual([
      `${STACK_NAME}:DELETE_IN_PROGRESS`,
      'Bucket:DELETE_IN_PROGRESS',
      'Bucket:DELETE_COMPLETE',
      `${STACK_NAME}:DELETE_COMPLETE`,
    ]);
    // Two pages: the second holds the operation's first event; the third is never asked for.
    expect(cfnMock.commandCalls(DescribeStackEventsCommand)).toHaveLength(2);
    expect(result.status).toBe('DELETE_COMPLETE');
  });

  it('reads the final status from the stack, asking by ID', async () => {
    scriptEvents([
      [
        [
          event({ status: 'UPDATE_ROLLBACK_COMPLETE', token: TOKEN }),
          event({ status: 'UPDATE_IN_PROGRESS', token: TOKEN }),
        ],
      ],
    ]);
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_ROLLBACK_COMPLETE')] });
    const result = await watchOperation(cfn, request(clock));
    expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(cfnMock.commandCalls(DescribeStacksCommand)[0]!.args[0].input).toEqual({
      StackName: STACK_ID,
    });
  });

  it('falls back to the terminal event when the stack cannot be described any more', async () => {
    scriptEvents([[[event({ status: 'DELETE_COMPLETE', token: TOKEN })]]]);
    cfnMock.on(DescribeStacksCommand).rejects(missingStackError(STACK_ID));
    const result = await watchOperation(cfn, request(clock));
    expect(result).toMatchObject({ status: 'DELETE_COMPLETE', stack: undefined });
  });

  it('does not end at a cleanup phase, a resource, or a nested stack finishing', async () => {
    const start = event({ status: 'UPDATE_IN_PROGRESS', token: TOKEN });
    const nested = event({
      status: 'UPDATE_COMPLETE',
      id: 'Network',
      type: 'AWS::CloudFormation::Stack',
      token: TOKEN,
    });
    const cleanup = event({ status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', token: TOKEN });
    const done = event({ status: 'UPDATE_COMPLETE', token: TOKEN });
    scriptEvents([[[nested, start]], [[cleanup, nested, start]], [[done, cleanup, nested, start]]]);
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    const result = await watchOperation(cfn, request(clock));
    expect(cfnMock.commandCalls(DescribeStackEventsCommand)).toHaveLength(3);
    expect(cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(result.events).toHaveLength(4);
  });

  it('times out with a WatchTimeoutError naming the stack and its last status', async () => {
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN });
    scriptEvents([[[start]]]);
    const req = request(clock);
    const error = await watchOperation(cfn, req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WatchTimeoutError);
    expect((error as WatchTimeoutError).message).toBe(
      `Timed out waiting for stack "${STACK_NAME}": its last status was CREATE_IN_PROGRESS`,
    );
    expect((error as WatchTimeoutError).events).toEqual([start]);
    // It waited exactly until the deadline, never past it.
    expect(clock.now()).toBe(req.deadline);
    expect(cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('says "unknown" when it timed out before any event arrived', async () => {
    scriptEvents([[[event({ status: 'UPDATE_COMPLETE', token: 'older-run' })]]]);
    await expect(
      watchOperation(cfn, request(clock, [], { deadline: clock.now() + 3000 })),
    ).rejects.toThrow('its last status was unknown');
  });

  it('survives throttling', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    scriptEvents([
      throttled,
      throttled,
      [
        [
          event({ status: 'CREATE_COMPLETE', token: TOKEN }),
          event({ status: 'CREATE_IN_PROGRESS', token: TOKEN }),
        ],
      ],
    ]);
    const result = await watchOperation(cfn, request(clock));
    expect(result.status).toBe('CREATE_COMPLETE');
    expect(cfnMock.commandCalls(DescribeStackEventsCommand)).toHaveLength(3);
  });

  it('backs off after a throttled poll, beyond its usual pace', async () => {
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN });
    const db = event({ status: 'CREATE_IN_PROGRESS', id: 'Database', token: TOKEN });
    const dbDone = event({ status: 'CREATE_COMPLETE', id: 'Database', token: TOKEN });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    const done = event({ status: 'CREATE_COMPLETE', token: TOKEN });
    scriptEvents([[[db, start]], [[dbDone, db, start]], throttled, throttled, [[done, dbDone]]]);
    await watchOperation(cfn, request(clock));
    // Poll 1: the last resource in flight, the near pace. Poll 2: settled, the fast pace. Polls 3
    // and 4 were throttled: slower, and slower again.
    expect(clock.sleeps).toEqual([2000, 1000, 1000, 2000]);
  });

  it('polls again after a server error or a dropped connection, and gives up after ten in a row', async () => {
    const serverError = Object.assign(new Error('Internal failure'), {
      name: 'InternalFailure',
      $fault: 'server',
      $metadata: { httpStatusCode: 500 },
    });
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    scriptEvents([
      serverError,
      reset,
      [
        [
          event({ status: 'CREATE_COMPLETE', token: TOKEN }),
          event({ status: 'CREATE_IN_PROGRESS', token: TOKEN }),
        ],
      ],
    ]);
    await expect(watchOperation(cfn, request(clock))).resolves.toMatchObject({
      status: 'CREATE_COMPLETE',
    });

    cfnMock.reset();
    scriptEvents([serverError]);
    await expect(watchOperation(cfn, request(clock))).rejects.toThrow('Internal failure');
    expect(cfnMock.commandCalls(DescribeStackEventsCommand)).toHaveLength(10);
  });

  it('polls through its own client (no SDK retries) and describes the ended stack through the other', async () => {
    scriptEvents([
      [
        [
          event({ status: 'CREATE_COMPLETE', token: TOKEN }),
          event({ status: 'CREATE_IN_PROGRESS', token: TOKEN }),
        ],
      ],
    ]);
    const polled: string[] = [];
    const pollCfn = {
      send: (command: object) => {
        polled.push(command.constructor.name);
        return cfn.send(command as DescribeStackEventsCommand);
      },
    } as unknown as CloudFormationClient;
    await watchOperation(cfn, request(clock, [], { pollCfn }));
    expect(polled).toEqual(['DescribeStackEventsCommand']);
    expect(cfnMock.commandCalls(DescribeStacksCommand)).toHaveLength(1);
  });

  it('lets any other error through', async () => {
    scriptEvents([Object.assign(new Error('User is not authorized'), { name: 'AccessDenied' })]);
    await expect(watchOperation(cfn, request(clock))).rejects.toThrow('User is not authorized');
  });

  it('polls at the near pace while the last resource is in flight, steadily fast once it settles, widening if the end does not come', async () => {
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN });
    const dbStart = event({ status: 'CREATE_IN_PROGRESS', id: 'Database', token: TOKEN });
    const dbDone = event({ status: 'CREATE_COMPLETE', id: 'Database', token: TOKEN });
    const done = event({ status: 'CREATE_COMPLETE', token: TOKEN });
    scriptEvents([
      [[dbStart, start]],
      [[dbStart, start]],
      ...Array.from({ length: 19 }, () => [[dbDone, dbStart, start]]),
      [[done, dbDone, dbStart, start]],
    ]);
    await watchOperation(cfn, request(clock));
    // In flight: the near pace. Settled: the fast pace for SETTLED_FAST_WINDOW_MS, then wider, up
    // to the cap (the end may still come any second).
    expect(SETTLED_FAST_WINDOW_MS).toBe(15_000);
    expect(END_PACE_CAP_MS).toBe(4000);
    expect(clock.sleeps).toEqual([2000, 2000, ...Array(15).fill(1000), 2000, 4000, 4000, 4000]);
  });

  it('keeps the fast pace while the stack itself still moves after its resources', async () => {
    const start = event({ status: 'UPDATE_IN_PROGRESS', token: TOKEN });
    const webDone = event({ status: 'UPDATE_COMPLETE', id: 'Web', token: TOKEN });
    const webStart = event({ status: 'UPDATE_IN_PROGRESS', id: 'Web', token: TOKEN });
    const cleanup = event({ status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', token: TOKEN });
    const done = event({ status: 'UPDATE_COMPLETE', token: TOKEN });
    const settled = [webDone, webStart, start];
    scriptEvents([
      [[webStart, start]],
      ...Array.from({ length: 14 }, () => [settled]),
      // 14 s after the last resource, the cleanup phase starts: a new event, so still fast.
      ...Array.from({ length: 3 }, () => [[cleanup, ...settled]]),
      [[done, cleanup, ...settled]],
    ]);
    await watchOperation(cfn, request(clock));
    expect(clock.sleeps).toEqual([2000, ...Array(17).fill(1000)]);
  });
});

describe('watchOperation pacing with a resource count and a read budget', () => {
  let clock: FakeClock;

  beforeEach(() => {
    cfnMock.reset();
    clock = fakeClock();
    cfnMock.on(DescribeStacksCommand).resolves({ Stacks: [stack('CREATE_COMPLETE')] });
  });

  it('reads a create seldom while a slow resource is still to start, at the near pace once the last has started', async () => {
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN });
    const inProgress = (id: string) => event({ status: 'CREATE_IN_PROGRESS', id, token: TOKEN });
    const complete = (id: string) => event({ status: 'CREATE_COMPLETE', id, token: TOKEN });
    const done = event({ status: 'CREATE_COMPLETE', token: TOKEN });
    const network = [inProgress('Subnet'), inProgress('Vpc'), start];
    const writer = [inProgress('Writer'), complete('Subnet'), complete('Vpc'), ...network];
    scriptEvents([
      ...Array.from({ length: 5 }, () => [network]),
      ...Array.from({ length: 2 }, () => [writer]),
      [[inProgress('Reader'), complete('Writer'), ...writer]],
      [[done, complete('Reader'), inProgress('Reader'), complete('Writer'), ...writer]],
    ]);
    const expected = [
      expectedResource('Vpc', 'AWS::EC2::VPC', 'create'),
      expectedResource('Subnet', 'AWS::EC2::Subnet', 'create'),
      expectedResource('Writer', 'AWS::RDS::DBInstance', 'create'),
      expectedResource('Reader', 'AWS::RDS::DBInstance', 'create'),
    ];
    await watchOperation(cfn, request(clock, [], { expectedResources: expected }));
    // Two database instances still to start: as seldom as the operation is old (×1.5, from the
    // near pace up to the slow one). The writer started, the reader not yet: still slow. The
    // reader started (the last slow one): the near pace, until the end.
    expect(clock.sleeps).toEqual([2000, 3000, 5000, 5000, 5000, 5000, 5000, 2000]);
  });

  it('reads at most 12 times a minute however long the stack takes, and spends its savings at the end', async () => {
    const start = event({ status: 'CREATE_IN_PROGRESS', token: TOKEN });
    const dbStart = event({ status: 'CREATE_IN_PROGRESS', id: 'Database', token: TOKEN });
    const dbDone = event({ status: 'CREATE_COMPLETE', id: 'Database', token: TOKEN });
    const done = event({ status: 'CREATE_COMPLETE', token: TOKEN });
    const reads: number[] = [];
    let finishAt = Number.POSITIVE_INFINITY;
    cfnMock.on(DescribeStackEventsCommand).callsFake(() => {
      reads.push(clock.now());
      // Every read is throttled twice by AWS before it succeeds: three attempts.
      const $metadata = { attempts: 3 };
      // The database settles at 4 min; the stack says so 1 s later.
      if (clock.now() >= 240_000 && finishAt === Number.POSITIVE_INFINITY)
        finishAt = clock.now() + 1000;
      if (clock.now() >= finishAt)
        return { StackEvents: [done, dbDone, dbStart, start], $metadata };
      if (clock.now() >= 240_000) return { StackEvents: [dbDone, dbStart, start], $metadata };
      return { StackEvents: [dbStart, start], $metadata };
    });
    await watchOperation(
      cfn,
      request(clock, [], {
        deadline: clock.now() + 600_000,
        expectedResources: [expectedResource('Database', 'AWS::RDS::DBInstance', 'create')],
        poll: { fastMs: 1000, nearMs: 2000, slowMs: 5000, readsPerMinute: 12 },
      }),
    );
    const t0 = reads[0]!;
    for (const at of reads) {
      const attempts = 3 * reads.filter((r) => r <= at).length;
      expect(attempts).toBeLessThanOrEqual(12 * (Math.max(at - t0, 60_000) / 60_000) + 2);
    }
    // The end came at most a couple of seconds after the stack's own event.
    expect(clock.now() - finishAt).toBeLessThanOrEqual(2000);
  });
});

describe('isThrottling / defaultPollPolicy', () => {
  it('recognises throttling by name or message', () => {
    for (const name of [
      'Throttling',
      'ThrottlingException',
      'TooManyRequestsException',
      'RequestLimitExceeded',
    ]) {
      expect(isThrottling(Object.assign(new Error('x'), { name }))).toBe(true);
    }
    expect(isThrottling(new Error('Rate exceeded'))).toBe(true);
    expect(isThrottling(Object.assign(new Error('denied'), { name: 'AccessDenied' }))).toBe(false);
  });

  it('polls every 1 s to 10 s within 12 reads a minute unless the environment says otherwise', () => {
    expect(defaultPollPolicy({})).toEqual({
      fastMs: 1000,
      nearMs: 2000,
      slowMs: 10_000,
      readsPerMinute: 12,
    });
    expect(
      defaultPollPolicy({
        PR_ENV_POLL_FAST_MS: '5',
        PR_ENV_POLL_SLOW_MS: '20',
        PR_ENV_READS_PER_MINUTE: '0',
      }),
    ).toEqual({ fastMs: 5, nearMs: 10, slowMs: 20, readsPerMinute: 0 });
    expect(
      defaultPollPolicy({
        PR_ENV_POLL_FAST_MS: 'soon',
        PR_ENV_POLL_SLOW_MS: '-1',
        PR_ENV_READS_PER_MINUTE: '-3',
      }),
    ).toEqual({ fastMs: 1000, nearMs: 2000, slowMs: 10_000, readsPerMinute: 12 });
  });
});
