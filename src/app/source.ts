import path from 'node:path';

/**
 * Where the environment's build comes from, as the inputs name it (placeholders unexpanded):
 * - `s3`: an object CI uploads, `s3://bucket/key`;
 * - `workspace`: a `.tar.gz` or a directory in the runner's workspace, uploaded by pr-env;
 * - `run-artifact`: an artifact of the workflow run that triggered this one (workflow_run);
 * - `image`: a container image, resolved to its digest when it is in ECR.
 */
export type BuildSource =
  | { kind: 's3'; bucket: string; key: string }
  | { kind: 'workspace'; root: string; path: string; shown: string }
  | { kind: 'run-artifact'; name: string }
  | { kind: 'image'; image: string };

/** What a placeholder is replaced with: the PR's head and number. */
export interface BuildFacts {
  sha: string;
  pr: number;
}

const PLACEHOLDERS: Record<string, (facts: BuildFacts) => string> = {
  sha: (facts) => facts.sha,
  'short-sha': (facts) => facts.sha.slice(0, 7),
  pr: (facts) => String(facts.pr),
};

const BRACED = /\{([^{}]*)\}/g;

/** The placeholders of `text` that pr-env does not know (`{branch}`, `{}`…); empty when all are known. */
export function unknownPlaceholders(text: string): string[] {
  const unknown = [...text.matchAll(BRACED)]
    .map((m) => m[0])
    .filter((whole) => !Object.hasOwn(PLACEHOLDERS, whole.slice(1, -1)));
  // A brace left unpaired is a typo of a placeholder as much as `{shaa}` is.
  const stray = text.replace(BRACED, '').match(/[{}]/g) ?? [];
  return [...unknown, ...stray];
}

/** `{sha}`, `{short-sha}` and `{pr}` replaced. Pure; the text was checked by unknownPlaceholders. */
export function expandPlaceholders(text: string, facts: BuildFacts): string {
  return text.replace(BRACED, (whole, name: string) =>
    Object.hasOwn(PLACEHOLDERS, name) ? PLACEHOLDERS[name]!(facts) : whole,
  );
}

export function expandSource(source: BuildSource, facts: BuildFacts): BuildSource {
  switch (source.kind) {
    case 's3':
      return { ...source, key: expandPlaceholders(source.key, facts) };
    case 'workspace':
      return {
        ...source,
        path: expandPlaceholders(source.path, facts),
        shown: expandPlaceholders(source.shown, facts),
      };
    case 'run-artifact':
      return { ...source, name: expandPlaceholders(source.name, facts) };
    case 'image':
      return { ...source, image: expandPlaceholders(source.image, facts) };
  }
}

const PLACEHOLDER_HELP = 'the placeholders are {sha}, {short-sha} and {pr}';
const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
// The template's AllowedPattern for AppArtifactS3Uri: the URI lands in the instances' shell.
const UNSAFE_KEY = /[\s'"$`\\*?]/;
// upload-artifact refuses these in a name.
const ARTIFACT_NAME = /^[^"*:<>?|\\/\r\n]{1,256}$/;
// A registry host (with a dot or a port, or localhost), a lower-case repository path, then a tag
// or a digest: what docker accepts, minus anything a shell would read.
const IMAGE =
  /^(?:(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+|localhost)(?::\d{1,5})?\/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[0-9a-f]{64})?$/;

export type Parsed<T> = { value: T; problem?: undefined } | { value?: undefined; problem: string };

/** The `app-artifact` input, checked. Pure but for nothing: the workspace is only a path. */
export function parseArtifactInput(raw: string, workspace: string): Parsed<BuildSource> {
  const text = raw.trim();
  const bad = unknownPlaceholders(text);
  if (bad.length > 0) {
    return {
      problem: `"app-artifact": "${text}" has ${bad.map((b) => `"${b}"`).join(', ')}: ${PLACEHOLDER_HELP}`,
    };
  }
  if (text.startsWith('s3://')) {
    const match = S3_URI.exec(text);
    if (!match || UNSAFE_KEY.test(match[2]!)) {
      return {
        problem: `"app-artifact": "${text}" is not an S3 object: expected s3://bucket/key (a bucket name, then a key without spaces, quotes, $, *, ? or backslashes)`,
      };
    }
    return { value: { kind: 's3', bucket: match[1]!, key: match[2]! } };
  }
  if (text.startsWith('artifact:')) {
    const name = text.slice('artifact:'.length);
    if (!ARTIFACT_NAME.test(name)) {
      return {
        problem: `"app-artifact": "${text}" does not name an artifact: expected artifact:NAME, the name given to actions/upload-artifact`,
      };
    }
    return { value: { kind: 'run-artifact', name } };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return {
      problem: `"app-artifact": "${text}" is neither an s3:// URI nor a path: expected s3://bucket/key, artifact:NAME, or a path in the workspace`,
    };
  }
  const resolved = path.resolve(workspace, text);
  if (!isInside(workspace, resolved)) {
    return {
      problem: `"app-artifact": "${text}" is outside the workspace (${workspace}): expected a path in it, a .tar.gz or a directory`,
    };
  }
  return { value: { kind: 'workspace', root: workspace, path: resolved, shown: text } };
}

/** The `app-image` input, checked. Pure. */
export function parseImageInput(raw: string): Parsed<BuildSource> {
  const text = raw.trim();
  const bad = unknownPlaceholders(text);
  if (bad.length > 0) {
    return {
      problem: `"app-image": "${text}" has ${bad.map((b) => `"${b}"`).join(', ')}: ${PLACEHOLDER_HELP}`,
    };
  }
  // Checked as it will be once expanded: a placeholder stands for hex digits or a number.
  if (!IMAGE.test(expandPlaceholders(text, { sha: '0'.repeat(40), pr: 1 }))) {
    return {
      problem: `"app-image": "${text}" is not an image reference: expected registry/repository:tag or registry/repository@sha256:digest, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:{sha}`,
    };
  }
  return { value: { kind: 'image', image: text } };
}

/** Whether `candidate` is `root` or lies below it (lexically; symbolic links are checked later). */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(path.resolve(root), path.resolve(candidate));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The source as people read it: the URI, the path, the artifact or the image. */
export function describeSource(source: BuildSource): string {
  switch (source.kind) {
    case 's3':
      return `s3://${source.bucket}/${source.key}`;
    case 'workspace':
      return source.shown;
    case 'run-artifact':
      return `artifact:${source.name}`;
    case 'image':
      return source.image;
  }
}
