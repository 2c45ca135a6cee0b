import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Stack } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { idleWindowOpen, trafficIdleReason } from '../../../src/run/sleep-idle.js';
import { idleReason } from '../../../src/run/sleep-state.js';
import { requestCount } from '../../../src/traffic/requests.js';

const NOW = new Date('2026-12-03T10:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
const stack = (tags: Record<string, string>): Stack => ({
  StackName: 'pr-env-shop-pr-7',
  StackStatus: 'UPDATE_COMPLETE',
  CreationTime: new Date('2026-12-01T00:00:00Z'),
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe('the idle decider (sleep-after-idle-minutes)', () => {
  const deployedAnHourAgo = stack({ 'pr-env:active-at': ago(60) });

  it('no datapoints (0 requests) over the window is idle; one request keeps it awake', () => {
    expect(trafficIdleReason(deployedAnHourAgo, NOW, 30, 0)).toBe(
      'no visit for 30 min (its load balancer served no request; sleep-after-idle-minutes is 30)',
    );
    expect(trafficIdleReason(deployedAnHourAgo, NOW, 30, 1)).toBeUndefined();
  });

  it('a deploy or a wake within the window keeps it awake, without asking CloudWatch', () => {
    const pushed = stack({ 'pr-env:active-at': ago(10) });
    expect(idleWindowOpen(pushed, NOW, 30)).toBe(false);
    expect(trafficIdleReason(pushed, NOW, 30, 0)).toBeUndefined();
    // Without the tag, the stack's last update counts as its last activity.
    const updated = { ...stack({}), LastUpdatedTime: new Date(ago(5)) };
    expect(idleWindowOpen(updated, NOW, 30)).toBe(false);
    expect(idleWindowOpen(deployedAnHourAgo, NOW, 30)).toBe(true);
  });

  it('never sleeps on a guess, nor an environment already asleep, nor with the input off', () => {
    expect(trafficIdleReason(deployedAnHourAgo, NOW, 30, undefined)).toBeUndefined();
    const asleep = stack({ 'pr-env:active-at': ago(60), 'pr-env:state': 'asleep' });
    expect(idleWindowOpen(asleep, NOW, 30)).toBe(false);
    expect(idleWindowOpen(deployedAnHourAgo, NOW, 0)).toBe(false);
  });

  it('works beside sleep-after-hours: whichever comes first', () => {
    // Visited recently, but no push for 26 h: the hours say sleep.
    const old = stack({ 'pr-env:active-at': ago(26 * 60) });
    expect(idleReason(old, NOW, 24)).toMatch(/^no push for 26\.0 h/);
    expect(trafficIdleReason(old, NOW, 30, 12)).toBeUndefined();
    // Pushed an hour ago (under 24 h), but nobody visited for 30 min: the traffic says sleep.
    expect(idleReason(deployedAnHourAgo, NOW, 24)).toBeUndefined();
    expect(trafficIdleReason(deployedAnHourAgo, NOW, 30, 0)).toMatch(/^no visit for 30 min/);
  });
});

describe('requestCount (CloudWatch GetMetricData)', () => {
  const cw = mockClient(CloudWatchClient);
  beforeEach(() => cw.reset());

  it('asks for the load balancer’s RequestCount Sum by minute, and adds every page', async () => {
    cw.on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [{ Id: 'requests', Values: [3, 4], Timestamps: [NOW, NOW] }],
        NextToken: 'more',
      })
      .resolvesOnce({ MetricDataResults: [{ Id: 'requests', Values: [5] }] });
    const from = new Date(ago(30));
    const total = await requestCount(
      new CloudWatchClient({ region: 'us-east-1' }),
      'app/pr-env-sh-LoadBala/50dc6c495c0c9188',
      from,
      NOW,
    );
    expect(total).toBe(12);
    const calls = cw.commandCalls(GetMetricDataCommand).map((c) => c.args[0].input);
    expect(calls[0]).toEqual({
      MetricDataQueries: [
        {
          Id: 'requests',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCount',
              Dimensions: [
                { Name: 'LoadBalancer', Value: 'app/pr-env-sh-LoadBala/50dc6c495c0c9188' },
              ],
            },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: true,
        },
      ],
      StartTime: from,
      EndTime: NOW,
      NextToken: undefined,
    });
    expect(calls[1]?.NextToken).toBe('more');
  });

  it('counts no datapoints as no requests', async () => {
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'requests', Values: [] }] });
    await expect(
      requestCount(
        new CloudWatchClient({ region: 'us-east-1' }),
        'app/x/1',
        new Date(ago(30)),
        NOW,
      ),
    ).resolves.toBe(0);
  });
});
