/** HTTP plumbing shared by the routes: errors, replies, a path router, pagination, validation. */
import type { Store, UserRecord } from './store.js';
import type { Urls } from './shapes.js';

export const DOCS = 'https://docs.github.com/rest';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers; answered as GitHub answers errors: `{ message, documentation_url, status }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  reply(): Reply {
    return {
      status: this.status,
      headers: this.headers,
      body: {
        message: this.message,
        ...this.extra,
        documentation_url: DOCS,
        status: String(this.status),
      },
    };
  }
}

export const notFound = () => new HttpError(404, 'Not Found');

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The token's identity (github-actions[bot] unless mapped otherwise). */
  identity: UserRecord;
  store: Store;
  urls: Urls;
  /** Path as requested, without query; the base for Link headers. */
  path: string;
}

export type Handler = (ctx: RouteContext) => Reply;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | null {
    const segs = path.split('/').filter(Boolean);
    for (const r of this.routes) {
      if (r.method !== method || r.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      const ok = r.parts.every((p, i) => {
        const seg = decodeURIComponent(segs[i] ?? '');
        if (p.startsWith(':')) return ((params[p.slice(1)] = seg), true);
        return p === seg;
      });
      if (ok) return { handler: r.handler, params };
    }
    return null;
  }
}

/** GitHub's paging: `per_page` 30 by default, at most 100; `page` from 1; a `Link` header. */
export function paginate<T>(ctx: RouteContext, items: T[], map: (t: T) => unknown): Reply {
  const per = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
  const perPage = per > 0 ? Math.min(per, 100) : 30;
  const pg = Number.parseInt(ctx.query.get('page') ?? '', 10);
  const page = pg > 0 ? pg : 1;
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (p: number, rel: string) => {
    const q = new URLSearchParams(ctx.query);
    q.delete('per_page');
    q.delete('page');
    q.set('per_page', String(perPage));
    q.set('page', String(p));
    return `<${ctx.urls.api}${ctx.path}?${q.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'));
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
  if (page > 1) links.push(link(1, 'first'));
  return {
    status: 200,
    body: slice.map(map),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

export function intParam(ctx: RouteContext, name: string): number {
  const v = ctx.params[name] ?? '';
  if (!/^\d+$/.test(v)) throw notFound();
  return Number(v);
}

const invalid = (why: string) => new HttpError(422, `Invalid request.\n\n${why}`);

export function requiredString(body: Record<string, unknown>, field: string): string {
  const v = body[field];
  if (v === undefined || v === null) throw invalid(`"${field}" wasn't supplied.`);
  if (typeof v !== 'string')
    throw invalid(`For 'properties/${field}', ${JSON.stringify(v)} is not a string.`);
  return v;
}

export function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw invalid(`For 'properties/${field}', ${JSON.stringify(v)} is not a string.`);
  return v;
}

export function optionalBool(body: Record<string, unknown>, field: string): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean')
    throw invalid(`For 'properties/${field}', ${JSON.stringify(v)} is not a boolean.`);
  return v;
}

export function oneOf<T extends string>(field: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw invalid(
      `For 'properties/${field}', ${JSON.stringify(v)} is not one of ${allowed.join(', ')}.`,
    );
  return v as T;
}

/** GitHub's "Validation Failed" form, used for model validations such as length limits. */
export function validationFailed(resource: string, field: string, message: string): HttpError {
  return new HttpError(422, 'Validation Failed', {
    errors: [{ resource, code: 'custom', field, message }],
  });
}
