/**
 * The checks an artifact's zip passes before anything in it is used. A PR's build is written by
 * whoever opened the PR: its archive is treated as hostile. Pure.
 */

/** One entry of a zip's central directory, as far as the checks go. */
export interface ZipEntryInfo {
  name: string;
  /** Unix mode from the external attributes (made on Unix), or undefined. */
  unixMode?: number;
  uncompressedSize: number;
  encrypted?: boolean;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export function isDirectoryEntry(entry: ZipEntryInfo): boolean {
  return entry.name.endsWith('/') || ((entry.unixMode ?? 0) & S_IFMT) === S_IFDIR;
}

/** Why an entry is refused, or undefined when it may be used. */
export function entryProblem(entry: ZipEntryInfo): string | undefined {
  const { name } = entry;
  const type = (entry.unixMode ?? 0) & S_IFMT;
  if (name === '' || name.includes('\0')) return 'has an empty or NUL-containing name';
  if (/^([/\\]|[A-Za-z]:)/.test(name)) return 'is an absolute path';
  if (name.includes('\\')) return 'has a backslash in its path';
  if (name.split('/').includes('..')) return 'escapes the folder it is extracted to (..)';
  if (type === S_IFLNK) return 'is a symbolic link';
  if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) return 'is not a regular file or folder';
  if (entry.encrypted) return 'is encrypted';
  return undefined;
}

/** An artifact pr-env will not deploy; nothing has been created or changed when it is thrown. */
export class ArtifactRefusedError extends Error {
  constructor(what: string, problems: string[]) {
    const shown = problems.slice(0, 5);
    const more =
      problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
    super(`Refused ${what}: ${shown.join('; ')}${more}. Nothing was deployed.`);
    this.name = 'ArtifactRefusedError';
  }
}

/**
 * Every entry checked, and the whole: at most `maxBytes` once extracted (a small zip can hold a
 * huge file), no name twice. Throws ArtifactRefusedError naming what is wrong.
 */
export function checkZipEntries(what: string, entries: ZipEntryInfo[], maxBytes: number): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const entry of entries) {
    const problem = entryProblem(entry);
    if (problem) problems.push(`"${entry.name}" ${problem}`);
    const normal = entry.name.replace(/\/+$/, '');
    if (seen.has(normal)) problems.push(`"${entry.name}" appears twice`);
    seen.add(normal);
    total += entry.uncompressedSize;
  }
  if (total > maxBytes) {
    problems.push(
      `it extracts to ${formatMb(total)}, over app-artifact-max-mb (${formatMb(maxBytes)})`,
    );
  }
  if (entries.filter((e) => !isDirectoryEntry(e)).length === 0) problems.push('it holds no file');
  if (problems.length > 0) throw new ArtifactRefusedError(what, problems);
}

/** The one `.tar.gz` a zip holds alone (folders aside), to be shipped as it is. */
export function soleTarball(entries: ZipEntryInfo[]): ZipEntryInfo | undefined {
  const files = entries.filter((e) => !isDirectoryEntry(e));
  const [only] = files;
  return files.length === 1 && /\.(tar\.gz|tgz)$/.test(only!.name) ? only : undefined;
}

export function formatMb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(bytes < 10_485_760 ? 1 : 0)} MB`;
}
