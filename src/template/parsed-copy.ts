import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CfnTemplate } from './cfn-yaml.js';

/**
 * Beside the bundle, the bundled templates as parsed when it was built (scripts/bundle.mjs): a
 * good run loads its template before its first AWS request, and JSON.parse takes a millisecond
 * where the YAML parse of the bundled one takes 20–35 ms. Absent when run from src/.
 */
const PARSED_AT_BUILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates.json');

interface ParsedCopy {
  sha256: string;
  template: CfnTemplate;
}

/**
 * The build's parse of the template `file` holds, if the build parsed one of that name from this
 * very text (its SHA-256): an edited or another template of the same name is parsed as written.
 */
export function parsedAtBuild(
  file: string,
  text: string,
  copies = PARSED_AT_BUILD,
): CfnTemplate | undefined {
  let parsed: Record<string, ParsedCopy | undefined>;
  try {
    parsed = JSON.parse(readFileSync(copies, 'utf8')) as Record<string, ParsedCopy | undefined>;
  } catch {
    return undefined;
  }
  const copy = parsed[path.basename(file)];
  if (copy?.sha256 !== createHash('sha256').update(text).digest('hex')) return undefined;
  return copy.template;
}
