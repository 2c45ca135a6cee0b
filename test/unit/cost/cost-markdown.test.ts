import { describe, expect, it } from 'vitest';
import type { CostEstimate } from '../../../src/cost/estimate.js';
import { renderComment } from '../../../src/report/markdown.js';
import type { RunReport } from '../../../src/report/report.js';
import { costLines, lifecycleHeadline } from '../../../src/report/cost-markdown.js';

const estimate: CostEstimate = {
  region: 'us-east-1',
  priced: true,
  priceDate: '2026-03-07',
  lines: [
    {
      item: 'NAT gateway',
      quantity: '1',
      unitPrice: '$0.045 per hour',
      awake: 0.045,
      asleep: 0.045,
    },
    {
      item: 'Aurora instances',
      quantity: '2 × db.t4g.medium, 0 asleep',
      unitPrice: '$0.073 per hour',
      awake: 0.146,
      asleep: 0,
    },
  ],
  unpriced: [],
  hourly: { awake: 0.191, asleep: 0.045 },
  daily: { awake: 4.584, asleep: 1.08 },
};

const at = new Date('2026-11-23T00:00:00Z');
const report = (over: Partial<RunReport>): RunReport => ({
  intent: 'sleep',
  outcome: 'success',
  repository: 'octo-org/shop',
  prNumber: 7,
  stackName: 'pr-env-shop-pr-7',
  outputs: {},
  startedAt: at,
  finishedAt: at,
  ...over,
});

describe('the environment section of the comment', () => {
  it('gives awake and asleep figures, hourly and daily, marking the current state', () => {
    const [headline] = costLines(estimate, 'asleep');
    expect(headline).toBe(
      '**Estimated cost** (us-east-1 on-demand list prices of 2026-03-07): awake **$0.1910/h** ($4.58/day) · asleep **$0.0450/h** ($1.08/day) ← now',
    );
    expect(costLines(estimate, 'asleep').join('\n')).toContain(
      '| Aurora instances | 2 × db.t4g.medium, 0 asleep | $0.073 per hour | 0.1460 | 0.0000 |',
    );
  });

  it('in a shared network, names what the network bills once, apart from the total', () => {
    const text = costLines({ ...estimate, sharedNetworkHourly: 0.05 }, 'awake').join('\n');
    expect(text).toContain(
      "Shared network (`network-stack`): its NAT gateway and that gateway's public address bill once for every environment in it, $0.0500/h ($1.20/day) in all, awake or asleep; not in this environment's total.",
    );
    expect(costLines(estimate, 'awake').join('\n')).not.toContain('Shared network');
  });

  it('says unknown for a region without prices', () => {
    expect(
      costLines({
        region: 'eu-west-1',
        priced: false,
        lines: [],
        unpriced: [],
        note: 'no price table for eu-west-1',
      }),
    ).toEqual(['**Estimated cost**: unknown: no price table for eu-west-1']);
  });

  it('shows the state, the expiry, the cost and the command in the sticky comment', () => {
    const body = renderComment(
      report({
        environment: { state: 'asleep', expiresAt: '2026-11-26T00:00:00Z', database: 'stopping' },
        cost: estimate,
        command: { text: '/pr-env sleep', user: 'alice', url: 'https://github.com/x#c1' },
      }),
    );
    expect(body).toContain('### 😴 pr-env: environment asleep for #7');
    expect(body).toContain('**Environment**: 😴 **asleep**: no web instances, database stopping');
    expect(body).toContain('expires 2026-11-26T00:00:00Z');
    expect(body).toContain('**Command**: [`/pr-env sleep`](https://github.com/x#c1) by @alice');
    // No line of pr-env's own comment may read as a command.
    expect(body.split('\n').some((l) => l.trim().startsWith('/pr-env'))).toBe(false);
  });

  it('asleep with a wake page, says a visit to its URL wakes it', () => {
    const asleep = (wakePage?: boolean) =>
      renderComment(report({ environment: { state: 'asleep', database: 'stopped', wakePage } }));
    expect(asleep(true)).toContain(
      '😴 **asleep**: no web instances, database stopped (a visit to its URL, `/pr-env wake` or a push wakes it; the URL shows a wake page meanwhile)',
    );
    expect(asleep()).toContain(
      '😴 **asleep**: no web instances, database stopped (`/pr-env wake` or a push wakes it)',
    );
  });

  it('waking, says a visit woke it and bills it as awake', () => {
    const body = renderComment(report({ environment: { state: 'waking' }, cost: estimate }));
    expect(body).toContain(
      '**Environment**: ⏰ **waking**: a visit to its URL woke it; its web instances are starting, and the URL shows the wake page until one answers',
    );
    expect(body).toMatch(/awake \*\*\$[\d.]+\/h\*\* \(\$[\d.]+\/day\) ← now/);
  });

  it('names the failed step in the headline', () => {
    expect(lifecycleHeadline(report({ intent: 'wake', outcome: 'failure' }))).toBe(
      '❌ pr-env: wake-up failed for #7',
    );
    expect(lifecycleHeadline(report({ intent: 'extend' }))).toBe(
      '⏳ pr-env: expiry extended for #7',
    );
    expect(lifecycleHeadline(report({ intent: 'deploy' }))).toBeUndefined();
  });
});
