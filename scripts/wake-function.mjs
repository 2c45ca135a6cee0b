// Builds the wake page's function (src/wake/) into the Lambda deployment package dist/wake.zip,
// part of `npm run bundle`. The action uploads it to template-bucket, named by its SHA-256, and
// the environment template creates the function from there (WakeFunctionS3Bucket/Key).
//
// index.js alone (scripts/lambda-bundle.mjs), which Lambda loads as `index.handler`. yazl, by
// yauzl's author (which reads the action's artifacts): a zip written with one fixed DOS date
// (local fields, no Unix timestamp, so no time zone) and no compression is the same bytes on
// every machine, so the dist/ check can compare it.
import { bundleLambda } from './lambda-bundle.mjs';
import yazl from 'yazl';

const FIXED_DATE = new Date(2026, 0, 1);

export function buildWakeCode() {
  return bundleLambda('src/wake/handler.ts');
}

/** The deployment package: index.js alone. */
export async function buildWakeZip() {
  const code = Buffer.from(await buildWakeCode());
  const zip = new yazl.ZipFile();
  zip.addBuffer(code, 'index.js', {
    mtime: FIXED_DATE,
    forceDosTimestamp: true,
    mode: 0o100644,
    compress: false,
  });
  zip.end();
  const chunks = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
