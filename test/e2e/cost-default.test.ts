// Issue 6, item 4: the comment shows the environment's estimated cost, awake and asleep, computed
// from the stack's actual resources and parameters with the price table kept in the repository.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import { CLUSTER, OWNER, REPO, errors, runAction, sha, startWorld, type World } from './harness.js';

const MARKER = '<!-- pr-env:sticky-comment -->';

let world: World;

beforeAll(async () => {
  world = await startWorld({ resourceDelayMs: 5, changeSetDelayMs: 5 });
  world.aws.addSnapshot({ cluster: CLUSTER, createdAt: new Date(Date.now() - 3_600_000) });
});
afterAll(async () => world?.stop());

async function deploy(pr: number, parameters = '') {
  const run = await runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs: { 'source-db-cluster': CLUSTER, deployment: 'false', parameters },
  });
  expect(errors(run)).toEqual([]);
  const comment = world.gh.comments(OWNER, REPO, pr).find((c) => c.body.includes(MARKER));
  return { run, body: comment?.body ?? '' };
}

describe('the cost in the comment', () => {
  it('matches the hand-computed figure for the default parameters, item by item', async () => {
    // By hand, us-east-1 prices of 2026-03-07 (docs/chatops-and-cost.md):
    // awake  0.045 NAT + 0.0225 ALB + 0.008 LCU + 0.0104 t3.micro + 0.0052 t3.nano
    //        + 2 × 8 GiB × 0.08 / 730 = 0.00175342 + 2 × 0.073 Aurora + 4 × 0.005 IPv4
    //        = 0.25885342 $/h = 6.2124822 $/day
    // asleep 0.045 + 0.0225 + 0.008 + 0.0052 + 0.00087671 + 0.02 = 0.10157671 $/h = 2.4378411 $/day
    const { body, run } = await deploy(71);
    expect(body).toContain(
      '**Estimated cost** (us-east-1 on-demand list prices of 2026-03-07): awake **$0.2589/h** ($6.21/day) ← now · asleep **$0.1016/h** ($2.44/day)',
    );
    const table = body.slice(body.indexOf('| Item |'), body.indexOf('| **Total**'));
    expect(table.trim().split('\n').slice(2)).toEqual([
      '| NAT gateway | 1 | $0.045 per hour | 0.0450 | 0.0450 |',
      '| Application Load Balancer | 1 | $0.0225 per hour | 0.0225 | 0.0225 |',
      '| Load balancer capacity units (estimate) | 1 LCU | $0.008 per LCU-hour | 0.0080 | 0.0080 |',
      '| EC2 web instances | 1 × t3.micro, 0 asleep | $0.0104 per hour | 0.0104 | 0.0000 |',
      '| EC2 bastion | 1 × t3.nano | $0.0052 per hour | 0.0052 | 0.0052 |',
      '| EBS gp3 root volumes (estimate) | 2 × 8 GiB, 1 asleep | $0.08 per GiB-month | 0.0018 | 0.0009 |',
      '| Aurora instances | 2 × db.t4g.medium, 0 asleep | $0.073 per hour | 0.1460 | 0.0000 |',
      '| Public IPv4 addresses (estimate) | 4 (1 Elastic IP, 2 load balancer, 1 instance) | $0.005 per IP-hour | 0.0200 | 0.0200 |',
      '| CloudWatch dashboard (free for an account’s first 3) | 1 | $3 per month past 3 | 0.0000 | 0.0000 |',
    ]);
    expect(body).toContain('| **Total** | | | **0.2589** | **0.1016** |');
    // The job summary carries the same figures.
    expect(run.summary).toContain('awake **$0.2589/h** ($6.21/day)');
  });

  it("follows the stack's resources and parameters: a NAT gateway per AZ, two web instances", async () => {
    // + 1 NAT gateway 0.045 + its Elastic IP 0.005, + 1 t3.micro 0.0104 and its volume 0.00087671
    // = 0.25885342 + 0.06127671 = 0.32013014 $/h awake; asleep 0.10157671 + 0.05 = 0.15157671.
    const { body } = await deploy(72, 'NatGateways=per-az\nDesiredCapacity=2');
    expect(body).toContain(
      'awake **$0.3201/h** ($7.68/day) ← now · asleep **$0.1516/h** ($3.64/day)',
    );
    expect(body).toContain('| NAT gateway | 2 | $0.045 per hour | 0.0900 | 0.0900 |');
    expect(body).toContain('| EC2 web instances | 2 × t3.micro, 0 asleep |');
    expect(body).toContain(
      '| Public IPv4 addresses (estimate) | 5 (2 Elastic IP, 2 load balancer, 1 instance) |',
    );
  });
});
