import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import yauzl from 'yauzl';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseWakeCode,
  keptWakeCode,
  uploadWakeCode,
  wakeCodeValues,
} from '../../../src/wake/code.js';
// @ts-expect-error: a plain ES module script, without types.
import { buildWakeCode } from '../../../scripts/wake-function.mjs';

const DECLARED = new Set(['EnvironmentName', 'WakeFunctionS3Bucket', 'WakeFunctionS3Key']);
const STACK = 'pr-env-shop-pr-7';
const BUCKET = 'pr-env-setup-templatebucket-1a2b';
const dir = mkdtempSync(path.join(tmpdir(), 'wake-code-'));
const ZIP = path.join(dir, 'wake.zip');
writeFileSync(ZIP, 'PK-not-really-but-bytes');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chooseWakeCode', () => {
  it('names the code by its SHA-256, under the stack’s own prefix in the bucket', () => {
    const choice = chooseWakeCode(DECLARED, BUCKET, STACK, ZIP);
    const sha256 = createHash('sha256').update(readFileSync(ZIP)).digest('hex');
    expect(choice).toEqual({
      kind: 'upload',
      code: { bucket: BUCKET, key: `pr-env/${STACK}/wake-${sha256}.zip`, body: readFileSync(ZIP) },
    });
    expect(wakeCodeValues(choice)).toEqual({
      WakeFunctionS3Bucket: BUCKET,
      WakeFunctionS3Key: `pr-env/${STACK}/wake-${sha256}.zip`,
    });
  });

  it('without a bucket, no wake page: empty values, and why', () => {
    const choice = chooseWakeCode(DECLARED, undefined, STACK, ZIP);
    expect(choice).toEqual({ kind: 'off', why: expect.stringContaining('"template-bucket"') });
    expect(wakeCodeValues(choice)).toEqual({ WakeFunctionS3Bucket: '', WakeFunctionS3Key: '' });
  });

  it('a template that does not take the code gets nothing, bucket or not', () => {
    const choice = chooseWakeCode(new Set(['EnvironmentName']), BUCKET, STACK, ZIP);
    expect(choice).toEqual({ kind: 'none' });
    expect(wakeCodeValues(choice)).toEqual({});
  });

  it('a missing package (a broken install) is an error naming it', () => {
    expect(() => chooseWakeCode(DECLARED, BUCKET, STACK, path.join(dir, 'gone.zip'))).toThrow(
      /Could not read the wake page's function ".*gone\.zip" \(npm run bundle\)/,
    );
  });
});

describe('keptWakeCode (sleep, wake, extend)', () => {
  it('keeps the stack’s code, or its absence', () => {
    const had = { WakeFunctionS3Bucket: BUCKET, WakeFunctionS3Key: 'pr-env/x/wake-1.zip' };
    expect(wakeCodeValues(keptWakeCode(DECLARED, had))).toEqual(had);
    // Made before the wake page: it stays without one (adding it is the next deploy's).
    expect(wakeCodeValues(keptWakeCode(DECLARED, { EnvironmentName: STACK }))).toEqual({
      WakeFunctionS3Bucket: '',
      WakeFunctionS3Key: '',
    });
    expect(keptWakeCode(new Set(), {})).toEqual({ kind: 'none' });
  });
});

describe('uploadWakeCode', () => {
  const s3 = mockClient(S3Client);
  const code = { bucket: BUCKET, key: `pr-env/${STACK}/wake-abc.zip`, body: Buffer.from('zip') };
  const notFound = () =>
    new S3ServiceException({
      name: 'NotFound',
      $fault: 'client',
      $metadata: { httpStatusCode: 404 },
    });
  beforeEach(() => s3.reset());

  it('puts the package once: the same key is the same code', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({});
    expect(await uploadWakeCode(new S3Client({}), code)).toBe(true);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: BUCKET,
      Key: code.key,
      Body: code.body,
      ContentType: 'application/zip',
    });
    s3.reset();
    s3.on(HeadObjectCommand).resolves({ ETag: '"e"' });
    expect(await uploadWakeCode(new S3Client({}), code)).toBe(false);
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it('a refused upload names the object', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).rejects(new Error('Access Denied'));
    await expect(uploadWakeCode(new S3Client({}), code)).rejects.toThrow(
      `Could not upload the wake page's function to s3://${BUCKET}/${code.key}: Access Denied`,
    );
  });
});

describe('dist/wake.zip', () => {
  const zip = readFileSync(fileURLToPath(new URL('../../../dist/wake.zip', import.meta.url)));

  it('holds index.js alone: the handler built from src/wake/ now (CommonJS, no SDK inside)', async () => {
    const entries = await new Promise<Map<string, Buffer>>((resolve, reject) => {
      const found = new Map<string, Buffer>();
      yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
        if (error || !archive) return reject(error);
        archive.on('entry', (entry: yauzl.Entry) =>
          archive.openReadStream(entry, (err, stream) => {
            if (err || !stream) return reject(err);
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              found.set(entry.fileName, Buffer.concat(chunks));
              archive.readEntry();
            });
          }),
        );
        archive.on('end', () => resolve(found));
        archive.readEntry();
      });
    });
    expect([...entries.keys()]).toEqual(['index.js']);
    const code = entries.get('index.js')!.toString('utf8');
    expect(code).toBe(Buffer.from(await buildWakeCode()).toString('utf8'));
    expect(code).toMatch(/require\("@aws-sdk\/client-cloudformation"\)/);
    expect(code).not.toContain('@actions/core');
    // Small: Lambda's limit is 50 MB zipped, but this is read on every cold start.
    expect(zip.length).toBeLessThan(20_000);
  });
});
