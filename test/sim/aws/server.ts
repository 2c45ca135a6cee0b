/**
 * The HTTP front: identifies the service from the SigV4 credential scope, records each call,
 * applies injected call faults, and hands the request to the service.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CFN_NAMESPACE, type CloudFormationService } from './cloudformation.js';
import type { CloudWatchService } from './cloudwatch.js';
import { Ec2Error, ec2ErrorReply, type Ec2Service } from './ec2.js';
import { ELB_NAMESPACE, type ElbService } from './elbv2.js';
import type { CallFaults } from './faults.js';
import {
  QueryError,
  QueryParams,
  parseQueryBody,
  queryErrorResponse,
  queryResponse,
  type XmlReply,
} from './query-protocol.js';
import type { KmsService } from './kms.js';
import { RDS_NAMESPACE, type RdsService } from './rds.js';
import { s3Operation, type HttpReply, type S3Service } from './s3.js';
import type { EcrService } from './ecr.js';
import type { SsmService } from './ssm.js';
import { jsonErrorReply, type JsonReply, type ServiceQuotasService } from './service-quotas.js';

export type Service =
  | 'cloudformation'
  | 'rds'
  | 's3'
  | 'ec2'
  | 'servicequotas'
  | 'kms'
  | 'sts'
  | 'ecr'
  | 'ssm'
  | 'elasticloadbalancing'
  | 'monitoring';
const SERVICES: readonly string[] = [
  'cloudformation',
  'elasticloadbalancing',
  'monitoring',
  'rds',
  's3',
  'ec2',
  'servicequotas',
  'kms',
  'sts',
  'ecr',
  'ssm',
];
/**
 * The services that speak AWS JSON (the action in X-Amz-Target, the input in the body): 1.1, and
 * 1.0 for CloudWatch (signed as `monitoring`).
 */
type JsonService = 'servicequotas' | 'kms' | 'ecr' | 'ssm' | 'monitoring';
const JSON_SERVICES: readonly string[] = ['servicequotas', 'kms', 'ecr', 'ssm', 'monitoring'];

export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface CallRecord {
  service: Service | 'unknown';
  action: string;
  params: Record<string, unknown>;
  time: Date;
  /** The caller's access key ID from the SigV4 credential scope, as CloudTrail records it. */
  accessKeyId?: string;
  throttled?: boolean;
  /** HTTP status of the answer; undefined while the call is still being served (or hangs). */
  status?: number;
}

export interface Services {
  cloudformation: CloudFormationService;
  rds: RdsService;
  s3: S3Service;
  ec2: Ec2Service;
  elb: ElbService;
  cloudWatch: CloudWatchService;
  serviceQuotas: ServiceQuotasService;
  kms: KmsService;
  ecr: EcrService;
  ssm: SsmService;
  /** The account every service answers for. */
  accountId: string;
  faults: CallFaults;
  calls: CallRecord[];
}

/** Reads `Credential=AKID/20260101/us-east-1/cloudformation/aws4_request` (header or presigned query). */
function serviceOf(req: IncomingMessage, url: URL): Service | 'unknown' {
  const header = /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1];
  const scope = header ?? url.searchParams.get('X-Amz-Credential');
  // An unsigned GET/PUT/HEAD (curl, a browser) can only mean S3: the Query APIs are POSTed.
  if (scope === null) return req.method === 'POST' ? 'unknown' : 's3';
  const service = scope.split('/')[3];
  return service !== undefined && SERVICES.includes(service) ? (service as Service) : 'unknown';
}

function accessKeyOf(req: IncomingMessage, url: URL): string | undefined {
  const scope =
    /Credential=([^,\s]+)/.exec(req.headers.authorization ?? '')?.[1] ??
    url.searchParams.get('X-Amz-Credential');
  return scope?.split('/')[0] || undefined;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function answerQuery(
  services: Services,
  service: Service | 'unknown',
  params: QueryParams,
): XmlReply {
  const namespace = namespaceOf(service);
  try {
    if (service === 'unknown') {
      throw new QueryError(
        'MissingAuthenticationToken',
        'Request is missing a SigV4 credential scope',
        403,
      );
    }
    if (service === 'ec2') return services.ec2.handle(params);
    if (service === 'sts') {
      return queryResponse(params.action, callerIdentity(params, services.accountId), namespace);
    }
    const result =
      service === 'rds'
        ? services.rds.handle(params)
        : service === 'elasticloadbalancing'
          ? services.elb.handle(params)
          : services.cloudformation.handle(params);
    return queryResponse(params.action, result, namespace);
  } catch (error) {
    if (error instanceof QueryError) return queryErrorResponse(error, namespace);
    throw error;
  }
}

function namespaceOf(service: Service | 'unknown'): string {
  if (service === 'rds') return RDS_NAMESPACE;
  if (service === 'sts') return STS_NAMESPACE;
  if (service === 'elasticloadbalancing') return ELB_NAMESPACE;
  return CFN_NAMESPACE;
}

/** STS's GetCallerIdentity: the simulator's account, as the deploy role's session would see it. */
function callerIdentity(params: QueryParams, account: string): Record<string, unknown> {
  if (params.action !== 'GetCallerIdentity') {
    throw new QueryError(
      'InvalidAction',
      `Could not find operation ${params.action} for version 2011-06-15`,
    );
  }
  return {
    UserId: 'AROAPRENVDEPLOYROLE00:GitHubActions',
    Account: account,
    Arn: `arn:aws:sts::${account}:assumed-role/pr-env-deploy/GitHubActions`,
  };
}

const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

async function serveS3(
  services: Services,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: Buffer,
) {
  const request = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body,
  };
  const { action, bucket, key } = s3Operation(request);
  const call: CallRecord = {
    service: 's3',
    action,
    params: { Bucket: bucket, Key: key },
    time: new Date(),
    accessKeyId: accessKeyOf(req, url),
  };
  services.calls.push(call);
  await services.faults.waitWhileHung('s3', action);
  let reply: HttpReply;
  if (services.faults.shouldThrottle('s3', action)) {
    call.throttled = true;
    reply = { status: 503, headers: { 'content-type': 'application/xml' }, body: SLOW_DOWN };
  } else {
    reply = services.s3.handle(request);
  }
  call.status = reply.status;
  res.writeHead(reply.status, reply.headers);
  res.end(req.method === 'HEAD' ? undefined : reply.body);
}

/** Service Quotas, KMS and ECR speak JSON 1.1: the action is in X-Amz-Target, the input is the body. */
async function serveJson(
  services: Services,
  service: JsonService,
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
) {
  const target = String(req.headers['x-amz-target'] ?? '');
  const action = target.slice(target.indexOf('.') + 1);
  let params: Record<string, unknown> = {};
  try {
    params = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    // Answered as a failed call below, by the service.
  }
  const call: CallRecord = {
    service,
    action,
    params,
    time: new Date(),
    accessKeyId: accessKeyOf(req, new URL(req.url ?? '/', 'http://127.0.0.1')),
  };
  services.calls.push(call);
  await services.faults.waitWhileHung(service, action);
  let reply: JsonReply;
  if (services.faults.shouldThrottle(service, action)) {
    call.throttled = true;
    reply = jsonErrorReply('ThrottlingException', 'Rate exceeded');
  } else {
    const handler = {
      kms: services.kms,
      ecr: services.ecr,
      ssm: services.ssm,
      servicequotas: services.serviceQuotas,
      monitoring: services.cloudWatch,
    }[service];
    reply = handler.handle(target, body.toString('utf8'));
  }
  call.status = reply.status;
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}

export async function serve(
  services: Services,
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', baseUrl);
    const body = await readBody(req);
    const service = serviceOf(req, url);
    if (service === 's3') return await serveS3(services, req, res, url, body);
    if (JSON_SERVICES.includes(service)) {
      return await serveJson(services, service as JsonService, req, res, body);
    }
    const form = req.method === 'POST' ? body.toString('utf8') : url.search.slice(1);
    const params = new QueryParams(parseQueryBody(form));
    const call: CallRecord = {
      service,
      action: params.action,
      params: params.raw,
      time: new Date(),
      accessKeyId: accessKeyOf(req, url),
    };
    services.calls.push(call);
    await services.faults.waitWhileHung(service, call.action);
    let reply: XmlReply;
    if (services.faults.shouldThrottle(service, call.action)) {
      call.throttled = true;
      reply =
        service === 'ec2'
          ? ec2ErrorReply(new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.', 503))
          : queryErrorResponse(new QueryError('Throttling', 'Rate exceeded'), namespaceOf(service));
    } else {
      reply = answerQuery(services, service, params);
    }
    call.status = reply.status;
    res.writeHead(reply.status, {
      'content-type': 'text/xml',
      'x-amzn-requestid': reply.requestId,
    });
    res.end(reply.body);
  } catch (error) {
    console.error('aws simulator: request failed', error);
    if (res.headersSent || res.destroyed) return void res.end();
    const reply = queryErrorResponse(
      new QueryError('InternalFailure', String(error), 500, 'Receiver'),
      CFN_NAMESPACE,
    );
    res.writeHead(500, { 'content-type': 'text/xml' });
    res.end(reply.body);
  }
}
