/**
 * S3 over REST-XML, path style (`PUT /bucket/key`), plus resolving CloudFormation TemplateURLs
 * from the same store.
 */
import { createHash, randomUUID } from 'node:crypto';
import { validationError } from './query-protocol.js';
import { children } from './xml.js';

export interface S3Object {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
  /** In a versioned bucket, this version's id. */
  versionId?: string;
}

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The S3 operation a request is, for the call log and fault matching. */
export function s3Operation(req: Pick<HttpRequest, 'method' | 'path' | 'query'>): {
  action: string;
  bucket: string;
  key?: string;
} {
  const [, bucket = '', ...rest] = req.path.split('/');
  const key =
    rest.length > 0 && rest.join('/') !== '' ? decodeURIComponent(rest.join('/')) : undefined;
  const onBucket: Record<string, string> = {
    PUT: 'CreateBucket',
    HEAD: 'HeadBucket',
    GET: 'ListObjectsV2',
    DELETE: 'DeleteBucket',
  };
  const onObject: Record<string, string> = {
    PUT: 'PutObject',
    HEAD: 'HeadObject',
    GET: 'GetObject',
    DELETE: 'DeleteObject',
  };
  const action =
    (key === undefined ? onBucket : onObject)[req.method] ?? `Unsupported${req.method}`;
  return { action, bucket: decodeURIComponent(bucket), key };
}

/**
 * Undoes `aws-chunked` framing (`<hex-size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>`),
 * which the SDK uses for streamed uploads with trailing checksums.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(
      body.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '0',
      16,
    );
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

const versionHeader = (object: S3Object): Record<string, string> =>
  object.versionId ? { 'x-amz-version-id': object.versionId } : {};

function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export class S3Service {
  readonly buckets = new Map<string, Map<string, S3Object>>();
  /** Buckets with versioning enabled, and every version of their objects, oldest first. */
  private readonly versions = new Map<string, Map<string, S3Object[]>>();

  createBucket(name: string, options: { versioned?: boolean } = {}): void {
    if (!this.buckets.has(name)) this.buckets.set(name, new Map());
    if (options.versioned && !this.versions.has(name)) this.versions.set(name, new Map());
  }

  putObject(
    bucket: string,
    key: string,
    body: string | Buffer,
    contentType = 'application/octet-stream',
  ): S3Object {
    this.createBucket(bucket);
    const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const object: S3Object = {
      body: data,
      contentType,
      etag: `"${createHash('md5').update(data).digest('hex')}"`,
      lastModified: new Date(),
      metadata: {},
    };
    const history = this.versions.get(bucket);
    if (history) {
      // S3's version IDs are opaque, URL-safe and up to 1,024 bytes: 32 characters here.
      object.versionId = randomUUID().replace(/-/g, '').replace(/^./, 'v');
      history.set(key, [...(history.get(key) ?? []), object]);
    }
    this.buckets.get(bucket)?.set(key, object);
    return object;
  }

  getObject(bucket: string, key: string, versionId?: string | null): S3Object | undefined {
    if (versionId)
      return this.versions
        .get(bucket)
        ?.get(key)
        ?.find((v) => v.versionId === versionId);
    return this.buckets.get(bucket)?.get(key);
  }

  handle(req: HttpRequest): HttpReply {
    const { action, bucket, key } = s3Operation(req);
    const objects = this.buckets.get(bucket);
    if (action === 'CreateBucket') {
      this.createBucket(bucket);
      return { status: 200, headers: { location: `/${bucket}` } };
    }
    if (!objects) {
      return this.error(req, 404, 'NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: bucket,
      });
    }
    switch (action) {
      case 'HeadBucket':
        return { status: 200, headers: { 'x-amz-bucket-region': 'us-east-1' } };
      case 'PutObject': {
        const chunked =
          /aws-chunked/.test(header(req, 'content-encoding') ?? '') ||
          (header(req, 'x-amz-content-sha256') ?? '').startsWith('STREAMING-');
        const object = this.putObject(
          bucket,
          key ?? '',
          chunked ? decodeAwsChunked(req.body) : req.body,
          header(req, 'content-type') ?? 'application/octet-stream',
        );
        for (const [name, value] of Object.entries(req.headers)) {
          if (name.startsWith('x-amz-meta-') && typeof value === 'string')
            object.metadata[name.slice(11)] = value;
        }
        return { status: 200, headers: { etag: object.etag, ...versionHeader(object) } };
      }
      case 'GetObject':
      case 'HeadObject': {
        const versionId = req.query.get('versionId');
        const object = this.getObject(bucket, key ?? '', versionId);
        if (!object && versionId) {
          return this.error(req, 404, 'NoSuchVersion', 'The specified version does not exist.', {
            Key: key,
            VersionId: versionId,
          });
        }
        if (!object)
          return this.error(req, 404, 'NoSuchKey', 'The specified key does not exist.', {
            Key: key,
          });
        const headers: Record<string, string> = {
          etag: object.etag,
          'content-type': object.contentType,
          'content-length': String(object.body.length),
          'last-modified': object.lastModified.toUTCString(),
          ...versionHeader(object),
        };
        for (const [name, value] of Object.entries(object.metadata))
          headers[`x-amz-meta-${name}`] = value;
        return { status: 200, headers, body: action === 'GetObject' ? object.body : undefined };
      }
      case 'DeleteObject':
        objects.delete(key ?? '');
        return { status: 204, headers: {} };
      case 'DeleteBucket':
        if (objects.size > 0) {
          return this.error(
            req,
            409,
            'BucketNotEmpty',
            'The bucket you tried to delete is not empty',
            { BucketName: bucket },
          );
        }
        this.buckets.delete(bucket);
        return { status: 204, headers: {} };
      default:
        return this.error(
          req,
          501,
          'NotImplemented',
          `The simulator does not implement ${action}`,
          {},
        );
    }
  }

  private error(
    req: HttpRequest,
    status: number,
    code: string,
    message: string,
    extra: Record<string, unknown>,
  ): HttpReply {
    const requestId = randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();
    // HEAD responses carry no body; the SDK then names the error after the status (NotFound).
    if (req.method === 'HEAD') return { status, headers: { 'x-amz-request-id': requestId } };
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${children({ Code: code, Message: message, ...extra, RequestId: requestId })}</Error>`;
    return {
      status,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body,
    };
  }

  /**
   * The body behind a CloudFormation TemplateURL: the simulator's own address, or an
   * `https://…amazonaws.com` S3 URL in virtual-hosted or path style.
   */
  resolveTemplateUrl(templateUrl: string): string {
    let url: URL;
    try {
      url = new URL(templateUrl);
    } catch {
      throw validationError('TemplateURL must be a supported URL.');
    }
    const path = url.pathname.split('/').slice(1).map(decodeURIComponent);
    const virtualHost = /^(.+)\.s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.exec(url.hostname);
    const pathStyle =
      /^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$/.test(url.hostname) ||
      ['127.0.0.1', 'localhost'].includes(url.hostname);
    let bucket: string | undefined;
    let key: string;
    if (virtualHost) {
      bucket = virtualHost[1];
      key = path.join('/');
    } else if (pathStyle) {
      [bucket] = path;
      key = path.slice(1).join('/');
    } else {
      throw validationError(
        'TemplateURL must reference a valid S3 object to which you have access.',
      );
    }
    const object = bucket ? this.getObject(bucket, key) : undefined;
    if (!object) {
      const what =
        bucket && this.buckets.has(bucket)
          ? 'The specified key does not exist.'
          : 'The specified bucket does not exist';
      throw validationError(
        `S3 error: ${what}\nFor more information check http://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html`,
      );
    }
    if (object.body.length > 1_048_576) {
      throw validationError('Template may not exceed 1048576 bytes in size.');
    }
    return object.body.toString('utf8');
  }
}
