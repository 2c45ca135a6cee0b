import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { parsedAtBuild } from '../../../src/template/parsed-copy.js';
import { loadTemplate } from '../../../src/template/render.js';

const BUNDLED = 'templates/environment.yml';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('parsedAtBuild', () => {
  const text = 'Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n';
  const copies = path.join(mkdtempSync(path.join(tmpdir(), 'pr-env-parsed-')), 'templates.json');
  const template = { Resources: { Topic: { Type: 'AWS::SNS::Topic' } } };
  writeFileSync(copies, JSON.stringify({ 'environment.yml': { sha256: sha256(text), template } }));

  it('gives the build’s parse of a template of that name and that very text', () => {
    expect(parsedAtBuild('/anywhere/environment.yml', text, copies)).toEqual(template);
  });

  it('parses an edited template, another name, or without a build’s copy, as written', () => {
    expect(parsedAtBuild('/a/environment.yml', `${text}# edited\n`, copies)).toBeUndefined();
    expect(parsedAtBuild('/a/other.yml', text, copies)).toBeUndefined();
    expect(
      parsedAtBuild('/a/environment.yml', text, '/nonexistent/templates.json'),
    ).toBeUndefined();
  });

  it('dist/templates.json holds the bundled template exactly as the parser reads it', () => {
    const yaml = readFileSync(BUNDLED, 'utf8');
    const fromDist = parsedAtBuild(BUNDLED, yaml, 'dist/templates.json');
    expect(fromDist).toEqual(parseTemplate(yaml, BUNDLED));
    // And loading it from src/ (no copy beside the module) parses the YAML to the same.
    expect(loadTemplate(BUNDLED).template).toEqual(fromDist);
  });
});
