import type { ECRClient } from '@aws-sdk/client-ecr';
import { withContext } from '../errors.js';

/** An image in Amazon ECR, read from its URI. */
export interface EcrImage {
  registryId: string;
  region: string;
  partition: string;
  /** `registry host/repository`, what a digest is appended to. */
  name: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const ECR_URI =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9]+(?:[._/-][a-z0-9]+)*)(?::([\w][\w.-]{0,127})|@(sha256:[0-9a-f]{64}))?$/;

/** The ECR image an `app-image` names, or undefined for another registry. Pure. */
export function parseEcrImage(image: string): EcrImage | undefined {
  const match = ECR_URI.exec(image);
  if (!match) return undefined;
  const [, registryId, region, china, repository, tag, digest] = match;
  return {
    registryId: registryId!,
    region: region!,
    partition: china ? 'aws-cn' : region!.startsWith('us-gov-') ? 'aws-us-gov' : 'aws',
    name: image.replace(/[:@][^/]*$/, ''),
    repository: repository!,
    tag: digest ? undefined : (tag ?? 'latest'),
    digest,
  };
}

/** The repository's ARN, which the instances may pull from and nothing else. Pure. */
export function repositoryArn(image: EcrImage): string {
  return `arn:${image.partition}:ecr:${image.region}:${image.registryId}:repository/${image.repository}`;
}

/** The image by digest, `…/shop@sha256:…`: immutable, unlike a tag. Pure. */
export function pinnedImage(image: EcrImage, digest: string): string {
  return `${image.name}@${digest}`;
}

/**
 * The image's digest, or undefined while the tag (or digest) is not in the repository. A missing
 * repository is an error at once: no build will create it.
 */
export async function findImageDigest(
  ecr: ECRClient,
  image: EcrImage,
): Promise<string | undefined> {
  const { DescribeImagesCommand } = await import('../aws/sdk/ecr.js');
  try {
    const output = await ecr.send(
      new DescribeImagesCommand({
        registryId: image.registryId,
        repositoryName: image.repository,
        imageIds: [image.digest ? { imageDigest: image.digest } : { imageTag: image.tag }],
      }),
    );
    return output.imageDetails?.[0]?.imageDigest;
  } catch (error) {
    if ((error as { name?: string }).name === 'ImageNotFoundException') return undefined;
    throw withContext(
      `Could not look up the image ${image.name}${image.digest ? `@${image.digest}` : `:${image.tag}`} in ECR`,
      error,
    );
  }
}
