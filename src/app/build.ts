/** The build an environment runs, once found, and what the template receives for it. Pure. */

/** The bundled template's app parameters; a template of your own declares those it uses. */
export const APP_PARAMETERS = {
  artifact: 'AppArtifactS3Uri',
  version: 'AppArtifactVersion',
  image: 'AppImage',
  imageRepository: 'AppImageRepositoryArn',
} as const;

const ALL_APP_PARAMETERS: readonly string[] = Object.values(APP_PARAMETERS);

export type ResolvedBuild =
  | {
      kind: 'artifact';
      /** Where pr-env found it: CI's S3 object, a workspace path, or the triggering run's artifact. */
      source: 's3' | 'workspace' | 'run-artifact';
      /** The input as expanded: the URI, the path, `artifact:NAME`. */
      from: string;
      bucket: string;
      key: string;
      versionId?: string;
      etag?: string;
      /** For a build pr-env uploads: false when the same bytes were already there. */
      uploaded?: boolean;
      /** The workflow run the artifact came from. */
      runId?: number;
    }
  | {
      kind: 'image';
      /** What the instances run: `repo@sha256:…` for ECR, else the image as given. */
      image: string;
      from: string;
      /** The ECR repository the instances may pull from; absent for another registry. */
      repositoryArn?: string;
    };

/** `etag:<ETag>` when the bucket keeps no versions, the VersionId otherwise. */
export function versionValue(build: Extract<ResolvedBuild, { kind: 'artifact' }>): string {
  return build.versionId ?? (build.etag ? `etag:${build.etag}` : '');
}

/** The template parameters for the build: one source set, the other emptied. */
export function appParameters(build: ResolvedBuild): Record<string, string> {
  if (build.kind === 'artifact') {
    return {
      [APP_PARAMETERS.artifact]: `s3://${build.bucket}/${build.key}`,
      [APP_PARAMETERS.version]: versionValue(build),
      [APP_PARAMETERS.image]: '',
      [APP_PARAMETERS.imageRepository]: '',
    };
  }
  return {
    [APP_PARAMETERS.artifact]: '',
    [APP_PARAMETERS.version]: '',
    [APP_PARAMETERS.image]: build.image,
    [APP_PARAMETERS.imageRepository]: build.repositoryArn ?? '',
  };
}

/**
 * The app parameters a stack already has: sleep, wake and extend pass them back unchanged, so
 * that they never roll the instances to a newer build.
 */
export function appParametersOf(stackParameters: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stackParameters).filter(([key]) => ALL_APP_PARAMETERS.includes(key)),
  );
}

export function isAppParameter(key: string): boolean {
  return ALL_APP_PARAMETERS.includes(key);
}

/** What runs, for outputs and the comment: `s3://b/k?versionId=…`, or the image. */
export function buildUri(build: ResolvedBuild): string {
  if (build.kind === 'image') return build.image;
  const uri = `s3://${build.bucket}/${build.key}`;
  if (build.versionId) return `${uri}?versionId=${encodeURIComponent(build.versionId)}`;
  return build.etag ? `${uri}?etag=${build.etag}` : uri;
}

/** One line for the comment: what runs, and where it came from. */
export function describeBuild(build: ResolvedBuild): string {
  if (build.kind === 'image') {
    return build.repositoryArn
      ? `image \`${build.image}\` (${build.from === build.image ? 'by digest' : `\`${build.from}\``})`
      : `image \`${build.image}\` (not in ECR: not checked)`;
  }
  const version = build.versionId
    ? `version \`${build.versionId.slice(0, 12)}\``
    : build.etag
      ? `ETag \`${build.etag.slice(0, 12)}\``
      : 'no version';
  const origin =
    build.source === 'run-artifact'
      ? `, ${build.from} of run ${build.runId ?? '?'}`
      : build.source === 'workspace'
        ? `, from \`${build.from}\``
        : '';
  const upload = build.uploaded === false ? ', unchanged' : '';
  return `\`s3://${build.bucket}/${build.key}\` (${version}${origin}${upload})`;
}

/**
 * A template that cannot receive the build the inputs name is an error before anything is
 * touched: the environment would silently run something else.
 */
export function checkAppTemplate(
  declared: Set<string>,
  inputs: { artifact: boolean; image: boolean },
  templatePath: string,
): void {
  const needed = inputs.artifact
    ? [APP_PARAMETERS.artifact]
    : inputs.image
      ? [APP_PARAMETERS.image]
      : [];
  const missing = needed.filter((name) => !declared.has(name));
  if (missing.length === 0) return;
  throw new Error(
    `Template "${templatePath}" does not declare ${missing.join(', ')}: "${inputs.artifact ? 'app-artifact' : 'app-image'}" needs it to pass the build on (as the bundled template does)`,
  );
}
