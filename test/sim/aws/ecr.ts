/**
 * Amazon ECR's DescribeImages, in the JSON 1.1 protocol
 * (`X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.DescribeImages`): repositories and their
 * images, seeded by tests (`ecr.pushImage(…)`), looked up by tag or digest. Errors as ECR words
 * them (`RepositoryNotFoundException`, `ImageNotFoundException`, message in lower case).
 */
import { createHash } from 'node:crypto';
import { JsonError, jsonReply, type JsonReply } from './service-quotas.js';

export const ECR_TARGET = 'AmazonEC2ContainerRegistry_V20150921';

export interface EcrImageRecord {
  digest: string;
  tags: string[];
  pushedAt: Date;
  sizeInBytes: number;
}

export class EcrService {
  /** Repository name -> its images. */
  readonly repositories = new Map<string, EcrImageRecord[]>();

  constructor(private readonly options: { accountId: string }) {}

  createRepository(name: string): void {
    if (!this.repositories.has(name)) this.repositories.set(name, []);
  }

  /**
   * Pushes an image (the repository is created if need be): a tag moves to the new digest, as in
   * ECR with mutable tags. The digest defaults to a stable hash of the repository and tag.
   */
  pushImage(repository: string, tag: string, digest?: string): EcrImageRecord {
    this.createRepository(repository);
    const images = this.repositories.get(repository)!;
    const imageDigest =
      digest ?? `sha256:${createHash('sha256').update(`${repository}:${tag}`).digest('hex')}`;
    for (const image of images) image.tags = image.tags.filter((t) => t !== tag);
    let image = images.find((i) => i.digest === imageDigest);
    if (!image) {
      image = { digest: imageDigest, tags: [], pushedAt: new Date(), sizeInBytes: 31_457_280 };
      images.push(image);
    }
    image.tags.push(tag);
    return image;
  }

  /** `target` is the X-Amz-Target header. */
  handle(target: string, body: string): JsonReply {
    const action = target.startsWith(`${ECR_TARGET}.`) ? target.slice(ECR_TARGET.length + 1) : '';
    try {
      if (action !== 'DescribeImages') {
        return jsonReply(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
      }
      return jsonReply(
        200,
        this.describeImages(JSON.parse(body || '{}') as Record<string, unknown>),
      );
    } catch (error) {
      if (error instanceof JsonError)
        return jsonReply(400, { __type: error.type, message: error.message }, error.type);
      throw error;
    }
  }

  private describeImages(input: Record<string, unknown>) {
    const registryId = String(input.registryId ?? this.options.accountId);
    const name = String(input.repositoryName ?? '');
    const images = registryId === this.options.accountId ? this.repositories.get(name) : undefined;
    if (!images) {
      throw new JsonError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
      );
    }
    const ids = (input.imageIds as { imageTag?: string; imageDigest?: string }[] | undefined) ?? [];
    const found =
      ids.length === 0
        ? images
        : ids.map((id) => {
            const image = images.find(
              (i) =>
                (id.imageDigest === undefined || i.digest === id.imageDigest) &&
                (id.imageTag === undefined || i.tags.includes(id.imageTag)),
            );
            if (!image) {
              throw new JsonError(
                'ImageNotFoundException',
                `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${name}' in the registry with id '${registryId}'`,
              );
            }
            return image;
          });
    return {
      imageDetails: found.map((image) => ({
        registryId,
        repositoryName: name,
        imageDigest: image.digest,
        imageTags: image.tags,
        imageSizeInBytes: image.sizeInBytes,
        imagePushedAt: image.pushedAt.getTime() / 1000,
        imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        artifactMediaType: 'application/vnd.docker.container.image.v1+json',
      })),
    };
  }
}
