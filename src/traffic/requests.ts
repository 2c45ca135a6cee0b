/**
 * How many requests an environment's load balancer served in a window, from CloudWatch: the
 * `AWS/ApplicationELB` `RequestCount` metric, dimension `LoadBalancer` (the full name,
 * `app/<name>/<id>`), summed. A load balancer reports no datapoint for a minute without requests,
 * so no datapoints means no requests, as CloudWatch itself shows it.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';

/** One-minute periods: the finest ALB publishes. */
const PERIOD_SECONDS = 60;

export async function requestCount(
  cw: CloudWatchClient,
  loadBalancerFullName: string,
  from: Date,
  to: Date,
): Promise<number> {
  const { GetMetricDataCommand } = await import('../aws/sdk/cloudwatch.js');
  let total = 0;
  let NextToken: string | undefined;
  do {
    const page = await cw.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          {
            Id: 'requests',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/ApplicationELB',
                MetricName: 'RequestCount',
                Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancerFullName }],
              },
              Period: PERIOD_SECONDS,
              Stat: 'Sum',
            },
            ReturnData: true,
          },
        ],
        StartTime: from,
        EndTime: to,
        NextToken,
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      for (const value of result.Values ?? []) total += value;
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return total;
}
