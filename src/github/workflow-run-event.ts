/** The `workflow_run` of a workflow_run event: the build run that finished. */
export interface WorkflowRunInfo {
  id: number;
  name?: string;
  /** The commit the run built. */
  headSha: string;
  conclusion?: string;
  /** `owner/repo` the run's code came from: a fork's for a fork's PR. */
  headRepository?: string;
  htmlUrl?: string;
  /**
   * PRs of this repository the payload names with the run's head. GitHub leaves the list empty
   * for forks, and documents it as "not necessarily the PRs that triggered the run".
   */
  pullRequests: number[];
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Reads the payload's `workflow_run`. `head_branch` is left out on purpose: it is text the PR's
 * author chose, fit for nothing pr-env does. Pure.
 */
export function toWorkflowRunInfo(raw: unknown, repository: string): WorkflowRunInfo | undefined {
  const run = obj(raw);
  const headSha = str(run.head_sha) ?? '';
  if (typeof run.id !== 'number' || !/^[0-9a-f]{40}$/.test(headSha)) return undefined;
  const ours = `/repos/${repository}`.toLowerCase();
  const pullRequests = (Array.isArray(run.pull_requests) ? run.pull_requests : [])
    .map(obj)
    .filter(
      (pr) =>
        typeof pr.number === 'number' &&
        str(obj(pr.head).sha) === headSha &&
        (str(obj(obj(pr.base).repo).url) ?? '').toLowerCase().endsWith(ours),
    )
    .map((pr) => pr.number as number);
  return {
    id: run.id,
    name: str(run.name),
    headSha,
    conclusion: str(run.conclusion),
    headRepository: str(obj(run.head_repository).full_name),
    htmlUrl: str(run.html_url),
    pullRequests,
  };
}
