// What pr-env uses of RDS, loaded on first use (see ec2.ts for why not the package itself).
export {
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  RDSClient,
  StartDBClusterCommand,
  StopDBClusterCommand,
} from '@aws-sdk/client-rds';
