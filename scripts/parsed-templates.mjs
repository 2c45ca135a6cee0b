// The bundled template, parsed at build time into dist/templates.json (part of `npm run bundle`):
// a good run reads it before its first AWS request, and JSON.parse takes about 1 ms where the
// YAML parse of its 46 KB takes 20–35 ms (issue 14: the start to the first AWS request).
// src/template/parsed-copy.ts uses a copy only while the YAML's SHA-256 is the one it was parsed from.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bundleLambda } from './lambda-bundle.mjs';

export const PARSED_TEMPLATES = 'templates.json';
const TEMPLATES = ['templates/environment.yml'];

/** The JSON text of dist/templates.json: each template's SHA-256 and its parse. */
export async function parsedTemplates() {
  // The project's own parser (CloudFormation's short forms), bundled to CommonJS and loaded.
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-parse-'));
  try {
    const file = path.join(dir, 'cfn-yaml.cjs');
    writeFileSync(file, await bundleLambda('src/template/cfn-yaml.ts'));
    const { parseTemplate } = createRequire(import.meta.url)(file);
    const copies = {};
    for (const template of TEMPLATES) {
      const text = readFileSync(template, 'utf8');
      copies[path.basename(template)] = {
        sha256: createHash('sha256').update(text).digest('hex'),
        template: parseTemplate(text, template),
      };
    }
    return `${JSON.stringify(copies)}\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
