/**
 * Plausible physical IDs and Fn::GetAtt values, shaped like the real ones so that code parsing
 * them (an ALB DNS name, an Aurora endpoint, an ARN) sees what it would see in AWS.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface Placement {
  stackName: string;
  region: string;
  accountId: string;
}

type Props = Record<string, unknown>;

function randomHex(length: number): string {
  return randomBytes(length).toString('hex').slice(0, length);
}

function randomSuffix(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Stable pseudo-random text derived from `seed`, so repeated GetAtt calls agree. */
function stable(seed: string, length: number, alphabet = '0123456789abcdef'): string {
  const digest = createHash('sha256').update(seed).digest();
  return [...digest]
    .slice(0, length)
    .map((b) => alphabet[b % alphabet.length])
    .join('');
}

/** CloudFormation's generated names: `stack-Logical-RANDOM`, trimmed to the service's limit. */
function generatedName(place: Placement, logicalId: string, maxLength = 128): string {
  const suffix = randomSuffix(12);
  const room = Math.max(2, maxLength - suffix.length - 2);
  const stackPart = place.stackName.slice(0, Math.ceil(room / 2));
  const logicalPart = logicalId.slice(0, room - stackPart.length);
  return `${stackPart}-${logicalPart}-${suffix}`;
}

const EC2_PREFIXES: Record<string, string> = {
  'AWS::EC2::VPC': 'vpc',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::InternetGateway': 'igw',
  'AWS::EC2::NatGateway': 'nat',
  'AWS::EC2::RouteTable': 'rtb',
  'AWS::EC2::SecurityGroup': 'sg',
  'AWS::EC2::Instance': 'i',
  'AWS::EC2::LaunchTemplate': 'lt',
  'AWS::EC2::NetworkAcl': 'acl',
  'AWS::EC2::VPCEndpoint': 'vpce',
  'AWS::EC2::NetworkInterface': 'eni',
  'AWS::EC2::Volume': 'vol',
  'AWS::EC2::SubnetRouteTableAssociation': 'rtbassoc',
  'AWS::EC2::SecurityGroupIngress': 'sgr',
  'AWS::EC2::SecurityGroupEgress': 'sgr',
  'AWS::EC2::TransitGateway': 'tgw',
  'AWS::EC2::FlowLog': 'fl',
};

// Types whose physical ID is a name the template may set, and whether AWS lowercases it.
const NAMED: Record<string, { prop: string; lower?: boolean; max?: number }> = {
  'AWS::S3::Bucket': { prop: 'BucketName', lower: true, max: 63 },
  'AWS::IAM::Role': { prop: 'RoleName', max: 64 },
  'AWS::IAM::InstanceProfile': { prop: 'InstanceProfileName', max: 128 },
  'AWS::RDS::DBCluster': { prop: 'DBClusterIdentifier', lower: true, max: 63 },
  'AWS::RDS::DBInstance': { prop: 'DBInstanceIdentifier', lower: true, max: 63 },
  'AWS::RDS::DBSubnetGroup': { prop: 'DBSubnetGroupName', lower: true, max: 255 },
  'AWS::RDS::DBClusterParameterGroup': { prop: 'DBClusterParameterGroupName', lower: true },
  'AWS::RDS::DBParameterGroup': { prop: 'DBParameterGroupName', lower: true },
  'AWS::Logs::LogGroup': { prop: 'LogGroupName', max: 512 },
  'AWS::CloudWatch::Dashboard': { prop: 'DashboardName', max: 255 },
  'AWS::SSM::Parameter': { prop: 'Name', max: 1011 },
  'AWS::AutoScaling::AutoScalingGroup': { prop: 'AutoScalingGroupName', max: 255 },
  'AWS::Lambda::Function': { prop: 'FunctionName', max: 64 },
  'AWS::DynamoDB::Table': { prop: 'TableName', max: 255 },
  'AWS::ECS::Cluster': { prop: 'ClusterName', max: 255 },
  'AWS::EC2::KeyPair': { prop: 'KeyName', max: 255 },
};

function nameFor(type: string, logicalId: string, props: Props, place: Placement): string {
  const rule = NAMED[type];
  const given =
    rule && typeof props[rule.prop] === 'string' ? (props[rule.prop] as string) : undefined;
  const name = given ?? generatedName(place, logicalId, rule?.max ?? 128);
  return rule?.lower ? name.toLowerCase() : name;
}

const NAME_PROPERTIES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(NAMED).map(([type, rule]) => [type, rule.prop])),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
};

/** The name a template gives a resource, which a replacement could not reuse. */
export function customNameOf(type: string, props: Props): string | undefined {
  const prop = NAME_PROPERTIES[type];
  const value = prop ? props[prop] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function arn(place: Placement, service: string, resource: string, global = false): string {
  return `arn:aws:${service}:${global ? '' : place.region}:${place.accountId}:${resource}`;
}

/** A fresh physical ID for a newly created (or replacement) resource. */
export function newPhysicalId(
  type: string,
  logicalId: string,
  props: Props,
  place: Placement,
): string {
  const prefix = EC2_PREFIXES[type];
  if (prefix) return `${prefix}-0${randomHex(16)}`;
  switch (type) {
    case 'AWS::EC2::EIP':
      return `54.${[1, 2, 3].map(() => randomBytes(1)[0] ?? 1).join('.')}`;
    case 'AWS::EC2::VPCGatewayAttachment':
      return `IGW|${String(props.VpcId ?? 'vpc')}`;
    case 'AWS::EC2::Route':
      return `${String(props.RouteTableId ?? 'rtb')}|${String(props.DestinationCidrBlock ?? '0.0.0.0/0')}`;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer': {
      const name =
        typeof props.Name === 'string' ? props.Name : generatedName(place, logicalId, 32);
      return arn(place, 'elasticloadbalancing', `loadbalancer/app/${name}/${randomHex(16)}`);
    }
    case 'AWS::ElasticLoadBalancingV2::TargetGroup': {
      const name =
        typeof props.Name === 'string' ? props.Name : generatedName(place, logicalId, 32);
      return arn(place, 'elasticloadbalancing', `targetgroup/${name}/${randomHex(16)}`);
    }
    case 'AWS::ElasticLoadBalancingV2::Listener':
      return arn(
        place,
        'elasticloadbalancing',
        `listener/app/${logicalId}/${randomHex(16)}/${randomHex(16)}`,
      );
    case 'AWS::SecretsManager::Secret': {
      const name = typeof props.Name === 'string' ? props.Name : generatedName(place, logicalId);
      return arn(place, 'secretsmanager', `secret:${name}-${randomSuffix(6)}`);
    }
    case 'AWS::SNS::Topic':
      return arn(place, 'sns', generatedName(place, logicalId, 256));
    case 'AWS::SQS::Queue':
      return `https://sqs.${place.region}.amazonaws.com/${place.accountId}/${generatedName(place, logicalId, 80)}`;
    case 'AWS::IAM::ManagedPolicy':
      return arn(place, 'iam', `policy/${generatedName(place, logicalId)}`, true);
    case 'AWS::CloudFormation::WaitConditionHandle':
      return `https://cloudformation-waitcondition-${place.region}.s3.amazonaws.com/${randomHex(32)}`;
  }
  return nameFor(type, logicalId, props, place);
}

function databasePort(props: Props): string {
  if (props.Port !== undefined) return String(props.Port);
  return /mysql|aurora$/.test(String(props.Engine ?? '')) ? '3306' : '5432';
}

function lastSegment(value: string, index: number): string {
  return value.split('/').at(index) ?? value;
}

/** What Fn::GetAtt returns for `attribute` of a provisioned resource. */
export function attributeValue(
  type: string,
  physicalId: string,
  props: Props,
  attribute: string,
  place: Placement,
): unknown {
  const { region } = place;
  switch (`${type}.${attribute}`) {
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.DNSName':
      return `${lastSegment(physicalId, -2)}-${stable(physicalId, 10, '0123456789')}.${region}.elb.amazonaws.com`;
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.CanonicalHostedZoneID':
      return 'Z35SXDOTRQ7X7K';
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerFullName':
      return physicalId.split(':loadbalancer/')[1];
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerName':
      return lastSegment(physicalId, -2);
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupFullName':
      return physicalId.split(':')[5];
    case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupName':
      return lastSegment(physicalId, -2);
    case 'AWS::RDS::DBCluster.Endpoint.Address':
      return `${physicalId}.cluster-${stable(region + place.accountId, 12)}.${region}.rds.amazonaws.com`;
    case 'AWS::RDS::DBCluster.ReadEndpoint.Address':
      return `${physicalId}.cluster-ro-${stable(region + place.accountId, 12)}.${region}.rds.amazonaws.com`;
    case 'AWS::RDS::DBCluster.Endpoint.Port':
    case 'AWS::RDS::DBInstance.Endpoint.Port':
      return databasePort(props);
    case 'AWS::RDS::DBCluster.DBClusterArn':
      return arn(place, 'rds', `cluster:${physicalId}`);
    case 'AWS::RDS::DBCluster.DBClusterResourceId':
      return `cluster-${stable(physicalId, 26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    case 'AWS::RDS::DBInstance.Endpoint.Address':
      return `${physicalId}.${stable(region + place.accountId, 12)}.${region}.rds.amazonaws.com`;
    case 'AWS::RDS::DBInstance.DBInstanceArn':
      return arn(place, 'rds', `db:${physicalId}`);
    case 'AWS::EC2::VPC.DefaultSecurityGroup':
      return `sg-0${stable(physicalId, 16)}`;
    case 'AWS::EC2::VPC.DefaultNetworkAcl':
      return `acl-0${stable(physicalId, 16)}`;
    case 'AWS::EC2::VPC.CidrBlockAssociations':
      return [`vpc-cidr-assoc-0${stable(physicalId, 16)}`];
    case 'AWS::EC2::VPC.Ipv6CidrBlocks':
      return [];
    case 'AWS::EC2::Subnet.AvailabilityZone':
    case 'AWS::EC2::Instance.AvailabilityZone':
      return props.AvailabilityZone ?? `${region}a`;
    case 'AWS::EC2::Instance.PrivateIp':
      return `10.0.${stable(physicalId, 1, '0123456789')}.${10 + Number(stable(physicalId, 2, '0123456789'))}`;
    case 'AWS::EC2::Instance.PublicIp':
      return `54.${stable(physicalId, 2, '0123456789')}.${stable(physicalId + 'b', 2, '0123456789')}.10`;
    case 'AWS::EC2::Instance.PrivateDnsName':
      return `ip-10-0-1-10.${region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`}`;
    case 'AWS::EC2::Instance.PublicDnsName':
      return `ec2-54-0-0-10.compute-1.amazonaws.com`;
    case 'AWS::EC2::EIP.PublicIp':
      return physicalId;
    case 'AWS::EC2::EIP.AllocationId':
      return `eipalloc-0${stable(physicalId, 16)}`;
    case 'AWS::EC2::LaunchTemplate.LatestVersionNumber':
    case 'AWS::EC2::LaunchTemplate.DefaultVersionNumber':
      return '1';
    case 'AWS::IAM::Role.Arn':
      return arn(place, 'iam', `role/${physicalId}`, true);
    case 'AWS::IAM::Role.RoleId':
      return `AROA${stable(physicalId, 17, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`;
    case 'AWS::IAM::InstanceProfile.Arn':
      return arn(place, 'iam', `instance-profile/${physicalId}`, true);
    case 'AWS::S3::Bucket.Arn':
      return `arn:aws:s3:::${physicalId}`;
    case 'AWS::S3::Bucket.DomainName':
      return `${physicalId}.s3.amazonaws.com`;
    case 'AWS::S3::Bucket.RegionalDomainName':
      return `${physicalId}.s3.${region}.amazonaws.com`;
    case 'AWS::Lambda::Function.Arn':
      return arn(place, 'lambda', `function:${physicalId}`);
    case 'AWS::Logs::LogGroup.Arn':
      return arn(place, 'logs', `log-group:${physicalId}:*`);
    case 'AWS::SecretsManager::Secret.Id':
      return physicalId;
  }
  return genericAttribute(type, physicalId, props, attribute, place);
}

function genericAttribute(
  type: string,
  physicalId: string,
  props: Props,
  attribute: string,
  place: Placement,
): unknown {
  if (props[attribute] !== undefined) return props[attribute];
  if (physicalId.startsWith('arn:') && /Arn$/.test(attribute)) return physicalId;
  if (/Arn$/.test(attribute)) {
    const [, service = 'service', kind = 'resource'] = type.toLowerCase().split('::');
    return arn(place, service, `${kind}/${physicalId}`);
  }
  if (/Id$/.test(attribute)) return physicalId;
  return `${physicalId}-${attribute.replace(/\./g, '-')}`;
}
