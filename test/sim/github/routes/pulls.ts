/** Repositories, pull requests and issue labels. */
import type { Router } from '../http.js';
import { HttpError, intParam, notFound, paginate } from '../http.js';
import { labelJson, pullJson, repoJson } from '../shapes.js';

export function pullRoutes(r: Router): void {
  r.on('GET', '/repos/:owner/:repo', ({ params, store, urls }) =>
    reply(repoJson(store.repo(params.owner!, params.repo!), urls)),
  );

  r.on('GET', '/repos/:owner/:repo/pulls', (ctx) => {
    const { params, query, store, urls } = ctx;
    const state = query.get('state') ?? 'open';
    const head = query.get('head');
    const base = query.get('base');
    const sort = query.get('sort') ?? 'created';
    const dir = query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
    let prs = store.pullsOf(params.owner!, params.repo!);
    if (state !== 'all') prs = prs.filter((p) => p.state === state);
    if (head) {
      const [user, ref] = head.includes(':') ? head.split(':', 2) : [head, undefined];
      prs = prs.filter(
        (p) => p.headOwner.toLowerCase() === user!.toLowerCase() && (!ref || p.headRef === ref),
      );
    }
    if (base) prs = prs.filter((p) => p.baseRef === base);
    const keyOf = (p: (typeof prs)[number]) =>
      (sort === 'updated' ? p.updatedAt : '') + pad(p.number);
    prs.sort((a, b) => keyOf(a).localeCompare(keyOf(b)) * (dir === 'asc' ? 1 : -1));
    return paginate(ctx, prs, (p) => pullJson(store, p, urls, false));
  });

  r.on('GET', '/repos/:owner/:repo/pulls/:number', (ctx) => {
    const pr = ctx.store.pull(ctx.params.owner!, ctx.params.repo!, intParam(ctx, 'number'));
    if (!pr) throw notFound();
    return reply(pullJson(ctx.store, pr, ctx.urls, true));
  });

  r.on('GET', '/repos/:owner/:repo/issues/:number/labels', (ctx) => {
    const { owner, repo } = ctx.params as { owner: string; repo: string };
    const pr = ctx.store.pull(owner, repo, intParam(ctx, 'number'));
    if (!pr) throw notFound();
    return paginate(ctx, pr.labels, (l) => labelJson(owner, repo, l, ctx.urls));
  });

  r.on('POST', '/repos/:owner/:repo/issues/:number/labels', (ctx) => {
    const { owner, repo } = ctx.params as { owner: string; repo: string };
    const pr = ctx.store.pull(owner, repo, intParam(ctx, 'number'));
    if (!pr) throw notFound();
    const raw = Array.isArray(ctx.body.labels) ? ctx.body.labels : [];
    const names = raw.map((l: unknown) =>
      typeof l === 'string' ? l : String((l as { name?: unknown })?.name ?? ''),
    );
    if (!names.length || names.some((n) => !n))
      throw new HttpError(422, 'Invalid request.\n\nNo subschema in "anyOf" matched.');
    for (const n of names) if (!pr.labels.includes(n)) pr.labels.push(n);
    pr.updatedAt = ctx.store.now();
    return reply(pr.labels.map((l) => labelJson(owner, repo, l, ctx.urls)));
  });

  r.on('DELETE', '/repos/:owner/:repo/issues/:number/labels/:name', (ctx) => {
    const { owner, repo, name } = ctx.params as { owner: string; repo: string; name: string };
    const pr = ctx.store.pull(owner, repo, intParam(ctx, 'number'));
    if (!pr) throw notFound();
    if (!pr.labels.includes(name)) throw new HttpError(404, 'Label does not exist');
    pr.labels = pr.labels.filter((l) => l !== name);
    pr.updatedAt = ctx.store.now();
    return reply(pr.labels.map((l) => labelJson(owner, repo, l, ctx.urls)));
  });
}

const pad = (n: number) => String(n).padStart(12, '0');

export const reply = (body: unknown, status = 200) => ({ status, body });
