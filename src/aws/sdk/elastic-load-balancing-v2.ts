// What pr-env uses of Elastic Load Balancing v2 (the preflight's load balancer count, the
// sweeper's look at a waking environment's instances), loaded on first use; importing this
// module rather than the package keeps only these names in the bundle.
export {
  DescribeLoadBalancersCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
