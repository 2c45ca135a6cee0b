/**
 * Service Quotas' GetServiceQuota for the quotas a new environment can hit, in the JSON 1.1
 * protocol (`X-Amz-Target: ServiceQuotasV20190624.GetServiceQuota`). Values come from the
 * simulator's `quotas` option, keyed by the resource type they limit; a quota nobody configured
 * is effectively unlimited, as the simulator enforces none by default.
 */
import { randomUUID } from 'node:crypto';
import { UNLIMITED_QUOTA } from './ec2.js';

export const SERVICE_QUOTAS_TARGET = 'ServiceQuotasV20190624';

interface QuotaEntry {
  name: string;
  /** The resource type whose `quotas` entry sets the value. */
  type: string;
  serviceName: string;
}

const CATALOG: Record<string, QuotaEntry> = {
  'vpc/L-F678F1CE': {
    name: 'VPCs per Region',
    type: 'AWS::EC2::VPC',
    serviceName: 'Amazon Virtual Private Cloud (Amazon VPC)',
  },
  'vpc/L-FE5A380F': {
    name: 'NAT gateways per Availability Zone',
    type: 'AWS::EC2::NatGateway',
    serviceName: 'Amazon Virtual Private Cloud (Amazon VPC)',
  },
  'vpc/L-A4707A72': {
    name: 'Internet gateways per Region',
    type: 'AWS::EC2::InternetGateway',
    serviceName: 'Amazon Virtual Private Cloud (Amazon VPC)',
  },
  'elasticloadbalancing/L-53DA6B97': {
    name: 'Application Load Balancers per Region',
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    serviceName: 'Elastic Load Balancing (ELB)',
  },
  'ec2/L-0263D0A3': {
    name: 'EC2-VPC Elastic IPs',
    type: 'AWS::EC2::EIP',
    serviceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
  },
};

export interface JsonReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An error a JSON 1.1 service answers with: its `__type`, message and status. */
export class JsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** A JSON 1.1 answer, as AWS's JSON services shape it. */
export function jsonReply(status: number, payload: unknown, errorType?: string): JsonReply {
  return {
    status,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
    body: JSON.stringify(payload),
  };
}

export function jsonErrorReply(type: string, message: string, status = 400): JsonReply {
  return jsonReply(status, { __type: type, Message: message }, type);
}

export class ServiceQuotasService {
  private denied = false;

  constructor(
    private readonly options: { region: string; accountId: string; quotas: Record<string, number> },
  ) {}

  /** Answers every call with AccessDeniedException, as without servicequotas:GetServiceQuota. */
  deny(): void {
    this.denied = true;
  }

  allow(): void {
    this.denied = false;
  }

  /** `target` is the X-Amz-Target header: `ServiceQuotasV20190624.<Action>`. */
  handle(target: string, body: string): JsonReply {
    const action = target.startsWith(`${SERVICE_QUOTAS_TARGET}.`)
      ? target.slice(SERVICE_QUOTAS_TARGET.length + 1)
      : '';
    try {
      if (this.denied) {
        throw new JsonError(
          'AccessDeniedException',
          `User: arn:aws:sts::${this.options.accountId}:assumed-role/pr-env-deploy/GitHubActions is not authorized to perform: servicequotas:${action} because no identity-based policy allows the servicequotas:${action} action`,
        );
      }
      if (action !== 'GetServiceQuota') {
        throw new JsonError('UnknownOperationException', `Unknown operation ${target}`);
      }
      return jsonReply(200, {
        Quota: this.quota(JSON.parse(body || '{}') as Record<string, unknown>),
      });
    } catch (error) {
      if (error instanceof JsonError)
        return jsonErrorReply(error.type, error.message, error.status);
      throw error;
    }
  }

  private quota(input: Record<string, unknown>) {
    const service = String(input.ServiceCode ?? '');
    const code = String(input.QuotaCode ?? '');
    const entry = CATALOG[`${service}/${code}`];
    if (!entry) {
      throw new JsonError(
        'NoSuchResourceException',
        `The request failed because the specified quota ${code} of service ${service} does not exist.`,
      );
    }
    return {
      ServiceCode: service,
      ServiceName: entry.serviceName,
      QuotaArn: `arn:aws:servicequotas:${this.options.region}:${this.options.accountId}:${service}/${code}`,
      QuotaCode: code,
      QuotaName: entry.name,
      Value: this.options.quotas[entry.type] ?? UNLIMITED_QUOTA,
      Unit: 'None',
      Adjustable: true,
      GlobalQuota: false,
    };
  }
}
