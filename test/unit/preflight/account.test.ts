import {
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { isPermissionError, readAccount } from '../../../src/preflight/account.js';

const ec2Mock = mockClient(EC2Client);
const sqMock = mockClient(ServiceQuotasClient);
const elbMock = mockClient(ElasticLoadBalancingV2Client);
const clients = {
  ec2: async () => new EC2Client({ region: 'us-east-1' }),
  serviceQuotas: async () => new ServiceQuotasClient({ region: 'us-east-1' }),
  elasticLoadBalancing: async () => new ElasticLoadBalancingV2Client({ region: 'us-east-1' }),
};
/** A network of its own: what the bundled template needs by default. */
const single = {
  vpcs: 1,
  elasticIps: 1,
  natGateways: [{ index: 0 }],
  loadBalancers: 1,
  subnetAddresses: {},
};
/** In a shared network: a load balancer, and addresses in existing subnets. */
const shared = {
  vpcs: 0,
  elasticIps: 0,
  natGateways: [],
  loadBalancers: 1,
  subnetAddresses: { 'subnet-0a': 9, 'subnet-0c': 2 },
};

/** An SDK error as a refusal by IAM arrives. */
function denied(name: string, status: number) {
  return Object.assign(new Error(`You are not authorized to perform this operation.`), {
    name,
    $metadata: { httpStatusCode: status },
  });
}

beforeEach(() => {
  ec2Mock.reset();
  sqMock.reset();
  elbMock.reset();
  elbMock.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });
  ec2Mock
    .on(DescribeVpcsCommand)
    .resolves({ Vpcs: [{ VpcId: 'vpc-1' }] })
    .on(DescribeAddressesCommand)
    .resolves({ Addresses: [] })
    .on(DescribeAccountAttributesCommand)
    .resolves({
      AccountAttributes: [
        { AttributeName: 'max-instances', AttributeValues: [{ AttributeValue: '20' }] },
        { AttributeName: 'vpc-max-elastic-ips', AttributeValues: [{ AttributeValue: '12' }] },
      ],
    })
    .on(DescribeNatGatewaysCommand)
    .resolves({ NatGateways: [] })
    .on(DescribeAvailabilityZonesCommand)
    .resolves({
      AvailabilityZones: [{ ZoneName: 'us-east-1b' }, { ZoneName: 'us-east-1a' }],
    });
  sqMock.on(GetServiceQuotaCommand).callsFake(async (input: { QuotaCode: string }) => ({
    Quota: { QuotaCode: input.QuotaCode, Value: input.QuotaCode === 'L-F678F1CE' ? 10 : 8 },
  }));
});

describe('readAccount', () => {
  it('counts across every page and reads each quota from its source', async () => {
    ec2Mock
      .on(DescribeVpcsCommand)
      .resolvesOnce({ Vpcs: [{ VpcId: 'vpc-1' }, { VpcId: 'vpc-2' }], NextToken: 't1' })
      .resolvesOnce({ Vpcs: [{ VpcId: 'vpc-3' }] });
    ec2Mock.on(DescribeAddressesCommand).resolves({
      Addresses: [
        { AllocationId: 'a', Domain: 'vpc' },
        { AllocationId: 'b', Domain: 'vpc' },
      ],
    });
    const reading = await readAccount(clients, single);
    expect(reading.usage).toMatchObject({
      vpcs: 3,
      elasticIps: 2,
      zones: ['us-east-1a', 'us-east-1b'],
    });
    expect(reading.quotas).toEqual({
      vpcs: { value: 10, source: 'service-quotas' },
      elasticIps: { value: 12, source: 'account-attribute' },
      natGatewaysPerZone: { value: 8, source: 'service-quotas' },
      loadBalancers: { value: 8, source: 'service-quotas' },
    });
    expect(reading.skipped).toEqual([]);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand).map((c) => c.args[0].input.NextToken)).toEqual(
      [undefined, 't1'],
    );
    expect(
      sqMock
        .commandCalls(GetServiceQuotaCommand)
        .map((c) => `${c.args[0].input.ServiceCode}/${c.args[0].input.QuotaCode}`)
        .sort(),
    ).toEqual(['elasticloadbalancing/L-53DA6B97', 'vpc/L-F678F1CE', 'vpc/L-FE5A380F']);
  });

  it("counts live NAT gateways per zone, through the zone of each one's subnet", async () => {
    ec2Mock
      .on(DescribeNatGatewaysCommand)
      .resolvesOnce({
        NatGateways: [
          { NatGatewayId: 'nat-1', SubnetId: 'subnet-a' },
          { NatGatewayId: 'nat-2', SubnetId: 'subnet-a' },
        ],
        NextToken: 'n1',
      })
      .resolvesOnce({ NatGateways: [{ NatGatewayId: 'nat-3', SubnetId: 'subnet-b' }] });
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-a', AvailabilityZone: 'us-east-1a' },
        { SubnetId: 'subnet-b', AvailabilityZone: 'us-east-1c' },
      ],
    });
    const reading = await readAccount(clients, single);
    expect(reading.usage.natGatewaysByZone).toEqual({ 'us-east-1a': 2, 'us-east-1c': 1 });
    // Only gateways that hold a place in the quota are asked for.
    expect(ec2Mock.commandCalls(DescribeNatGatewaysCommand)[0]?.args[0].input.Filter).toEqual([
      { Name: 'state', Values: ['pending', 'available', 'deleting'] },
    ]);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'subnet-id', Values: ['subnet-a', 'subnet-b'] },
    ]);
  });

  it('skips a check it may not make, naming the permission, and runs the others', async () => {
    ec2Mock.on(DescribeVpcsCommand).rejects(denied('UnauthorizedOperation', 403));
    const reading = await readAccount(clients, single);
    expect(reading.usage.vpcs).toBeUndefined();
    expect(reading.usage.elasticIps).toBe(0);
    expect(reading.skipped).toEqual([
      expect.stringMatching(/^Counting VPCs not allowed \(ec2:DescribeVpcs\): You are not/),
    ]);
  });

  it('assumes AWS defaults when Service Quotas or the account attribute cannot be read', async () => {
    sqMock.on(GetServiceQuotaCommand).rejects(denied('AccessDeniedException', 400));
    ec2Mock.on(DescribeAccountAttributesCommand).resolves({ AccountAttributes: [] });
    const reading = await readAccount(clients, single);
    expect(reading.quotas).toEqual({
      vpcs: { value: 5, source: 'default' },
      elasticIps: { value: 5, source: 'default' },
      natGatewaysPerZone: { value: 5, source: 'default' },
      loadBalancers: { value: 50, source: 'default' },
    });
    // They are read at once: their order is the order they answer in.
    expect([...reading.assumed].sort()).toEqual([
      expect.stringMatching(
        /^Application Load Balancers per Region: assuming AWS's default of 50, reading it not allowed \(servicequotas:GetServiceQuota\)/,
      ),
      "EC2-VPC Elastic IPs: assuming AWS's default of 5, reading it failed: DescribeAccountAttributes returned no vpc-max-elastic-ips",
      expect.stringMatching(
        /^NAT gateways per Availability Zone: assuming AWS's default of 5, reading it not allowed \(servicequotas:GetServiceQuota\)/,
      ),
      expect.stringMatching(
        /^VPCs per Region: assuming AWS's default of 5, reading it not allowed \(servicequotas:GetServiceQuota\)/,
      ),
    ]);
    expect(reading.skipped).toEqual([]);
  });

  it('asks only what the template needs', async () => {
    await readAccount(clients, {
      vpcs: 0,
      elasticIps: 1,
      natGateways: [{ name: 'us-east-1a' }],
      loadBalancers: 0,
      subnetAddresses: {},
    });
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toEqual([]);
    expect(elbMock.commandCalls(DescribeLoadBalancersCommand)).toEqual([]);
    // A zone the template names needs no zone list.
    expect(ec2Mock.commandCalls(DescribeAvailabilityZonesCommand)).toEqual([]);
    expect(
      sqMock.commandCalls(GetServiceQuotaCommand).map((c) => c.args[0].input.QuotaCode),
    ).toEqual(['L-FE5A380F']);
  });

  it('in a shared network: counts application load balancers on every page and the free addresses of the subnets used, nothing of VPCs or NAT gateways', async () => {
    elbMock
      .on(DescribeLoadBalancersCommand)
      .resolvesOnce({
        LoadBalancers: [
          { LoadBalancerName: 'a', Type: 'application' },
          { LoadBalancerName: 'n', Type: 'network' },
        ],
        NextMarker: 'm1',
      })
      .resolvesOnce({ LoadBalancers: [{ LoadBalancerName: 'b', Type: 'application' }] });
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-0a', AvailableIpAddressCount: 240 },
        { SubnetId: 'subnet-0c', AvailableIpAddressCount: 1 },
      ],
    });
    const reading = await readAccount(clients, shared);
    expect(reading.usage).toEqual({
      loadBalancers: 2,
      freeAddresses: { 'subnet-0a': 240, 'subnet-0c': 1 },
    });
    expect(reading.quotas.loadBalancers).toEqual({ value: 8, source: 'service-quotas' });
    expect(
      elbMock.commandCalls(DescribeLoadBalancersCommand).map((c) => c.args[0].input.Marker),
    ).toEqual([undefined, 'm1']);
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'subnet-id', Values: ['subnet-0a', 'subnet-0c'] },
    ]);
    expect(ec2Mock.commandCalls(DescribeVpcsCommand)).toEqual([]);
    expect(ec2Mock.commandCalls(DescribeNatGatewaysCommand)).toEqual([]);
  });

  it('skips the address check when a subnet is missing or the load balancer count is refused', async () => {
    elbMock.on(DescribeLoadBalancersCommand).rejects(denied('AccessDenied', 403));
    ec2Mock
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-0a', AvailableIpAddressCount: 240 }] });
    const reading = await readAccount(clients, shared);
    expect(reading.usage.loadBalancers).toBeUndefined();
    expect(reading.usage.freeAddresses).toBeUndefined();
    expect([...reading.skipped].sort()).toEqual([
      expect.stringMatching(
        /^Counting load balancers not allowed \(elasticloadbalancing:DescribeLoadBalancers\)/,
      ),
      "Counting the subnets' free addresses failed: DescribeSubnets did not return subnet-0c",
    ]);
  });
});

describe('isPermissionError', () => {
  it('knows IAM refusals from EC2, Service Quotas and any 403, and nothing else', () => {
    expect(isPermissionError(denied('UnauthorizedOperation', 403))).toBe(true);
    expect(isPermissionError(denied('AccessDeniedException', 400))).toBe(true);
    expect(isPermissionError(denied('SomethingElse', 403))).toBe(true);
    expect(isPermissionError(denied('RequestLimitExceeded', 503))).toBe(false);
    expect(isPermissionError(undefined)).toBe(false);
  });
});
