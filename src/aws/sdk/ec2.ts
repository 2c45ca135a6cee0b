// What pr-env uses of EC2, loaded on first use. A dynamic import of the client package itself
// would keep every command and schema of it in the bundle (an import() namespace cannot be
// tree-shaken); importing this module instead keeps only the names below.
export {
  DescribeAccountAttributesCommand,
  DescribeAddressesCommand,
  DescribeAvailabilityZonesCommand,
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
