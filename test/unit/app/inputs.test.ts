import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { getSettings } from '../../../src/inputs.js';

const WORKSPACE = '/home/runner/work/shop/shop';
const settings = (inputs: Record<string, string>) =>
  getSettings((name) => inputs[name] ?? '', WORKSPACE);
const problems = (inputs: Record<string, string>): string[] => {
  try {
    settings(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  return [];
};

describe('the app inputs', () => {
  it('default to no build, a 20-minute wait and a 512 MB cap', () => {
    expect(settings({})).toMatchObject({
      appArtifact: undefined,
      appImage: undefined,
      appWaitMinutes: 20,
      appArtifactMaxMb: 512,
    });
  });

  it('read an S3 build and an image, placeholders unexpanded', () => {
    expect(
      settings({ 'app-artifact': 's3://acme-builds/shop/{sha}.tar.gz', 'app-wait-minutes': '0' }),
    ).toMatchObject({ appArtifact: { kind: 's3', key: 'shop/{sha}.tar.gz' }, appWaitMinutes: 0 });
    expect(settings({ 'app-image': 'ghcr.io/acme/shop:{sha}' }).appImage).toEqual({
      kind: 'image',
      image: 'ghcr.io/acme/shop:{sha}',
    });
  });

  it('report every problem together: placeholders, both sources, a missing bucket, bad numbers', () => {
    expect(
      problems({
        'app-artifact': 'artifact:web',
        'app-image': 'shop:{branch}',
        'app-wait-minutes': '-1',
        'app-artifact-max-mb': 'lots',
      }),
    ).toEqual([
      '"app-image": "shop:{branch}" has "{branch}": the placeholders are {sha}, {short-sha} and {pr}',
      '"app-artifact" and "app-image" are both set: expected one of them, a tarball or an image',
      '"app-wait-minutes": "-1" is too small: expected a number of at least 0',
      '"app-artifact-max-mb": "lots" is not a number: expected a number of at least 1',
      '"app-artifact": "artifact:web" is uploaded by pr-env: "template-bucket" is required (the bootstrap stack\'s TemplateBucketName)',
    ]);
  });

  it('refuse the app parameters set by hand beside app-artifact or app-image', () => {
    expect(
      problems({ 'app-image': 'nginx', parameters: 'AppImage=nginx\nAppArtifactVersion=x' }),
    ).toEqual([
      '"parameters": AppImage, AppArtifactVersion are set by pr-env from "app-image": expected one or the other',
    ]);
    // Without app-* inputs, setting AppArtifactS3Uri by hand works as it always has.
    expect(settings({ parameters: 'AppArtifactS3Uri=s3://b-1/app.tar.gz' }).parameters).toEqual({
      AppArtifactS3Uri: 's3://b-1/app.tar.gz',
    });
  });

  it('need no template-bucket for a build CI puts in S3 itself', () => {
    expect(problems({ 'app-artifact': 's3://acme-builds/app.tar.gz' })).toEqual([]);
    expect(problems({ 'app-artifact': 'dist', 'template-bucket': 'tpl-bucket' })).toEqual([]);
  });
});
