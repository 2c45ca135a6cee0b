/** Deployments and deployment statuses, with GitHub's auto-inactive and delete rules. */
import type { RouteContext, Router } from '../http.js';
import {
  HttpError,
  intParam,
  notFound,
  oneOf,
  optionalBool,
  optionalString,
  paginate,
  requiredString,
  validationFailed,
} from '../http.js';
import { deploymentJson, deploymentStatusJson } from '../shapes-deployments.js';
import type { DeploymentRecord, DeploymentState, DeploymentStatusRecord } from '../store.js';
import { reply } from './pulls.js';

export const DEPLOYMENT_STATES: readonly DeploymentState[] = [
  'error',
  'failure',
  'inactive',
  'in_progress',
  'queued',
  'pending',
  'success',
];

function findDeployment(ctx: RouteContext): DeploymentRecord {
  const d = ctx.store.deployment(ctx.params.owner!, ctx.params.repo!, intParam(ctx, 'id'));
  if (!d) throw notFound();
  return d;
}

const latest = (d: DeploymentRecord) => d.statuses[d.statuses.length - 1];

export function deploymentRoutes(r: Router): void {
  r.on('POST', '/repos/:owner/:repo/deployments', (ctx) => {
    const { owner, repo } = ctx.params as { owner: string; repo: string };
    const b = ctx.body;
    const ref = requiredString(b, 'ref');
    const environment = optionalString(b, 'environment') ?? 'production';
    const transient = optionalBool(b, 'transient_environment') ?? false;
    const production = optionalBool(b, 'production_environment') ?? environment === 'production';
    optionalBool(b, 'auto_merge');
    if (b.required_contexts !== undefined && !Array.isArray(b.required_contexts))
      throw new HttpError(
        422,
        `Invalid request.\n\nFor 'properties/required_contexts', ${JSON.stringify(b.required_contexts)} is not an array.`,
      );
    const now = ctx.store.now();
    const r0 = ctx.store.repo(owner, repo);
    const d: DeploymentRecord = {
      id: ctx.store.nextId('deployment'),
      owner: r0.owner,
      repo: r0.name,
      sha: ctx.store.resolveRef(owner, repo, ref),
      ref,
      task: optionalString(b, 'task') ?? 'deploy',
      payload: b.payload ?? {},
      environment,
      originalEnvironment: environment,
      description: optionalString(b, 'description') ?? null,
      transientEnvironment: transient,
      productionEnvironment: production,
      creator: ctx.identity,
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    ctx.store.deployments.set(d.id, d);
    return reply(deploymentJson(d, ctx.urls), 201);
  });

  r.on('GET', '/repos/:owner/:repo/deployments', (ctx) => {
    const q = ctx.query;
    const list = ctx.store
      .deploymentsOf(ctx.params.owner!, ctx.params.repo!)
      .filter(
        (d) =>
          (!q.get('environment') || d.environment === q.get('environment')) &&
          (!q.get('ref') || d.ref === q.get('ref')) &&
          (!q.get('sha') || d.sha === q.get('sha')) &&
          (!q.get('task') || d.task === q.get('task')),
      );
    return paginate(ctx, list, (d) => deploymentJson(d, ctx.urls));
  });

  r.on('GET', '/repos/:owner/:repo/deployments/:id', (ctx) =>
    reply(deploymentJson(findDeployment(ctx), ctx.urls)),
  );

  r.on('DELETE', '/repos/:owner/:repo/deployments/:id', (ctx) => {
    const d = findDeployment(ctx);
    const sameEnv = ctx.store
      .deploymentsOf(d.owner, d.repo)
      .filter((x) => x.environment === d.environment);
    if (latest(d)?.state === 'success' && sameEnv.length > 1)
      throw new HttpError(
        422,
        'We cannot delete an active deployment unless it is the only deployment in a given environment.',
      );
    ctx.store.deployments.delete(d.id);
    return { status: 204 };
  });

  r.on('POST', '/repos/:owner/:repo/deployments/:id/statuses', (ctx) => {
    const d = findDeployment(ctx);
    const b = ctx.body;
    const state = oneOf('state', requiredString(b, 'state'), DEPLOYMENT_STATES);
    const description = optionalString(b, 'description') ?? '';
    if (description.length > 140)
      throw validationFailed(
        'DeploymentStatus',
        'description',
        'description is too long (maximum is 140 characters)',
      );
    const logUrl = optionalString(b, 'log_url') ?? optionalString(b, 'target_url') ?? '';
    const environment = optionalString(b, 'environment');
    if (environment) d.environment = environment;
    const autoInactive = optionalBool(b, 'auto_inactive') ?? true;
    const now = ctx.store.now();
    const s: DeploymentStatusRecord = {
      id: ctx.store.nextId('status'),
      deploymentId: d.id,
      state,
      description,
      environment: d.environment,
      targetUrl: logUrl,
      logUrl,
      environmentUrl: optionalString(b, 'environment_url') ?? '',
      creator: ctx.identity,
      createdAt: now,
      updatedAt: now,
    };
    d.statuses.push(s);
    d.updatedAt = now;
    if (state === 'success' && autoInactive) markPriorInactive(ctx, d);
    return reply(deploymentStatusJson(d, s, ctx.urls), 201);
  });

  r.on('GET', '/repos/:owner/:repo/deployments/:id/statuses', (ctx) => {
    const d = findDeployment(ctx);
    return paginate(ctx, [...d.statuses].reverse(), (s) => deploymentStatusJson(d, s, ctx.urls));
  });

  r.on('GET', '/repos/:owner/:repo/deployments/:id/statuses/:status', (ctx) => {
    const d = findDeployment(ctx);
    const s = d.statuses.find((x) => x.id === intParam(ctx, 'status'));
    if (!s) throw notFound();
    return reply(deploymentStatusJson(d, s, ctx.urls));
  });
}

/**
 * `auto_inactive` (default true): prior non-transient, non-production deployments in the same
 * environment whose latest status is `success` get an `inactive` status.
 */
function markPriorInactive(ctx: RouteContext, d: DeploymentRecord): void {
  for (const prior of ctx.store.deploymentsOf(d.owner, d.repo)) {
    if (prior.id >= d.id || prior.environment !== d.environment) continue;
    if (prior.transientEnvironment || prior.productionEnvironment) continue;
    const last = latest(prior);
    if (last?.state !== 'success') continue;
    const now = ctx.store.now();
    prior.statuses.push({
      ...last,
      id: ctx.store.nextId('status'),
      state: 'inactive',
      description: '',
      creator: ctx.identity,
      createdAt: now,
      updatedAt: now,
    });
    prior.updatedAt = now;
  }
}
