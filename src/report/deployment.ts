import type { Octokit, Repo } from '../github/client.js';
import type { RootCause } from '../stack/root-cause.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentStatus {
  state: DeploymentState;
  environmentUrl?: string;
  logUrl?: string;
  description?: string;
}

// GitHub rejects longer descriptions.
const DESCRIPTION_MAX = 140;

function clip(text: string): string {
  return text.slice(0, DESCRIPTION_MAX);
}

// CloudFormation wraps a handler's own words in `Resource handler returned message: "…" (…)`.
const HANDLER_MESSAGE = /^Resource handler returned message: "(.*?)(?: \(Service: [^)]*\))?"/s;

/**
 * What a failed deployment says on the PR, in GitHub's 140 characters: the root cause first (the
 * resource and the service's own message), not the stack name the full error starts with. Pure.
 */
export function failureDescription(rootCause: RootCause | undefined, error?: string): string {
  if (!rootCause) return clip((error || 'Failed').replace(/\s+/g, ' '));
  const reason = HANDLER_MESSAGE.exec(rootCause.reason)?.[1] ?? rootCause.reason;
  return clip(`${rootCause.logicalId} ${rootCause.status}: ${reason}`);
}

function statusBody(status: DeploymentStatus) {
  return {
    state: status.state,
    environment_url: status.environmentUrl,
    log_url: status.logUrl,
    description: status.description && clip(status.description),
    // Only affects non-transient environments; deactivateSuperseded covers the PR's own.
    auto_inactive: true,
  };
}

/**
 * Records a deployment of a PR's head to its own environment. Transient and not production, so
 * GitHub shows it on the PR and lets it go when it is marked inactive.
 */
export async function createDeployment(
  octokit: Octokit,
  repo: Repo,
  deployment: { ref: string; environment: string; description: string },
): Promise<number> {
  const { data } = await octokit.rest.repos.createDeployment({
    ...repo,
    ref: deployment.ref,
    environment: deployment.environment,
    description: deployment.description.slice(0, DESCRIPTION_MAX),
    transient_environment: true,
    production_environment: false,
    auto_merge: false,
    required_contexts: [],
  });
  if (!('id' in data))
    throw new Error(`GitHub did not create the deployment: ${data.message ?? 'no reason given'}`);
  return data.id;
}

export async function setDeploymentStatus(
  octokit: Octokit,
  repo: Repo,
  deploymentId: number,
  status: DeploymentStatus,
): Promise<void> {
  await octokit.rest.repos.createDeploymentStatus({
    ...repo,
    deployment_id: deploymentId,
    ...statusBody(status),
  });
}

/** Marks every deployment of an environment inactive: the environment is gone. */
export async function deactivateEnvironment(
  octokit: Octokit,
  repo: Repo,
  environment: string,
  logUrl?: string,
): Promise<number> {
  const deployments = await octokit.paginate(octokit.rest.repos.listDeployments, {
    ...repo,
    environment,
    per_page: 100,
  });
  for (const deployment of deployments) {
    await setDeploymentStatus(octokit, repo, deployment.id, {
      state: 'inactive',
      logUrl,
      description: 'Environment destroyed',
    });
  }
  return deployments.length;
}

// Deployments that still count as live: GitHub shows "View deployment" for the newest of them.
const LIVE_STATES = new Set(['success', 'in_progress', 'queued', 'pending']);

/**
 * Marks inactive the deployments of `environment` that `currentId` supersedes. GitHub's
 * auto_inactive skips transient environments, so without this every push would leave another
 * live deployment on the PR. Walks them newest first and stops at one already inactive: each
 * success has deactivated everything before it. Returns how many were marked.
 */
export async function deactivateSuperseded(
  octokit: Octokit,
  repo: Repo,
  environment: string,
  currentId: number,
  logUrl?: string,
): Promise<number> {
  const { data: deployments } = await octokit.rest.repos.listDeployments({
    ...repo,
    environment,
    per_page: 30,
  });
  let marked = 0;
  for (const deployment of deployments) {
    if (deployment.id >= currentId) continue;
    const { data: statuses } = await octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: deployment.id,
      per_page: 1,
    });
    const state = statuses[0]?.state;
    if (state === 'inactive') break;
    if (state === undefined || !LIVE_STATES.has(state)) continue;
    await setDeploymentStatus(octokit, repo, deployment.id, {
      state: 'inactive',
      logUrl,
      description: 'Superseded by a newer deployment',
    });
    marked++;
  }
  return marked;
}
