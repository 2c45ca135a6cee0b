/** Finding the build: waiting for it, its version, ECR digests, uploads that upload nothing twice. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DescribeImagesCommand,
  ECRClient,
  ImageNotFoundException,
  RepositoryNotFoundException,
} from '@aws-sdk/client-ecr';
import {
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { appParameters, appParametersOf, buildUri, describeBuild } from '../../../src/app/build.js';
import { parseEcrImage, repositoryArn } from '../../../src/app/ecr-image.js';
import { resolveBuild, type BuildDeps, type BuildInputs } from '../../../src/app/resolve.js';
import { parseArtifactInput, parseImageInput } from '../../../src/app/source.js';
import type { Clock } from '../../../src/clock.js';
import type { PullRequestInfo } from '../../../src/github/event.js';

const s3 = mockClient(S3Client);
const ecr = mockClient(ECRClient);
beforeEach(() => {
  s3.reset();
  ecr.reset();
});

const SHA = '4f0c2d8a9b1e3f5d7c6b8a0e2d4f6a8c0e2b4d6f';
const PR: PullRequestInfo = {
  number: 12,
  headSha: SHA,
  headRepository: 'acme/shop',
  baseRepository: 'acme/shop',
  state: 'open',
  labels: [],
};
const workspace = mkdtempSync(path.join(tmpdir(), 'pr-env-resolve-'));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** A clock whose sleeps pass at once, counting the time they would have taken. */
function fakeClock(): Clock & { slept: number } {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const clock = {
    slept: 0,
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
      clock.slept += ms;
    },
  };
  return clock;
}

function deps(clock = fakeClock(), extra: Partial<BuildDeps> = {}): BuildDeps {
  return {
    s3: async () => new S3Client({ region: 'us-east-1' }),
    ecr: async () => new ECRClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    github: async () => {
      throw new Error('no GitHub in these tests');
    },
    repo: { owner: 'acme', repo: 'shop' },
    eventName: 'pull_request_target',
    clock,
    deadline: clock.now() + 3_600_000,
    stackName: 'pr-env-shop-pr-12',
    ...extra,
  };
}

const inputs = (over: Partial<BuildInputs>): BuildInputs => ({
  appWaitMinutes: 20,
  appArtifactMaxMb: 512,
  ...over,
});
const artifact = (raw: string) => parseArtifactInput(raw, workspace).value!;
const notFound = () => new NotFound({ message: 'NotFound', $metadata: { httpStatusCode: 404 } });

describe('an s3:// build', () => {
  it('is waited for while CI uploads it, then passed on with its VersionId', async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(notFound())
      .rejectsOnce(notFound())
      .resolves({ VersionId: 'v2', ETag: '"abc"' });
    const clock = fakeClock();
    const build = await resolveBuild(
      inputs({ appArtifact: artifact('s3://acme-builds/shop/{sha}.tar.gz') }),
      PR,
      deps(clock),
    );
    expect(s3.commandCalls(HeadObjectCommand)[0]!.args[0].input).toEqual({
      Bucket: 'acme-builds',
      Key: `shop/${SHA}.tar.gz`,
    });
    expect(clock.slept).toBe(20_000);
    expect(build).toMatchObject({ kind: 'artifact', source: 's3', versionId: 'v2', etag: 'abc' });
    expect(appParameters(build!)).toEqual({
      AppArtifactS3Uri: `s3://acme-builds/shop/${SHA}.tar.gz`,
      AppArtifactVersion: 'v2',
      AppImage: '',
      AppImageRepositoryArn: '',
    });
    expect(buildUri(build!)).toBe(`s3://acme-builds/shop/${SHA}.tar.gz?versionId=v2`);
  });

  it('in a bucket without versions: its ETag tells builds apart', async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: '"0f1e"', VersionId: 'null' });
    const build = await resolveBuild(
      inputs({ appArtifact: artifact('s3://b-1/{pr}.tgz') }),
      PR,
      deps(),
    );
    expect(appParameters(build!).AppArtifactVersion).toBe('etag:0f1e');
    expect(describeBuild(build!)).toBe('`s3://b-1/12.tgz` (ETag `0f1e`)');
  });

  it('missing after the wait: an error naming the URI and the wait', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    const clock = fakeClock();
    await expect(
      resolveBuild(
        inputs({ appArtifact: artifact('s3://b-1/{sha}.tgz'), appWaitMinutes: 2 }),
        PR,
        deps(clock),
      ),
    ).rejects.toThrow(
      `Could not find the build s3://b-1/${SHA}.tgz after 2 min: nothing was deployed.`,
    );
    expect(clock.slept).toBeLessThanOrEqual(120_000);
    expect(s3.commandCalls(HeadObjectCommand).length).toBe(13);
  });

  it('checks once with app-wait-minutes 0, and never waits past the run’s own deadline', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    await expect(
      resolveBuild(
        inputs({ appArtifact: artifact('s3://b-1/x.tgz'), appWaitMinutes: 0 }),
        PR,
        deps(),
      ),
    ).rejects.toThrow('(checked once: app-wait-minutes is 0)');
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
    const clock = fakeClock();
    await expect(
      resolveBuild(
        inputs({ appArtifact: artifact('s3://b-1/x.tgz') }),
        PR,
        deps(clock, { deadline: clock.now() + 30_000 }),
      ),
    ).rejects.toThrow('after 20 min');
    expect(clock.slept).toBeLessThanOrEqual(30_000);
  });

  it('forbidden (403) is not "missing": it fails at once, saying which permission', async () => {
    s3.on(HeadObjectCommand).rejects(
      new S3ServiceException({
        name: 'Forbidden',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    await expect(
      resolveBuild(inputs({ appArtifact: artifact('s3://b-1/x.tgz') }), PR, deps()),
    ).rejects.toThrow('Access denied to s3://b-1/x.tgz: the deploy role needs s3:GetObject');
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(1);
  });
});

describe('a workspace build', () => {
  const upload = (over: Partial<BuildInputs> = {}) =>
    resolveBuild(inputs({ templateBucket: 'tpl-bucket', ...over }), PR, deps());

  it('a directory is packed and uploaded under pr-env/<stack>/app/<sha>.tar.gz, with its SHA-256', async () => {
    mkdirSync(path.join(workspace, 'site'), { recursive: true });
    writeFileSync(path.join(workspace, 'site', 'index.html'), 'hi');
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"', VersionId: 'v1' });
    const build = await upload({ appArtifact: artifact('site') });
    const put = s3.commandCalls(PutObjectCommand)[0]!.args[0].input;
    expect(put).toMatchObject({
      Bucket: 'tpl-bucket',
      Key: `pr-env/pr-env-shop-pr-12/app/${SHA}.tar.gz`,
      ContentType: 'application/gzip',
      Metadata: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(build).toMatchObject({ source: 'workspace', versionId: 'v1', uploaded: true });
  });

  it('the same bytes already there: not uploaded again, the object’s version kept', async () => {
    s3.on(HeadObjectCommand).rejects(notFound());
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"' });
    await upload({ appArtifact: artifact('site') });
    const sha256 = s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Metadata!.sha256!;
    s3.reset();
    s3.on(HeadObjectCommand).resolves({ ETag: '"e1"', VersionId: 'v7', Metadata: { sha256 } });
    const build = await upload({ appArtifact: artifact('site') });
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
    expect(build).toMatchObject({ versionId: 'v7', uploaded: false });
  });

  it('refuses a symbolic link out of the workspace, a link inside a folder, and a non-tarball', async () => {
    symlinkSync('/etc', path.join(workspace, 'escape'));
    await expect(upload({ appArtifact: artifact('escape') })).rejects.toThrow(
      '"app-artifact": "escape" leads outside the workspace (/etc)',
    );
    mkdirSync(path.join(workspace, 'linked'));
    symlinkSync('/etc/passwd', path.join(workspace, 'linked', 'passwd'));
    await expect(upload({ appArtifact: artifact('linked') })).rejects.toThrow(
      '"passwd" in ' + path.join(workspace, 'linked') + ' is a symbolic link',
    );
    writeFileSync(path.join(workspace, 'app.tar.gz'), 'not gzip');
    await expect(upload({ appArtifact: artifact('app.tar.gz') })).rejects.toThrow(
      'is not a .tar.gz',
    );
    await expect(upload({ appArtifact: artifact('nothing-here') })).rejects.toThrow(
      '"nothing-here" does not exist in the workspace',
    );
    expect(s3.commandCalls(PutObjectCommand)).toEqual([]);
  });

  it('artifact:NAME outside a workflow_run: an error saying which event it needs', async () => {
    await expect(upload({ appArtifact: artifact('artifact:web') })).rejects.toThrow(
      'event pull_request_target comes from none: expected a workflow_run event',
    );
  });
});

describe('an image', () => {
  const image = (raw: string) => parseImageInput(raw).value!;
  const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

  it('in ECR: resolved to its digest, with the one repository the instances may pull', async () => {
    ecr
      .on(DescribeImagesCommand)
      .rejectsOnce(new ImageNotFoundException({ message: 'not yet', $metadata: {} }))
      .resolves({ imageDetails: [{ imageDigest: `sha256:${'c'.repeat(64)}` }] });
    const build = await resolveBuild(
      inputs({ appImage: image(`${ECR}/team/shop:{short-sha}`) }),
      PR,
      deps(),
    );
    expect(ecr.commandCalls(DescribeImagesCommand)[0]!.args[0].input).toEqual({
      registryId: '123456789012',
      repositoryName: 'team/shop',
      imageIds: [{ imageTag: '4f0c2d8' }],
    });
    expect(appParameters(build!)).toEqual({
      AppArtifactS3Uri: '',
      AppArtifactVersion: '',
      AppImage: `${ECR}/team/shop@sha256:${'c'.repeat(64)}`,
      AppImageRepositoryArn: 'arn:aws:ecr:us-east-1:123456789012:repository/team/shop',
    });
  });

  it('a repository that does not exist fails at once', async () => {
    ecr.on(DescribeImagesCommand).rejects(
      new RepositoryNotFoundException({
        message: "The repository with name 'shop' does not exist",
        $metadata: {},
      }),
    );
    await expect(
      resolveBuild(inputs({ appImage: image(`${ECR}/shop:{sha}`) }), PR, deps()),
    ).rejects.toThrow(
      `Could not look up the image ${ECR}/shop:${SHA} in ECR: The repository with name 'shop' does not exist`,
    );
    expect(ecr.commandCalls(DescribeImagesCommand)).toHaveLength(1);
  });

  it('of another registry: passed as given, unchecked, with no AWS call', async () => {
    const build = await resolveBuild(
      inputs({ appImage: image('ghcr.io/acme/shop:{sha}') }),
      PR,
      deps(),
    );
    expect(build).toEqual({
      kind: 'image',
      image: `ghcr.io/acme/shop:${SHA}`,
      from: `ghcr.io/acme/shop:${SHA}`,
    });
    expect(describeBuild(build!)).toContain('not in ECR: not checked');
    expect(ecr.calls()).toEqual([]);
  });

  it('in another region’s ECR: an error, since the run resolves images in its own', async () => {
    await expect(
      resolveBuild(
        inputs({ appImage: image('123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:1') }),
        PR,
        deps(),
      ),
    ).rejects.toThrow('is in ECR of eu-west-1, but this run works in us-east-1');
  });

  it('reads ECR URIs of every partition, and a digest as it is', () => {
    const cn = parseEcrImage(
      `123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/shop@sha256:${'d'.repeat(64)}`,
    )!;
    expect(repositoryArn(cn)).toBe('arn:aws-cn:ecr:cn-north-1:123456789012:repository/shop');
    expect(cn).toMatchObject({ digest: `sha256:${'d'.repeat(64)}`, tag: undefined });
    expect(parseEcrImage(`${ECR}/shop`)?.tag).toBe('latest');
    expect(parseEcrImage('ghcr.io/acme/shop:1')).toBeUndefined();
  });
});

describe('sleep and wake keep the stack’s own build', () => {
  it('reads only the app parameters from the stack', () => {
    expect(
      appParametersOf({
        AppVersion: SHA,
        AppArtifactS3Uri: 's3://b/k',
        AppArtifactVersion: 'v1',
        MinSize: '1',
      }),
    ).toEqual({ AppArtifactS3Uri: 's3://b/k', AppArtifactVersion: 'v1' });
  });
});
