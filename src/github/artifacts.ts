import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { withContext } from '../errors.js';
import type { Octokit, Repo } from './client.js';

/** An artifact of a workflow run, as the Actions API lists it. */
export interface RunArtifact {
  id: number;
  name: string;
  sizeInBytes: number;
  expired: boolean;
}

/** The run's artifact of that name, or undefined. Needs `actions: read`. */
export async function findRunArtifact(
  octokit: Octokit,
  repo: Repo,
  runId: number,
  name: string,
): Promise<RunArtifact | undefined> {
  try {
    const { data } = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts',
      {
        ...repo,
        run_id: runId,
        name,
        per_page: 100,
      },
    );
    const found = data.artifacts.find((a) => a.name === name);
    return (
      found && {
        id: found.id,
        name: found.name,
        sizeInBytes: found.size_in_bytes,
        expired: found.expired,
      }
    );
  } catch (error) {
    throw withContext(
      `Could not list the artifacts of run ${runId} (the token needs actions: read)`,
      error,
    );
  }
}

/**
 * Downloads the artifact's zip to `file`, refusing more than `maxBytes`. GitHub answers with a
 * redirect to a short-lived URL: it is followed here, without GitHub's token, which that host
 * has no business seeing.
 */
export async function downloadArtifact(
  octokit: Octokit,
  repo: Repo,
  artifact: RunArtifact,
  file: string,
  maxBytes: number,
): Promise<void> {
  const what = `artifact "${artifact.name}" (${artifact.id})`;
  let location: string | undefined;
  try {
    const response = await octokit.request(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      { ...repo, artifact_id: artifact.id, archive_format: 'zip', request: { redirect: 'manual' } },
    );
    location = response.headers.location;
  } catch (error) {
    throw withContext(`Could not download ${what}`, error);
  }
  if (!location) throw new Error(`Could not download ${what}: GitHub gave no download URL`);
  const response = await fetch(location, { redirect: 'follow' });
  if (!response.ok || !response.body) {
    throw new Error(`Could not download ${what}: ${response.status} ${response.statusText}`);
  }
  let received = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) done(new Error(`${what} is over ${maxBytes} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    cap,
    createWriteStream(file, { flags: 'wx' }),
  );
}
