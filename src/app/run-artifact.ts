import path from 'node:path';
import { downloadArtifact, findRunArtifact } from '../github/artifacts.js';
import type { Octokit, Repo } from '../github/client.js';
import { isGzip, packZip } from './pack.js';
import { ArtifactRefusedError, checkZipEntries, formatMb, soleTarball } from './zip-checks.js';
import { extractEntry, openZip } from './zip.js';

/**
 * The triggering run's artifact as one `.tar.gz` in `dir`: downloaded, its zip checked entry by
 * entry (nothing in it is run, installed or even written out unchecked), then its one tarball
 * taken as it is, or its files packed into one.
 */
export async function runArtifactTarball(
  octokit: Octokit,
  repo: Repo,
  runId: number,
  name: string,
  maxBytes: number,
  dir: string,
): Promise<string> {
  const what = `artifact "${name}" of run ${runId}`;
  const artifact = await findRunArtifact(octokit, repo, runId, name);
  if (!artifact) {
    throw new Error(
      `Run ${runId} has no artifact "${name}": expected the name its workflow gave actions/upload-artifact`,
    );
  }
  if (artifact.expired) throw new Error(`The ${what} has expired`);
  if (artifact.sizeInBytes > maxBytes) {
    throw new ArtifactRefusedError(what, [
      `it is ${formatMb(artifact.sizeInBytes)}, over app-artifact-max-mb (${formatMb(maxBytes)})`,
    ]);
  }
  const zipFile = path.join(dir, 'artifact.zip');
  await downloadArtifact(octokit, repo, artifact, zipFile, maxBytes);
  let archive;
  try {
    archive = await openZip(zipFile);
  } catch (error) {
    throw new ArtifactRefusedError(what, [
      `it is not a readable zip (${(error as Error).message})`,
    ]);
  }
  try {
    checkZipEntries(what, archive.entries, maxBytes);
    const out = path.join(dir, 'build.tar.gz');
    const tarball = soleTarball(archive.entries);
    if (tarball) {
      await extractEntry(archive, tarball, out);
      if (!isGzip(out)) {
        throw new ArtifactRefusedError(what, [`"${tarball.name}" is not gzip-compressed`]);
      }
    } else {
      await packZip(archive, out);
    }
    return out;
  } finally {
    archive.close();
  }
}
