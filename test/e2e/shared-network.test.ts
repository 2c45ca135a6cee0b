/**
 * The shared network through the simulator: two PRs placed in one VPC, the bootstrap stack's
 * (network-stack), neither creating a network of its own, and the preflight not tripped by an
 * account whose VPC and Elastic IP quotas are full; a missing or foreign network-stack refused
 * with nothing created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
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

let world: World;
beforeAll(async () => {
  // No room for one more VPC or Elastic IP: only the shared mode can deploy.
  world = await startWorld({ quotas: { 'AWS::EC2::VPC': 0, 'AWS::EC2::EIP': 0 } });
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
      expect(run.outputs.status).toBe('CREATE_COMPLETE');
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
