import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { S3Client } from '@aws-sdk/client-s3';
import { headObject } from '../app/s3-object.js';
import { withContext } from '../errors.js';

// The action's side of the wake page: its function's code travels with the action (dist/wake.zip,
// built by scripts/wake-function.mjs) and reaches Lambda through the template bucket.

export const WAKE_CODE_PARAMETERS = {
  bucket: 'WakeFunctionS3Bucket',
  key: 'WakeFunctionS3Key',
} as const;

/** Beside the action's own chunks in dist/, where `npm run bundle` writes it. */
export function bundledWakeCodePath(): string {
  return fileURLToPath(new URL('./wake.zip', import.meta.url));
}

export interface WakeCode {
  bucket: string;
  /** `pr-env/<stack>/wake-<sha256>.zip`: a new key only when the code changes. */
  key: string;
  body: Buffer;
}

export type WakeCodeChoice =
  | { kind: 'none' }
  | { kind: 'off'; why: string }
  | { kind: 'upload'; code: WakeCode }
  | { kind: 'kept'; bucket: string; key: string };

/**
 * Whether this deploy gives the environment its wake page: the template must take the code's
 * location, and there must be a bucket to put it in (the deploy role may write only under
 * pr-env/<stack>/ there). Without one a sleeping environment's URL answers 503, as before.
 */
export function chooseWakeCode(
  declared: Set<string>,
  bucket: string | undefined,
  stackName: string,
  path = bundledWakeCodePath(),
): WakeCodeChoice {
  if (!declared.has(WAKE_CODE_PARAMETERS.bucket) || !declared.has(WAKE_CODE_PARAMETERS.key)) {
    return { kind: 'none' };
  }
  if (!bucket) {
    return {
      kind: 'off',
      why: 'no "template-bucket" to hold the wake page\'s function: while asleep, the URL answers 503',
    };
  }
  let body: Buffer;
  try {
    body = readFileSync(path);
  } catch (error) {
    throw withContext(`Could not read the wake page's function "${path}" (npm run bundle)`, error);
  }
  const sha256 = createHash('sha256').update(body).digest('hex');
  return { kind: 'upload', code: { bucket, key: `pr-env/${stackName}/wake-${sha256}.zip`, body } };
}

/**
 * For sleep, wake and extend, which change a stack's capacity and nothing else: the code the
 * stack already runs, or none. Adding the function to an environment made before it would be a
 * structural change, which they refuse; its next deploy adds it. Pure.
 */
export function keptWakeCode(
  declared: Set<string>,
  stackParameters: Record<string, string> | undefined,
): WakeCodeChoice {
  if (!declared.has(WAKE_CODE_PARAMETERS.bucket) || !declared.has(WAKE_CODE_PARAMETERS.key)) {
    return { kind: 'none' };
  }
  return {
    kind: 'kept',
    bucket: stackParameters?.[WAKE_CODE_PARAMETERS.bucket] ?? '',
    key: stackParameters?.[WAKE_CODE_PARAMETERS.key] ?? '',
  };
}

/** The template parameters for a choice: empty ones when there is no code to run. */
export function wakeCodeValues(choice: WakeCodeChoice): Record<string, string> {
  if (choice.kind === 'none') return {};
  const location =
    choice.kind === 'upload' ? choice.code : choice.kind === 'kept' ? choice : undefined;
  return {
    [WAKE_CODE_PARAMETERS.bucket]: location?.bucket ?? '',
    [WAKE_CODE_PARAMETERS.key]: location?.key ?? '',
  };
}

/**
 * Puts the code where CloudFormation's CreateFunction reads it (as the service role), unless it
 * is there already: the key is the code's SHA-256. True when it uploaded.
 */
export async function uploadWakeCode(s3: S3Client, code: WakeCode): Promise<boolean> {
  if (await headObject(s3, code.bucket, code.key)) return false;
  const { PutObjectCommand } = await import('../aws/sdk/s3.js');
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: code.bucket,
        Key: code.key,
        Body: code.body,
        ContentType: 'application/zip',
      }),
    );
    return true;
  } catch (error) {
    throw withContext(
      `Could not upload the wake page's function to s3://${code.bucket}/${code.key}`,
      error,
    );
  }
}
