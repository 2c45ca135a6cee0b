/**
 * Workflow run artifacts: the list of a run's artifacts, and the zip download, which GitHub
 * answers with a 302 to a short-lived blob URL (served here under /_blob/, without auth, like a
 * pre-signed storage URL). Expired artifacts answer 410, as GitHub does.
 */
import { createHash } from 'node:crypto';
import type { Router } from '../http.js';
import { HttpError, intParam, notFound } from '../http.js';
import type { ArtifactRecord } from '../store.js';
import type { Urls } from '../shapes.js';
import { nodeId } from '../shapes.js';

export const BLOB_PREFIX = '/_blob/artifacts/';

export function artifactJson(a: ArtifactRecord, urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${a.owner}/${a.repo}/actions/artifacts/${a.id}`;
  const expires = new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString();
  return {
    id: a.id,
    node_id: nodeId('MDg6QXJ0aWZhY3Q', a.id),
    name: a.name,
    size_in_bytes: a.zip.length,
    url: api,
    archive_download_url: `${api}/zip`,
    expired: a.expired,
    digest: `sha256:${createHash('sha256').update(a.zip).digest('hex')}`,
    created_at: a.createdAt,
    updated_at: a.createdAt,
    expires_at: expires.replace(/\.\d{3}Z$/, 'Z'),
    workflow_run: {
      id: a.runId,
      repository_id: 1,
      head_repository_id: 1,
      head_branch: 'feature',
      head_sha: a.headSha,
    },
  };
}

export function artifactRoutes(r: Router): void {
  r.on('GET', '/repos/:owner/:repo/actions/runs/:run_id/artifacts', (ctx) => {
    const { owner, repo } = ctx.params as { owner: string; repo: string };
    const runId = intParam(ctx, 'run_id');
    const name = ctx.query.get('name');
    const all = [...ctx.store.artifacts.values()].filter(
      (a) =>
        a.owner.toLowerCase() === owner.toLowerCase() &&
        a.repo.toLowerCase() === repo.toLowerCase() &&
        a.runId === runId &&
        (name === null || a.name === name),
    );
    const per = Math.min(Number(ctx.query.get('per_page')) || 30, 100);
    const page = Math.max(Number(ctx.query.get('page')) || 1, 1);
    return {
      status: 200,
      body: {
        total_count: all.length,
        artifacts: all.slice((page - 1) * per, page * per).map((a) => artifactJson(a, ctx.urls)),
      },
    };
  });

  r.on('GET', '/repos/:owner/:repo/actions/artifacts/:id/:format', (ctx) => {
    const artifact = ctx.store.artifacts.get(intParam(ctx, 'id'));
    if (!artifact || artifact.owner.toLowerCase() !== ctx.params.owner!.toLowerCase()) {
      throw notFound();
    }
    if (ctx.params.format !== 'zip') throw new HttpError(422, 'Unsupported archive format');
    if (artifact.expired) throw new HttpError(410, 'Artifact has expired');
    const sig = createHash('sha1').update(`${artifact.id}:${Date.now()}`).digest('hex');
    return {
      status: 302,
      headers: { location: `${ctx.urls.api}${BLOB_PREFIX}${artifact.id}?sig=${sig}&se=60` },
    };
  });
}
