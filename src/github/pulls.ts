import { withContext } from '../errors.js';
import type { Octokit, Repo } from './client.js';
import { toPullRequestInfo, type PullRequestInfo } from './event.js';

/** A PR as it is now (head SHA, state, labels), for runs whose event does not carry it. */
export async function getPullRequest(
  octokit: Octokit,
  repo: Repo,
  number: number,
): Promise<PullRequestInfo> {
  try {
    const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
    const pr = toPullRequestInfo(data);
    if (!pr) throw new Error('the response carries no pull request');
    return pr;
  } catch (error) {
    throw withContext(
      `Could not read pull request #${number} of ${repo.owner}/${repo.repo}`,
      error,
    );
  }
}
