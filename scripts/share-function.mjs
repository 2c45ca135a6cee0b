// Builds the production account's share function (src/share/) into templates/production-share.yml:
// `node scripts/share-function.mjs` (part of `npm run bundle`). The template is deployed by hand
// in the production account, so it carries the code inline; a test fails when it is stale.
// CommonJS: CloudFormation writes inline code to index.js, which Lambda loads as CommonJS. The AWS
// SDK stays out: the Node.js 22 runtime provides it.
import { readFileSync, writeFileSync } from 'node:fs';
import { bundleLambda } from './lambda-bundle.mjs';

export const SHARE_TEMPLATE = 'templates/production-share.yml';

export async function buildShareFunction() {
  return Buffer.from(await bundleLambda('src/share/handler.ts'))
    .toString('utf8')
    .trim();
}

const INLINE = /^( *)ZipFile: \|\n(?:\1 {2}.*\n)+/m;

/** The template with its ZipFile block holding `code`. */
export function withShareFunction(template, code) {
  if (!INLINE.test(template)) throw new Error(`${SHARE_TEMPLATE} has no "ZipFile: |" block`);
  return template.replace(INLINE, (_, indent) => {
    const lines = code.split('\n').map((line) => `${indent}  ${line}`);
    return `${indent}ZipFile: |\n${lines.join('\n')}\n`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await buildShareFunction();
  writeFileSync(SHARE_TEMPLATE, withShareFunction(readFileSync(SHARE_TEMPLATE, 'utf8'), code));
}
