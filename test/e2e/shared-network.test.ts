/**
 * The shared network through the simulator: two PRs placed in one VPC, the bootstrap stack's
 * (network-stack), neither creating a network of its own, and the preflight not tripped by an
 * account whose VPC and Elastic IP quotas are full, but stopping at a full load balancer quota or
 * a shared subnet without free addresses; a missing or foreign network-stack refused with
 * nothing created.
 */
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
  stackOf,
  startWorld,
  type World,
} from './harness.js';

const NETWORK = [
  'SharedVpcId=vpc-0a1b2c3d4e5f60718',
  'SharedPublicSubnetIds=subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2',
  'SharedPrivateSubnetIds=subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2',
].join('\n');
const NETWORK_TYPES =
  /^AWS::EC2::(VPC|InternetGateway|VPCGatewayAttachment|Subnet|RouteTable|Route|SubnetRouteTableAssociation|EIP|NatGateway)$/;

const SUBNETS = [
  'subnet-0aaaaaaaaaaaaaaa1',
  'subnet-0aaaaaaaaaaaaaaa2',
  'subnet-0bbbbbbbbbbbbbbb1',
  'subnet-0bbbbbbbbbbbbbbb2',
];
/** A load balancer quota with room for this file's environments and a few more. */
const LOAD_BALANCER_QUOTA = 10;

let world: World;
beforeAll(async () => {
  // No room for one more VPC or Elastic IP: only the shared mode can deploy.
  world = await startWorld({
    quotas: {
      'AWS::EC2::VPC': 0,
      'AWS::EC2::EIP': 0,
      'AWS::ElasticLoadBalancingV2::LoadBalancer': LOAD_BALANCER_QUOTA,
    },
  });
  // The shared network's subnets, /24s as the bootstrap makes them in a /22.
  world.aws.ec2.seed({
    subnets: SUBNETS.map((subnetId, i) => ({
      subnetId,
      availabilityZone: i % 2 === 0 ? 'us-east-1a' : 'us-east-1b',
      cidrBlock: `10.90.${i}.0/24`,
    })),
  });
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-12-01-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
});
afterAll(async () => world?.stop());

const BOOTSTRAP_OUTPUTS = {
  DeployRoleArn: 'arn:aws:iam::123456789012:role/pr-env-setup-shop-DeployRole-ABC',
  ServiceRoleArn: 'arn:aws:iam::123456789012:role/pr-env-setup-shop-ServiceRole-DEF',
  TemplateBucketName: 'pr-env-setup-shop-templatebucket-1a2b3c',
};
const SHARED_OUTPUTS = {
  SharedVpcId: 'vpc-0a1b2c3d4e5f60718',
  SharedPublicSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2',
  SharedPrivateSubnetIds: 'subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2',
};
const withNetworkStack = (pr: number, networkStack: string) =>
  runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs: { 'source-db-cluster': CLUSTER, 'network-stack': networkStack },
  });

const open = (pr: number, parameters?: string) =>
  runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) }),
    inputs: { 'source-db-cluster': CLUSTER, ...(parameters ? { parameters } : {}) },
  });

describe('the shared network, in the template', () => {
  it('deploys two PRs into one VPC, creating no network of their own, past full VPC and EIP quotas', async () => {
    for (const pr of [401, 402]) {
      const run = await open(pr, NETWORK);
      expect(errors(run)).toEqual([]);
      expect(warnings(run)).toEqual([]);
      expect(run.outputs.status).toBe('CREATE_COMPLETE');
      // The preflight counted load balancers and the shared subnets' addresses, not VPCs.
      expect(run.stdout).toMatch(
        /Preflight: in use of quota: Application Load Balancers per Region \d+\/10, free addresses subnet-0aaaaaaaaaaaaaaa1 \d+/,
      );
      const stack = world.aws.stack(stackOf(pr))!;
      expect(stack.resources.filter((r) => NETWORK_TYPES.test(r.type))).toEqual([]);
      expect(stack.outputs.VpcId).toBe('vpc-0a1b2c3d4e5f60718');
      const group = stack.resources.find((r) => r.logicalId === 'DBSecurityGroup')!;
      expect(group.properties.VpcId).toBe('vpc-0a1b2c3d4e5f60718');
    }
    // Each keeps security groups of its own.
    const groups = (pr: number) =>
      world.aws
        .stack(stackOf(pr))!
        .resources.filter((r) => r.type === 'AWS::EC2::SecurityGroup')
        .map((r) => r.physicalId);
    expect(groups(401).filter((id) => groups(402).includes(id))).toEqual([]);
  }, 60_000);

  it('still refuses a network of its own when the quotas are full', async () => {
    const run = await open(403);
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toMatch(/VPC/);
    expect(world.aws.stack(stackOf(403))).toBeUndefined();
  }, 60_000);
});

describe('network-stack', () => {
  beforeAll(() => {
    world.aws.seedStack({
      name: 'pr-env-setup-shop',
      status: 'CREATE_COMPLETE',
      outputs: { ...BOOTSTRAP_OUTPUTS, ...SHARED_OUTPUTS },
    });
    world.aws.seedStack({
      name: 'pr-env-setup-plain',
      status: 'CREATE_COMPLETE',
      outputs: BOOTSTRAP_OUTPUTS,
    });
    world.aws.seedStack({
      name: 'someone-elses-vpc',
      status: 'CREATE_COMPLETE',
      outputs: SHARED_OUTPUTS,
    });
  });

  it('places the environment in the bootstrap stack’s shared network', async () => {
    const run = await withNetworkStack(411, 'pr-env-setup-shop');
    expect(errors(run)).toEqual([]);
    const stack = world.aws.stack(stackOf(411))!;
    expect(stack.parameters).toMatchObject(SHARED_OUTPUTS);
    expect(stack.resources.filter((r) => NETWORK_TYPES.test(r.type))).toEqual([]);
    expect(stack.outputs.VpcId).toBe(SHARED_OUTPUTS.SharedVpcId);
  }, 60_000);

  it.each([
    [
      'no-such-stack',
      /stack "no-such-stack" does not exist: expected the name of the pr-env bootstrap stack/,
    ],
    [
      'someone-elses-vpc',
      /"someone-elses-vpc" is not a pr-env bootstrap stack \(no DeployRoleArn, ServiceRoleArn, TemplateBucketName output\)/,
    ],
    [
      'pr-env-setup-plain',
      /"pr-env-setup-plain" has no SharedVpcId output: it was deployed without SharedNetwork=true/,
    ],
  ])(
    'refuses %s before anything is created',
    async (name, message) => {
      const before = world.aws.mutatingCalls().length;
      const run = await withNetworkStack(412, name);
      expect(run.exitCode).toBe(1);
      expect(errors(run).join('\n')).toMatch(message);
      expect(world.aws.mutatingCalls().slice(before)).toEqual([]);
      expect(world.aws.stack(stackOf(412))).toBeUndefined();
    },
    60_000,
  );
});

describe('the preflight in a shared network', () => {
  const freeIn = (subnet: string) =>
    world.aws.ec2.subnets().find((s) => s.subnetId === subnet)!.availableIpAddressCount;

  it('stops when a shared public subnet has fewer free addresses than a load balancer and a bastion need', async () => {
    // Leave 8: enough for ELB's floor, not for the bastion beside it.
    const taken = freeIn(SUBNETS[0]!) - 8;
    world.aws.ec2.useAddresses(SUBNETS[0]!, taken);
    const before = world.aws.mutatingCalls().length;
    try {
      const run = await open(421, NETWORK);
      expect(run.exitCode).toBe(1);
      expect(errors(run)).toEqual([
        expect.stringContaining(
          'Free IP addresses in subnet subnet-0aaaaaaaaaaaaaaa1: 8 free, the environment needs 9 there',
        ),
      ]);
      expect(errors(run)[0]).toContain('Nothing was created');
      expect(world.aws.mutatingCalls().slice(before)).toEqual([]);
      expect(world.aws.stack(stackOf(421))).toBeUndefined();
    } finally {
      world.aws.ec2.useAddresses(SUBNETS[0]!, -taken);
    }
  }, 60_000);

  it('stops at a full load balancer quota, counting other teams’ load balancers too', async () => {
    world.aws.elb.seed(LOAD_BALANCER_QUOTA - world.aws.elb.loadBalancers().length);
    // A network load balancer does not count against the Application Load Balancer quota.
    world.aws.elb.seed(3, 'network');
    const before = world.aws.mutatingCalls().length;
    const run = await open(422, NETWORK);
    expect(run.exitCode).toBe(1);
    expect(errors(run)).toEqual([
      expect.stringContaining(
        'Application Load Balancers per Region (L-53DA6B97) in us-east-1: 10 of 10 in use, the environment needs 1 more',
      ),
    ]);
    expect(world.aws.mutatingCalls().slice(before)).toEqual([]);
    expect(world.aws.stack(stackOf(422))).toBeUndefined();
  }, 60_000);
});
