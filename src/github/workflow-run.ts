import * as core from '@actions/core';
import { withContext } from '../errors.js';
import type { Octokit, Repo } from './client.js';
import { toPullRequestInfo, type EventInfo, type PullRequestInfo } from './event.js';
import { getPullRequest } from './pulls.js';
import type { WorkflowRunInfo } from './workflow-run-event.js';

/**
 * The open PR the run built, as it is now (its current head, labels and head repository): one
 * the payload names, or else the open PR whose head is the run's commit. Undefined when there is
 * none (closed since, or pushed to: the newer commit's build will come).
 */
export async function findRunPullRequest(
  octokit: Octokit,
  repo: Repo,
  run: WorkflowRunInfo,
): Promise<PullRequestInfo | undefined> {
  for (const number of run.pullRequests) {
    const pr = await getPullRequest(octokit, repo, number);
    if (pr.state === 'open') return pr;
  }
  let open: unknown[];
  try {
    open = await octokit.paginate(octokit.rest.pulls.list, {
      ...repo,
      state: 'open',
      per_page: 100,
    });
  } catch (error) {
    throw withContext(`Could not list the open pull requests of ${repo.owner}/${repo.repo}`, error);
  }
  const matching = open
    .map(toPullRequestInfo)
    .filter((pr): pr is PullRequestInfo => pr !== undefined && pr.headSha === run.headSha);
  const chosen = matching.find((pr) => pr.headRepository === run.headRepository) ?? matching[0];
  if (matching.length > 1) {
    core.warning(
      `PRs ${matching.map((pr) => `#${pr.number}`).join(', ')} all have head ${run.headSha}: deploying #${chosen!.number}`,
    );
  }
  return chosen;
}

/** The event with its PR found, for a completed workflow_run; any other event as it is. */
export async function withRunPullRequest(
  event: EventInfo,
  client: () => Promise<Octokit>,
  repo: Repo,
): Promise<EventInfo> {
  if (!event.workflowRun || event.action !== 'completed') return event;
  const pullRequest = await findRunPullRequest(await client(), repo, event.workflowRun);
  return { ...event, pullRequest };
}
