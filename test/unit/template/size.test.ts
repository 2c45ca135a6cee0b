import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));

/** CloudFormation's limit for an inline TemplateBody; past it, the template must go through S3. */
const TEMPLATE_BODY_LIMIT = 51_200;

describe('template size', () => {
  it('renders to JSON well under the TemplateBody limit', () => {
    // Parameters are passed separately: the body is the same whatever their values.
    const body = JSON.stringify(parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH));
    const bytes = Buffer.byteLength(body, 'utf8');
    expect(bytes).toBeLessThan(TEMPLATE_BODY_LIMIT);
    // Keep room to grow: fail before the hard limit, while there is still time to make room.
    expect(bytes).toBeLessThan(TEMPLATE_BODY_LIMIT * 0.9);
  });
});
