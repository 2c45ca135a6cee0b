/**
 * The HTTP front: identifies the service from the SigV4 credential scope, records each call,
 * applies injected call faults, and hands the request to the service.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CFN_NAMESPACE, type CloudFormationService } from './cloudformation.js';
import type { CallFaults } from './faults.js';
import {
  QueryError,
  QueryParams,
  parseQueryBody,
  queryErrorResponse,
  queryResponse,
  type XmlReply,
} from './query-protocol.js';
import { RDS_NAMESPACE, type RdsService } from './rds.js';
import { s3Operation, type HttpReply, type S3Service } from './s3.js';

export type Service = 'cloudformation' | 'rds' | 's3';

export interface CallRecord {
  service: Service | 'unknown';
  action: string;
  params: Record<string, unknown>;
  time: Date;
  throttled?: boolean;
  /** HTTP status of the answer; undefined while the call is still being served (or hangs). */
  status?: number;
}

export interface Services {
  cloudformation: CloudFormationService;
  rds: RdsService;
  s3: S3Service;
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
  return service === 'cloudformation' || service === 'rds' || service === 's3'
    ? service
    : 'unknown';
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
  const namespace = service === 'rds' ? RDS_NAMESPACE : CFN_NAMESPACE;
  try {
    if (service === 'unknown') {
      throw new QueryError(
        'MissingAuthenticationToken',
        'Request is missing a SigV4 credential scope',
        403,
      );
    }
    const result =
      service === 'rds' ? services.rds.handle(params) : services.cloudformation.handle(params);
    return queryResponse(params.action, result, namespace);
  } catch (error) {
    if (error instanceof QueryError) return queryErrorResponse(error, namespace);
    throw error;
  }
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
    const form = req.method === 'POST' ? body.toString('utf8') : url.search.slice(1);
    const params = new QueryParams(parseQueryBody(form));
    const call: CallRecord = {
      service,
      action: params.action,
      params: params.raw,
      time: new Date(),
    };
    services.calls.push(call);
    await services.faults.waitWhileHung(service, call.action);
    let reply: XmlReply;
    if (services.faults.shouldThrottle(service, call.action)) {
      call.throttled = true;
      reply = queryErrorResponse(
        new QueryError('Throttling', 'Rate exceeded'),
        service === 'rds' ? RDS_NAMESPACE : CFN_NAMESPACE,
      );
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
