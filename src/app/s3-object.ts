import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { withContext } from '../errors.js';

/** An object as HeadObject (or PutObject) describes it: what identifies this exact upload. */
export interface ObjectVersion {
  /** The object's version in a versioned bucket; absent otherwise. */
  versionId?: string;
  /** The entity tag, without its quotes. */
  etag?: string;
  metadata?: Record<string, string>;
}

/** VersionId when the bucket keeps versions (S3 says `null` when versioning is suspended), else none. Pure. */
export function objectVersion(
  output: Pick<HeadObjectCommandOutput, 'VersionId' | 'ETag' | 'Metadata'>,
): ObjectVersion {
  const versionId = output.VersionId && output.VersionId !== 'null' ? output.VersionId : undefined;
  const etag = output.ETag?.replace(/^(W\/)?"|"$/g, '') || undefined;
  return { versionId, etag, metadata: output.Metadata };
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/**
 * The object's version, or undefined when it does not exist (yet). A 403 is not "missing": S3
 * answers 403 for a missing key to a caller without s3:ListBucket, and for one it may not read.
 */
export async function headObject(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<ObjectVersion | undefined> {
  const { HeadObjectCommand } = await import('../aws/sdk/s3.js');
  try {
    return objectVersion(await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NotFound' || name === 'NoSuchKey' || httpStatus(error) === 404) return undefined;
    if (httpStatus(error) === 403) {
      throw withContext(
        `Access denied to s3://${bucket}/${key}: the deploy role needs s3:GetObject on it, and s3:ListBucket on the bucket to tell a missing build from a forbidden one (the bootstrap's AppBuildsBucket grants both)`,
        error,
      );
    }
    throw withContext(`Could not read s3://${bucket}/${key}`, error);
  }
}
