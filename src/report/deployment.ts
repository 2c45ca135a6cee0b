import type { Octokit, Repo } from '../github/client.js';

export type DeploymentState = 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface DeploymentStatus {
  state: DeploymentState;
  environmentUrl?: string;
  logUrl?: string;
  description?: string;
}

// GitHub rejects longer descriptions.
const DESCRIPTION_MAX = 140;

function statusBody(status: DeploymentStatus) {
  return {
    state: status.state,
    environment_url: status.environmentUrl,
    log_url: status.logUrl,
    description: status.description?.slice(0, DESCRIPTION_MAX),
    // A new success makes the PR's earlier deployments inactive, so one "View deployment" shows.
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
