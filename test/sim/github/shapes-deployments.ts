/** Deployment and deployment-status bodies, as GET/POST /repos/{o}/{r}/deployments… answer. */
import type { Urls } from './shapes.js';
import { nodeId, userJson, viaApp } from './shapes.js';
import type { DeploymentRecord, DeploymentStatusRecord } from './store.js';

export function deploymentJson(d: DeploymentRecord, urls: Urls): Record<string, unknown> {
  const repoApi = `${urls.api}/repos/${d.owner}/${d.repo}`;
  return {
    url: `${repoApi}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('DE', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.originalEnvironment,
    environment: d.environment,
    description: d.description,
    creator: userJson(d.creator, urls),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${repoApi}/deployments/${d.id}/statuses`,
    repository_url: repoApi,
    transient_environment: d.transientEnvironment,
    production_environment: d.productionEnvironment,
    performed_via_github_app: viaApp(d.creator, urls),
  };
}

export function deploymentStatusJson(
  d: DeploymentRecord,
  s: DeploymentStatusRecord,
  urls: Urls,
): Record<string, unknown> {
  const repoApi = `${urls.api}/repos/${d.owner}/${d.repo}`;
  return {
    url: `${repoApi}/deployments/${d.id}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES', s.id),
    state: s.state,
    creator: userJson(s.creator, urls),
    description: s.description,
    environment: s.environment,
    target_url: s.targetUrl,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    deployment_url: `${repoApi}/deployments/${d.id}`,
    repository_url: repoApi,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
    performed_via_github_app: viaApp(s.creator, urls),
  };
}
