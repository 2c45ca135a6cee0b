// Preflight before a create: the account's room (VPCs, Elastic IPs, NAT gateways per zone against
// its quotas) and the snapshot, checked before anything is created, so that a create that cannot
// succeed fails in seconds instead of after minutes of creating and rolling back. (That an update
// asks the account nothing is checked in guard-replacement and plan-preview.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  warnings,
  runAction,
  sha,
  startWorld,
  type World,
  stackOf,
} from './harness.js';

let world: World;

beforeAll(async () => {
  world = await startWorld({
    quotas: { 'AWS::EC2::VPC': 3, 'AWS::EC2::EIP': 5, 'AWS::EC2::NatGateway': 2 },
  });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-23-03-00',
    status: 'creating',
    createdAt: new Date(Date.now() - 60_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
});
afterAll(async () => world?.stop());

const open = (pr: number, inputs: Record<string, string> = {}) =>
  runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs: { 'source-db-cluster': CLUSTER, ...inputs },
  });
const comment = (pr: number) => world.gh.comments(OWNER, REPO, pr)[0]?.body ?? '';
/** CloudFormation calls that would start a stack: none may happen when preflight says no. */
const creates = () =>
  world.aws.calls.filter((c) => /^(CreateChangeSet|CreateStack|ExecuteChangeSet)$/.test(c.action));

describe('preflight before a create', () => {
  it('stops at a full Elastic IP quota and a full zone, naming each quota and count', async () => {
    // Another team's addresses and NAT gateways: 4 of 5 Elastic IPs, 2 of 2 NAT gateways in 1b.
    world.aws.ec2.seed({ addresses: 4, natGateways: { 'us-east-1b': 2 } });
    const run = await open(21, { parameters: 'NatGateways=per-az' });

    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toContain(`Preflight: creating stack "${stackOf(21)}" would exceed 2 quotas`);
    expect(error).toContain(
      'EC2-VPC Elastic IPs (L-0263D0A3) in us-east-1: 4 of 5 in use, the environment needs 2 more',
    );
    expect(error).toContain(
      'NAT gateways per Availability Zone (L-FE5A380F) in us-east-1b: 2 of 2 in use, the environment needs 1 more',
    );
    // The first zone has room, and a single NAT gateway would need only one address.
    expect(error).not.toContain('us-east-1a');
    expect(error).toContain('Nothing was created');
    expect(creates()).toEqual([]);
    expect(world.aws.stack(stackOf(21))).toBeUndefined();
    expect(comment(21)).toContain('deployment failed for #21');
    expect(comment(21)).toContain('NAT gateways per Availability Zone (L-FE5A380F)');
  });

  it('counts the VPCs of other stacks and outside any stack, and stops a create at the quota', async () => {
    // The default VPC, another environment's VPC (counted from its stack), one more: 3 of 3.
    world.aws.ec2.seed({ vpcs: 1 });
    world.aws.seedStack({
      name: 'other-team-network',
      status: 'CREATE_COMPLETE',
      templateBody: JSON.stringify({
        Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.9.0.0/16' } } },
      }),
    });
    world.aws.ec2.seed({ vpcs: 1 });
    expect(world.aws.ec2.vpcs()).toHaveLength(3);
    world.aws.clearCalls();

    const run = await open(22);

    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringContaining(
        'VPCs per Region (L-F678F1CE) in us-east-1: 3 of 3 in use, the environment needs 1 more',
      ),
    ]);
    expect(creates()).toEqual([]);
    expect(world.aws.mutatingCalls()).toEqual([]);
    // It asked the account, not a guess: the quota from Service Quotas, the count from EC2.
    const asked = world.aws.calls.map((c) => `${c.service}:${c.action}`);
    expect(asked).toEqual(
      expect.arrayContaining([
        'servicequotas:GetServiceQuota',
        'ec2:DescribeVpcs',
        'ec2:DescribeAddresses',
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeNatGateways',
      ]),
    );
    expect(comment(22)).toContain('VPCs per Region (L-F678F1CE)');
    expect(run.summary).toContain('3 of 3 in use');
  });

  it('warns and skips a check it is not allowed to make, and assumes default quotas without Service Quotas', async () => {
    world.aws.ec2.deny('DescribeVpcs');
    world.aws.serviceQuotas.deny();
    try {
      const run = await open(23);
      expect(errors(run)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.outputs.operation).toBe('create');
      expect(warnings(run)).toEqual([
        expect.stringMatching(
          /Preflight: Counting VPCs not allowed \(ec2:DescribeVpcs\): You are not authorized.*That check is skipped\./,
        ),
      ]);
      expect(run.stdout).toContain(
        "Preflight: NAT gateways per Availability Zone: assuming AWS's default of 5, reading it not allowed (servicequotas:GetServiceQuota)",
      );
      // The checks it could make still ran: 4 + 1 Elastic IPs fit the account's 5.
      expect(run.stdout).toContain(
        'Preflight: in use of quota: EC2-VPC Elastic IPs 4/5, NAT gateways per Availability Zone us-east-1b 2/5',
      );
    } finally {
      world.aws.ec2.allow();
      world.aws.serviceQuotas.allow();
    }
  });

  it('refuses a snapshot that is not available before creating anything', async () => {
    world.aws.clearCalls();
    const run = await open(24, { 'snapshot-identifier': 'rds:prod-db-2026-11-23-03-00' });
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      'Snapshot "rds:prod-db-2026-11-23-03-00" (snapshot-identifier) is "creating": expected "available"',
    ]);
    expect(world.aws.mutatingCalls()).toEqual([]);
    expect(world.aws.stack(stackOf(24))).toBeUndefined();
  });
});
