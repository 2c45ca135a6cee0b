import { createHash } from 'node:crypto';
import { createReadStream, openSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { withContext } from '../errors.js';
import { headObject, objectVersion, type ObjectVersion } from './s3-object.js';

/** Where pr-env keeps a build it uploads: beside the stack's templates, one object per commit. */
export function uploadKey(stackName: string, sha: string): string {
  return `pr-env/${stackName}/app/${sha}.tar.gz`;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/**
 * Puts the build in the bucket, unless the same bytes are already there (their SHA-256 is kept in
 * the object's metadata): a re-run then keeps the object's version, and the stack stays as it is.
 */
export async function uploadBuild(
  s3: S3Client,
  bucket: string,
  key: string,
  file: string,
): Promise<ObjectVersion & { uploaded: boolean }> {
  const sha256 = await sha256Of(file);
  const existing = await headObject(s3, bucket, key);
  if (existing?.metadata?.sha256 === sha256) return { ...existing, uploaded: false };
  const { PutObjectCommand } = await import('../aws/sdk/s3.js');
  // Opened now, not on first read: nothing is left to fail once the folder is removed.
  const body = createReadStream(file, { fd: openSync(file, 'r') });
  try {
    const output = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentLength: statSync(file).size,
        ContentType: 'application/gzip',
        Metadata: { sha256 },
      }),
    );
    return { ...objectVersion(output), uploaded: true };
  } catch (error) {
    throw withContext(`Could not upload the build to s3://${bucket}/${key}`, error);
  } finally {
    // A send that failed (or never read it) leaves the file open: the folder is removed next.
    body.destroy();
  }
}
