import { readFileSync } from 'node:fs';
import { withContext } from '../errors.js';
import { toEventInfo, type EventInfo } from './event.js';

/** What the runner tells a step about its run, read from the environment it sets. */
export interface RunnerContext {
  event: EventInfo;
  repository: string;
  runId?: string;
  runUrl?: string;
  /** https://github.com, or the enterprise server's address. */
  serverUrl: string;
}

// Read straight from the environment rather than through @actions/github's context, which would
// load Octokit on every run, including those that never talk to GitHub.
export function readRunnerContext(env: NodeJS.ProcessEnv = process.env): RunnerContext {
  const repository = env.GITHUB_REPOSITORY ?? '';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) {
    throw new Error(
      `GITHUB_REPOSITORY is "${repository}": expected owner/repo, as a GitHub runner sets it`,
    );
  }
  let payload: unknown = {};
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    } catch (error) {
      throw withContext(
        `Could not read the event payload at GITHUB_EVENT_PATH (${env.GITHUB_EVENT_PATH})`,
        error,
      );
    }
  }
  const runId = env.GITHUB_RUN_ID;
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    event: toEventInfo(env.GITHUB_EVENT_NAME ?? '', payload, repository),
    repository,
    runId: runId && env.GITHUB_RUN_ATTEMPT ? `${runId}-${env.GITHUB_RUN_ATTEMPT}` : runId,
    runUrl: runId ? `${server}/${repository}/actions/runs/${runId}` : undefined,
    serverUrl: server,
  };
}
