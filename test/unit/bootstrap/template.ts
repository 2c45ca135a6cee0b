/** templates/bootstrap.yml, parsed once, and resolved for the parameter values a test needs. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplate, type CfnTemplate } from '../../../src/template/cfn-yaml.js';
import { resolveTemplate, type ResolveOptions, type ResolvedTemplate } from './iam.js';

export const BOOTSTRAP_PATH = fileURLToPath(
  new URL('../../../templates/bootstrap.yml', import.meta.url),
);
export const bootstrap: CfnTemplate = parseTemplate(
  readFileSync(BOOTSTRAP_PATH, 'utf8'),
  BOOTSTRAP_PATH,
);

/** The parameters of the quick start: octo-org/shop, restoring prod-db. */
export const QUICK_START = {
  GitHubOwner: 'octo-org',
  GitHubRepository: 'shop',
  SourceDBCluster: 'prod-db',
} as const;

export function resolved(
  parameters: Record<string, string> = {},
  options: Omit<ResolveOptions, 'parameters'> = {},
): ResolvedTemplate {
  return resolveTemplate(bootstrap, { parameters: { ...QUICK_START, ...parameters }, ...options });
}
