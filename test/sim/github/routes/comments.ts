/** Issue comments (a pull request's conversation) and their reactions. */
import type { RouteContext, Router } from '../http.js';
import {
  HttpError,
  intParam,
  notFound,
  oneOf,
  paginate,
  requiredString,
  validationFailed,
} from '../http.js';
import { REACTION_CONTENTS, commentJson, reactionJson } from '../shapes.js';
import type { CommentRecord } from '../store.js';
import { reply } from './pulls.js';

/** GitHub rejects comment bodies over 65,536 characters. */
export const MAX_COMMENT_BODY = 65_536;

function commentBody(ctx: RouteContext): string {
  const body = requiredString(ctx.body, 'body');
  if (body.length > MAX_COMMENT_BODY)
    throw validationFailed(
      'IssueComment',
      'body',
      'body is too long (maximum is 65536 characters)',
    );
  return body;
}

function findComment(ctx: RouteContext): CommentRecord {
  const c = ctx.store.comment(ctx.params.owner!, ctx.params.repo!, intParam(ctx, 'id'));
  if (!c) throw notFound();
  return c;
}

export function commentRoutes(r: Router): void {
  r.on('GET', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
    const { owner, repo } = ctx.params as { owner: string; repo: string };
    const n = intParam(ctx, 'number');
    if (!ctx.store.issueExists(owner, repo, n)) throw notFound();
    const since = ctx.query.get('since');
    const list = ctx.store
      .commentsOf(owner, repo, n)
      .filter((c) => !since || c.updatedAt >= since.replace(/\.\d+Z$/, 'Z'));
    return paginate(ctx, list, (c) => commentJson(ctx.store, c, ctx.urls));
  });

  r.on('POST', '/repos/:owner/:repo/issues/:number/comments', (ctx) => {
    const { owner, repo } = ctx.params as { owner: string; repo: string };
    const n = intParam(ctx, 'number');
    if (!ctx.store.issueExists(owner, repo, n)) throw notFound();
    const body = commentBody(ctx);
    const now = ctx.store.now();
    const c: CommentRecord = {
      id: ctx.store.nextId('comment'),
      owner: ctx.store.repo(owner, repo).owner,
      repo: ctx.store.repo(owner, repo).name,
      issue: n,
      body,
      user: ctx.identity,
      createdAt: now,
      updatedAt: now,
    };
    ctx.store.comments.set(c.id, c);
    const json = commentJson(ctx.store, c, ctx.urls);
    return { status: 201, body: json, headers: { location: String(json.url) } };
  });

  r.on('GET', '/repos/:owner/:repo/issues/comments/:id', (ctx) =>
    reply(commentJson(ctx.store, findComment(ctx), ctx.urls)),
  );

  r.on('PATCH', '/repos/:owner/:repo/issues/comments/:id', (ctx) => {
    const c = findComment(ctx);
    c.body = commentBody(ctx);
    c.updatedAt = ctx.store.now();
    return reply(commentJson(ctx.store, c, ctx.urls));
  });

  r.on('DELETE', '/repos/:owner/:repo/issues/comments/:id', (ctx) => {
    const c = findComment(ctx);
    ctx.store.comments.delete(c.id);
    for (const x of ctx.store.reactionsOf(c.id)) ctx.store.reactions.delete(x.id);
    return { status: 204 };
  });

  r.on('GET', '/repos/:owner/:repo/issues/comments/:id/reactions', (ctx) => {
    const c = findComment(ctx);
    const content = ctx.query.get('content');
    const list = ctx.store.reactionsOf(c.id).filter((x) => !content || x.content === content);
    return paginate(ctx, list, (x) => reactionJson(x, ctx.urls));
  });

  r.on('POST', '/repos/:owner/:repo/issues/comments/:id/reactions', (ctx) => {
    const c = findComment(ctx);
    const content = oneOf('content', requiredString(ctx.body, 'content'), REACTION_CONTENTS);
    const existing = ctx.store
      .reactionsOf(c.id)
      .find((x) => x.content === content && x.user.login === ctx.identity.login);
    // GitHub answers 200 with the existing reaction when the user already reacted so.
    if (existing) return reply(reactionJson(existing, ctx.urls));
    const x = {
      id: ctx.store.nextId('reaction'),
      commentId: c.id,
      content,
      user: ctx.identity,
      createdAt: ctx.store.now(),
    };
    ctx.store.reactions.set(x.id, x);
    return reply(reactionJson(x, ctx.urls), 201);
  });

  r.on('DELETE', '/repos/:owner/:repo/issues/comments/:id/reactions/:reaction', (ctx) => {
    const c = findComment(ctx);
    const x = ctx.store.reactions.get(intParam(ctx, 'reaction'));
    if (!x || x.commentId !== c.id) throw notFound();
    if (x.user.login !== ctx.identity.login)
      throw new HttpError(403, 'Must have admin rights to Repository.');
    ctx.store.reactions.delete(x.id);
    return { status: 204 };
  });
}
