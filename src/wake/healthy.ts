import type { DescribeTargetHealthCommandOutput } from '@aws-sdk/client-elastic-load-balancing-v2';

/**
 * How many of a target group's targets are healthy, from DescribeTargetHealth's answer: the
 * app's group must have one before its URL leaves the wake page, or the load balancer would
 * answer 503 (the wake function and the sweeper both ask). Pure.
 */
export function healthyCount(
  answer: Pick<DescribeTargetHealthCommandOutput, 'TargetHealthDescriptions'>,
): number {
  return (answer.TargetHealthDescriptions ?? []).filter((t) => t.TargetHealth?.State === 'healthy')
    .length;
}
