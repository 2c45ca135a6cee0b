import {
  CloudFormationClient,
  DescribeStackResourceCommand,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ProgressTracker,
  describeStep,
  progressLine,
  progressMarkdown,
  type ProgressSnapshot,
} from '../../../src/report/progress.js';
import {
  FIRST_PROGRESS_AFTER_MS,
  ProgressFeed,
  listenerUrl,
  progressEveryMs,
} from '../../../src/report/progress-feed.js';

const T0 = Date.parse('2026-11-22T03:00:00Z');
const STACK = 'pr-env-shop-pr-7';

function event(
  logicalId: string,
  status: string,
  atSeconds: number,
  type = 'AWS::EC2::VPC',
): StackEvent {
  return {
    StackName: STACK,
    StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${STACK}/x`,
    EventId: `${logicalId}-${status}-${atSeconds}`,
    LogicalResourceId: logicalId,
    ResourceType: logicalId === STACK ? 'AWS::CloudFormation::Stack' : type,
    ResourceStatus: status as StackEvent['ResourceStatus'],
    Timestamp: new Date(T0 + atSeconds * 1000),
  };
}

describe('ProgressTracker', () => {
  it('counts what is done and says what is in progress, longest first, in plain words', () => {
    const tracker = new ProgressTracker('create', 5, 'snapshot');
    for (const e of [
      event(STACK, 'CREATE_IN_PROGRESS', 0),
      event('VPC', 'CREATE_IN_PROGRESS', 1),
      event('VPC', 'CREATE_IN_PROGRESS', 2),
      event('VPC', 'CREATE_COMPLETE', 15),
      event('DBCluster', 'CREATE_IN_PROGRESS', 20, 'AWS::RDS::DBCluster'),
      event('AutoScalingGroup', 'CREATE_IN_PROGRESS', 200, 'AWS::AutoScaling::AutoScalingGroup'),
    ]) {
      tracker.onEvent(e);
    }
    expect(tracker.snapshot(T0 + 740_000, 30_000, undefined)).toEqual({
      operation: 'create',
      done: 1,
      total: 5,
      inProgress: [
        { what: 'database restoring', ms: 720_000 },
        { what: 'web servers starting', ms: 540_000 },
      ],
      failed: [],
      url: undefined,
      everyMs: 30_000,
    });
    expect(tracker.over).toBe(false);
  });

  it('knows a clone from a restore, and an update from a create', () => {
    expect(describeStep('DBCluster', 'AWS::RDS::DBCluster', 'create', 'clone')).toBe(
      'database cloning',
    );
    expect(describeStep('DBCluster', 'AWS::RDS::DBCluster', 'update', 'clone')).toBe(
      'database updating',
    );
    expect(describeStep('DBWriterInstance', 'AWS::RDS::DBInstance', 'create', 'snapshot')).toBe(
      'database instance DBWriterInstance starting',
    );
    expect(
      describeStep('AutoScalingGroup', 'AWS::AutoScaling::AutoScalingGroup', 'update', undefined),
    ).toBe('web servers rolling');
  });

  it('is over at the stack’s own end, its cleanup or its rollback', () => {
    for (const status of [
      'CREATE_COMPLETE',
      'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'ROLLBACK_IN_PROGRESS',
    ]) {
      const tracker = new ProgressTracker('create', 1);
      tracker.onEvent(event(STACK, 'CREATE_IN_PROGRESS', 0));
      tracker.onEvent(event(STACK, status, 9));
      expect(tracker.over, status).toBe(true);
    }
  });

  it('lists failures', () => {
    const tracker = new ProgressTracker('create', 2);
    tracker.onEvent(event('VPC', 'CREATE_FAILED', 3));
    expect(tracker.snapshot(T0 + 5000, 30_000).failed).toEqual(['VPC']);
  });
});

describe('progress rendering', () => {
  const snapshot: ProgressSnapshot = {
    operation: 'create',
    done: 23,
    total: 41,
    inProgress: [
      { what: 'database restoring', ms: 12 * 60_000 + 5_000 },
      { what: 'web servers starting', ms: 45_000 },
    ],
    failed: [],
    url: 'http://pr-env-LoadB-1.us-east-1.elb.amazonaws.com',
    everyMs: 30_000,
  };

  it('makes one compact log line', () => {
    expect(progressLine(snapshot)).toBe(
      'pr-env: 23/41 resources done · in progress: database restoring, 12 min; web servers starting, 45 s · http://pr-env-LoadB-1.us-east-1.elb.amazonaws.com',
    );
  });

  it('shows the count, what is in progress and the URL in the comment', () => {
    const text = progressMarkdown(snapshot).join('\n');
    expect(text).toContain('23 / 41 resources done');
    expect(text).toContain(
      '**In progress**: database restoring, 12 min; web servers starting, 45 s',
    );
    expect(text).toContain('The URL is known: http://pr-env-LoadB-1.us-east-1.elb.amazonaws.com');
    expect(text).toContain('at most every 30 s');
  });
});

describe('progressEveryMs', () => {
  it('is 30 s unless the tests shorten it', () => {
    expect(progressEveryMs({})).toBe(30_000);
    expect(progressEveryMs({ PR_ENV_PROGRESS_MS: '2000' })).toBe(2000);
    expect(progressEveryMs({ PR_ENV_PROGRESS_MS: 'soon' })).toBe(30_000);
  });
});

const cfnMock = mockClient(CloudFormationClient);

/** DescribeStackResource answers the listener, created, with this Metadata. */
function listenerWithMetadata(metadata: string): void {
  cfnMock.on(DescribeStackResourceCommand).resolves({
    StackResourceDetail: {
      LogicalResourceId: 'HttpListener',
      ResourceType: 'AWS::ElasticLoadBalancingV2::Listener',
      ResourceStatus: 'CREATE_COMPLETE',
      LastUpdatedTimestamp: new Date(),
      Metadata: metadata,
    },
  });
}

describe('listenerUrl', () => {
  beforeEach(() => cfnMock.reset());

  it('reads the URL off the listener’s metadata', async () => {
    listenerWithMetadata('{"pr-env:url":"http://x.us-east-1.elb.amazonaws.com"}');
    await expect(listenerUrl(new CloudFormationClient({}), STACK, 'HttpListener')).resolves.toBe(
      'http://x.us-east-1.elb.amazonaws.com',
    );
    expect(cfnMock.commandCalls(DescribeStackResourceCommand)[0]!.args[0].input).toEqual({
      StackName: STACK,
      LogicalResourceId: 'HttpListener',
    });
  });

  it('counts every attempt the SDK made, throttled ones too, for the watcher’s read budget', async () => {
    cfnMock.on(DescribeStackResourceCommand).resolves({
      $metadata: { attempts: 4 },
      StackResourceDetail: {
        LogicalResourceId: 'HttpListener',
        ResourceType: 'AWS::ElasticLoadBalancingV2::Listener',
        ResourceStatus: 'CREATE_COMPLETE',
        LastUpdatedTimestamp: new Date(),
        Metadata: '{}',
      },
    });
    const reads = { count: 2 };
    const pending = listenerUrl(new CloudFormationClient({}), STACK, 'HttpListener', reads);
    expect(reads.count).toBe(3); // counted as the call starts
    await pending;
    expect(reads.count).toBe(6);

    const refused = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { attempts: 10 },
    });
    cfnMock.on(DescribeStackResourceCommand).rejects(refused);
    await expect(
      listenerUrl(new CloudFormationClient({}), STACK, 'HttpListener', reads),
    ).rejects.toThrow('Rate exceeded');
    expect(reads.count).toBe(16);
  });

  it('takes nothing but an http(s) URL', async () => {
    listenerWithMetadata('{"pr-env:url":"javascript:alert(1)"}');
    await expect(listenerUrl(new CloudFormationClient({}), STACK, 'HttpListener')).resolves.toBe(
      undefined,
    );
  });
});

describe('ProgressFeed', () => {
  let published: Array<{ at: number; snapshot: ProgressSnapshot }>;
  let log: string[];
  let release: (() => void) | undefined;

  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
    cfnMock.reset();
    published = [];
    log = [];
    release = undefined;
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      log.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  function feed(slowPublish = false) {
    return new ProgressFeed({
      cfn: new CloudFormationClient({ region: 'us-east-1' }),
      stackName: STACK,
      everyMs: 30_000,
      now: () => Date.now(),
      publish: (snapshot) => {
        published.push({ at: Date.now(), snapshot });
        return slowPublish
          ? new Promise<void>((resolve) => (release = resolve))
          : Promise.resolve();
      },
    });
  }

  it('logs every event, and publishes nothing before the change set runs', async () => {
    const f = feed();
    f.onEvent(event('Old', 'DELETE_COMPLETE', 0));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(published).toEqual([]);
    expect(log.join('')).toContain('DELETE_COMPLETE');
  });

  it('publishes a few seconds into the operation, then at most every 30 s, until it ends', async () => {
    const f = feed();
    f.begin('create', 3, { origin: 'clone' });
    f.onEvent(event(STACK, 'CREATE_IN_PROGRESS', 0));
    f.onEvent(event('DBCluster', 'CREATE_IN_PROGRESS', 0, 'AWS::RDS::DBCluster'));
    await vi.advanceTimersByTimeAsync(FIRST_PROGRESS_AFTER_MS - 1);
    expect(published).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(published).toHaveLength(1);
    // Events in between do not make it edit sooner.
    for (let s = 6; s < 30; s += 3) f.onEvent(event(`R${s}`, 'CREATE_COMPLETE', s));
    await vi.advanceTimersByTimeAsync(70_000);
    const times = published.map((p) => p.at - T0);
    expect(times).toEqual([5_000, 35_000, 65_000]);
    expect(published.at(-1)!.snapshot.inProgress).toEqual([
      { what: 'database cloning', ms: 65_000 },
    ]);
    f.onEvent(event(STACK, 'CREATE_COMPLETE', 70));
    await vi.advanceTimersByTimeAsync(120_000);
    expect(published).toHaveLength(3);
    // The progress line sits between two groups of events.
    expect(log.join('')).toMatch(
      /::endgroup::\npr-env: 0\/3 resources done · in progress: database cloning, 5 s\n::group::Stack events: pr-env-shop-pr-7 \(continued\)/,
    );
  });

  it('never overlaps edits: a slow one delays the next, and nothing queues up behind it', async () => {
    const f = feed(true);
    f.begin('update', 2);
    f.onEvent(event(STACK, 'UPDATE_IN_PROGRESS', 0));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(published).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100_000);
    expect(published).toHaveLength(1);
    release!();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toHaveLength(2);
    expect(published[1]!.at - T0).toBe(105_000);
  });

  it('holds back once every resource is done: the final report is seconds away', async () => {
    const f = feed();
    f.begin('create', 1);
    f.onEvent(event(STACK, 'CREATE_IN_PROGRESS', 0));
    f.onEvent(event('VPC', 'CREATE_IN_PROGRESS', 0));
    f.onEvent(event('VPC', 'CREATE_COMPLETE', 2));
    await vi.advanceTimersByTimeAsync(40_000);
    expect(published).toEqual([]);
    expect(log.join('')).not.toContain('resources done');
  });

  it('stops for good when stopped, with no timer left to keep the process alive', async () => {
    const f = feed();
    f.begin('create', 1);
    f.onEvent(event(STACK, 'CREATE_IN_PROGRESS', 0));
    f.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(published).toEqual([]);
  });

  it('learns the URL from the listener once it exists, or from the stack on update', async () => {
    listenerWithMetadata('{"pr-env:url":"http://lb.us-east-1.elb.amazonaws.com"}');
    const f = feed();
    f.begin('create', 2);
    f.onEvent(event(STACK, 'CREATE_IN_PROGRESS', 0));
    f.onEvent(event('HttpListener', 'CREATE_COMPLETE', 1, 'AWS::ElasticLoadBalancingV2::Listener'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(published[0]!.snapshot.url).toBe('http://lb.us-east-1.elb.amazonaws.com');
    expect(cfnMock.commandCalls(DescribeStackResourceCommand)).toHaveLength(1);

    const update = feed();
    update.begin('update', 1, { url: 'https://known.example.com' });
    update.onEvent(event(STACK, 'UPDATE_IN_PROGRESS', 0));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(published.at(-1)!.snapshot.url).toBe('https://known.example.com');
  });
});
