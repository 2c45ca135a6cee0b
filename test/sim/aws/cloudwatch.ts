/**
 * CloudWatch's GetMetricData, for the one metric pr-env reads: an Application Load Balancer's
 * `AWS/ApplicationELB` `RequestCount` (dimension `LoadBalancer`, statistic `Sum`). AWS JSON 1.0,
 * as the SDK speaks it (`X-Amz-Target: GraniteServiceVersion20100801.GetMetricData`, timestamps
 * in epoch seconds), with the awsQuery-compatible error code header. Requests are what a test
 * records with `cloudWatch.recordRequests(…)`; as for a real load balancer, a period without
 * requests has no datapoint at all.
 */
import { randomUUID } from 'node:crypto';
import type { JsonReply } from './service-quotas.js';

export const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801';

const ID = /^[a-z][a-zA-Z0-9_]*$/;

interface MetricQuery {
  Id?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Metric?: {
      Namespace?: string;
      MetricName?: string;
      Dimensions?: Array<{ Name?: string; Value?: string }>;
    };
    Period?: number;
    Stat?: string;
  };
}

function reply(status: number, payload: unknown, errorCode?: string): JsonReply {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      ...(errorCode ? { 'x-amzn-query-error': `${errorCode};Sender` } : {}),
    },
    body: JSON.stringify(payload),
  };
}

const invalid = (message: string) =>
  reply(400, { __type: 'InvalidParameterValue', message }, 'InvalidParameterValue');

export class CloudWatchService {
  /** Requests per load balancer full name (`app/name/id`), each with its time. */
  private readonly requests = new Map<string, Array<{ at: number; count: number }>>();
  private denied = false;

  constructor(private readonly options: { accountId: string }) {}

  /** `count` requests served by the load balancer at `at` (what ALB would report). */
  recordRequests(loadBalancerFullName: string, at: Date, count = 1): void {
    const list = this.requests.get(loadBalancerFullName) ?? [];
    list.push({ at: at.getTime(), count });
    this.requests.set(loadBalancerFullName, list);
  }

  /** Answers AccessDenied, as IAM does without cloudwatch:GetMetricData. */
  deny(): void {
    this.denied = true;
  }

  handle(target: string, body: string): JsonReply {
    const action = target.slice(target.indexOf('.') + 1);
    if (!target.startsWith(`${CLOUDWATCH_TARGET}.`) || action !== 'GetMetricData') {
      return reply(400, { __type: 'UnknownOperationException' });
    }
    if (this.denied) {
      return reply(
        400,
        {
          __type: 'AccessDenied',
          message: `User: arn:aws:sts::${this.options.accountId}:assumed-role/pr-env-deploy/GitHubActions is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action`,
        },
        'AccessDenied',
      );
    }
    let input: {
      MetricDataQueries?: MetricQuery[];
      StartTime?: number;
      EndTime?: number;
    };
    try {
      input = JSON.parse(body || '{}');
    } catch {
      return reply(400, { __type: 'SerializationException' });
    }
    const queries = input.MetricDataQueries ?? [];
    if (input.StartTime === undefined || input.EndTime === undefined || queries.length === 0) {
      return reply(
        400,
        {
          __type: 'MissingParameter',
          message: 'The parameters MetricDataQueries, StartTime and EndTime are required.',
        },
        'MissingParameter',
      );
    }
    const start = input.StartTime * 1000;
    const end = input.EndTime * 1000;
    if (start >= end) {
      return invalid('The parameter StartTime must be less than the parameter EndTime.');
    }
    const results = [];
    for (const query of queries) {
      if (!query.Id || !ID.test(query.Id)) {
        return invalid(
          `The value ${query.Id} for parameter MetricDataQueries.member.1.Id is not valid: it must start with a lowercase letter and contain only letters, digits and underscores.`,
        );
      }
      const stat = query.MetricStat;
      const period = stat?.Period ?? 0;
      if (period < 60 || period % 60 !== 0) {
        return invalid(
          'The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60.',
        );
      }
      const metric = stat?.Metric;
      const balancer = metric?.Dimensions?.find((d) => d.Name === 'LoadBalancer')?.Value;
      const counted =
        metric?.Namespace === 'AWS/ApplicationELB' &&
        metric.MetricName === 'RequestCount' &&
        stat?.Stat === 'Sum' &&
        balancer !== undefined;
      // Newest first, as GetMetricData's default ScanBy (TimestampDescending) returns them.
      const buckets = new Map<number, number>();
      for (const r of counted ? (this.requests.get(balancer) ?? []) : []) {
        if (r.at < start || r.at >= end) continue;
        const bucket = start + Math.floor((r.at - start) / (period * 1000)) * period * 1000;
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + r.count);
      }
      const times = [...buckets.keys()].sort((a, b) => b - a);
      if (query.ReturnData === false) continue;
      results.push({
        Id: query.Id,
        Label: metric?.MetricName ?? query.Id,
        Timestamps: times.map((t) => t / 1000),
        Values: times.map((t) => buckets.get(t)),
        StatusCode: 'Complete',
      });
    }
    return reply(200, { MetricDataResults: results, Messages: [] });
  }
}
