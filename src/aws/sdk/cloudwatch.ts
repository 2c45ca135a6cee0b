// What pr-env uses of CloudWatch (a load balancer's requests, for sleep-after-idle-minutes),
// loaded on first use; importing this module rather than the package keeps only these names.
export { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
