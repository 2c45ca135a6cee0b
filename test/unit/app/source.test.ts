import { describe, expect, it } from 'vitest';
import {
  describeSource,
  expandPlaceholders,
  expandSource,
  parseArtifactInput,
  parseImageInput,
  unknownPlaceholders,
} from '../../../src/app/source.js';

const SHA = '4f0c2d8a9b1e3f5d7c6b8a0e2d4f6a8c0e2b4d6f';
const WORKSPACE = '/home/runner/work/shop/shop';

describe('placeholders', () => {
  it('expands {sha}, {short-sha} and {pr}, as often as they appear', () => {
    expect(expandPlaceholders('shop/{pr}/{sha}.tar.gz', { sha: SHA, pr: 42 })).toBe(
      `shop/42/${SHA}.tar.gz`,
    );
    expect(expandPlaceholders('app:{short-sha}-{short-sha}', { sha: SHA, pr: 1 })).toBe(
      'app:4f0c2d8-4f0c2d8',
    );
    expect(expandPlaceholders('no-placeholder', { sha: SHA, pr: 1 })).toBe('no-placeholder');
  });

  it('names every placeholder it does not know, and stray braces', () => {
    expect(unknownPlaceholders('s3://b/{sha}/{pr}.tgz')).toEqual([]);
    expect(unknownPlaceholders('s3://b/{branch}/{SHA}/{}.tgz')).toEqual([
      '{branch}',
      '{SHA}',
      '{}',
    ]);
    expect(unknownPlaceholders('s3://b/{sha.tgz')).toEqual(['{']);
    expect(unknownPlaceholders('s3://b/sha}.tgz')).toEqual(['}']);
  });

  it('are an input error naming the input, the value and the placeholders there are', () => {
    expect(parseArtifactInput('s3://b/{head_branch}.tar.gz', WORKSPACE).problem).toBe(
      '"app-artifact": "s3://b/{head_branch}.tar.gz" has "{head_branch}": the placeholders are {sha}, {short-sha} and {pr}',
    );
    expect(parseImageInput('repo:{tag}').problem).toContain(
      '"app-image": "repo:{tag}" has "{tag}"',
    );
  });
});

describe('app-artifact', () => {
  it('reads an S3 URI, refusing what the instances’ shell would read as code', () => {
    expect(parseArtifactInput('s3://acme-builds/shop/{sha}.tar.gz', WORKSPACE).value).toEqual({
      kind: 's3',
      bucket: 'acme-builds',
      key: 'shop/{sha}.tar.gz',
    });
    for (const bad of [
      's3://acme-builds/',
      's3://Acme/x.tgz',
      "s3://acme-builds/a'b.tgz",
      's3://acme-builds/$(id).tgz',
    ]) {
      expect(parseArtifactInput(bad, WORKSPACE).problem, bad).toContain('is not an S3 object');
    }
  });

  it('reads artifact:NAME', () => {
    expect(parseArtifactInput('artifact:web-build', WORKSPACE).value).toEqual({
      kind: 'run-artifact',
      name: 'web-build',
    });
    expect(parseArtifactInput('artifact:a/b', WORKSPACE).problem).toContain(
      'does not name an artifact',
    );
  });

  it('reads a path in the workspace, and refuses one outside it', () => {
    expect(parseArtifactInput('dist/{sha}.tar.gz', WORKSPACE).value).toEqual({
      kind: 'workspace',
      root: WORKSPACE,
      path: `${WORKSPACE}/dist/{sha}.tar.gz`,
      shown: 'dist/{sha}.tar.gz',
    });
    for (const outside of ['../other', '/etc/passwd', 'build/../../x']) {
      expect(parseArtifactInput(outside, WORKSPACE).problem, outside).toContain(
        'is outside the workspace',
      );
    }
    expect(parseArtifactInput('https://example.com/a.tgz', WORKSPACE).problem).toContain(
      'neither an s3:// URI nor a path',
    );
  });
});

describe('app-image', () => {
  it('accepts registry/repository with a tag or a digest, placeholders included', () => {
    for (const image of [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:{sha}',
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/shop:{short-sha}',
      `ghcr.io/acme/shop@sha256:${'a'.repeat(64)}`,
      'localhost:5000/shop:pr-{pr}',
      'nginx',
    ]) {
      expect(parseImageInput(image).problem, image).toBeUndefined();
    }
    for (const bad of ['Shop:1', 'shop:$(id)', 'shop;rm -rf /', 'shop:1 --privileged']) {
      expect(parseImageInput(bad).problem, bad).toContain('is not an image reference');
    }
  });

  it('expands like the rest and describes itself as written', () => {
    const source = parseImageInput('r.example.com/shop:{short-sha}').value!;
    const expanded = expandSource(source, { sha: SHA, pr: 3 });
    expect(describeSource(expanded)).toBe('r.example.com/shop:4f0c2d8');
  });
});
