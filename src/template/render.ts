import { readFileSync } from 'node:fs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Parameter } from '@aws-sdk/client-cloudformation';
import { withContext } from '../errors.js';
import type { TemplateSource } from '../stack/change-set.js';
import { parsedAtBuild } from './parsed-copy.js';
import { parseTemplate, type CfnTemplate } from './cfn-yaml.js';

/** CloudFormation's limit for an inline TemplateBody; past it the template must come from S3. */
export const TEMPLATE_BODY_LIMIT = 51_200;

export interface LoadedTemplate {
  path: string;
  template: CfnTemplate;
  /** The JSON CloudFormation receives. */
  body: string;
  declared: Set<string>;
}

export function loadTemplate(path: string): LoadedTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw withContext(`Could not read template "${path}"`, error);
  }
  const template = parsedAtBuild(path, text) ?? parseTemplate(text, path);
  return {
    path,
    template,
    body: JSON.stringify(template),
    declared: new Set(Object.keys(template.Parameters ?? {})),
  };
}

/**
 * Overrides that name a parameter the template does not declare are an error: CloudFormation
 * would reject them only after the stack had been touched. Pure.
 */
export function checkOverrides(loaded: LoadedTemplate, overrides: Record<string, string>): void {
  const unknown = Object.keys(overrides).filter((key) => !loaded.declared.has(key));
  if (unknown.length === 0) return;
  const declared = [...loaded.declared].sort().join(', ') || '(none)';
  throw new Error(
    `"parameters": ${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not declared by template "${loaded.path}": expected one of ${declared}`,
  );
}

/**
 * The stack's parameters: the action's own values for the parameters the template declares (a
 * template need not take them all), then the user's overrides. Pure.
 */
export function buildParameters(
  loaded: LoadedTemplate,
  actionValues: Record<string, string>,
  overrides: Record<string, string>,
): Parameter[] {
  checkOverrides(loaded, overrides);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(actionValues)) {
    if (loaded.declared.has(key)) values[key] = value;
  }
  Object.assign(values, overrides);
  return Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
    ParameterKey,
    ParameterValue,
  }));
}

export function bodySize(loaded: LoadedTemplate): number {
  return Buffer.byteLength(loaded.body, 'utf8');
}

/** Fails early when the template cannot be sent at all: too large, and no bucket to put it in. */
export function checkTemplateSize(loaded: LoadedTemplate, bucket: string | undefined): void {
  const size = bodySize(loaded);
  if (size > TEMPLATE_BODY_LIMIT && !bucket) {
    throw new Error(
      `Template "${loaded.path}" renders to ${size} bytes, over CloudFormation's ${TEMPLATE_BODY_LIMIT}-byte limit for an inline body: set "template-bucket" to an S3 bucket to upload it to`,
    );
  }
}

export interface UploadTarget {
  s3: () => Promise<S3Client>;
  bucket: string | undefined;
  region: string;
  key: string;
}

/** Inline when it fits; otherwise uploaded to the template bucket and passed by URL. */
export async function templateSource(
  loaded: LoadedTemplate,
  upload: UploadTarget,
): Promise<TemplateSource> {
  checkTemplateSize(loaded, upload.bucket);
  if (bodySize(loaded) <= TEMPLATE_BODY_LIMIT || !upload.bucket)
    return { TemplateBody: loaded.body };
  const s3 = await upload.s3();
  const { PutObjectCommand } = await import('../aws/sdk/s3.js');
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: upload.bucket,
        Key: upload.key,
        Body: loaded.body,
        ContentType: 'application/json',
      }),
    );
  } catch (error) {
    throw withContext(
      `Could not upload the template to s3://${upload.bucket}/${upload.key}`,
      error,
    );
  }
  return {
    TemplateURL: `https://${upload.bucket}.s3.${upload.region}.amazonaws.com/${upload.key}`,
  };
}
