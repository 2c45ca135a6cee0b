/** The HTTP side of the fake: parsing, auth, faults, routing, GitHub's headers, call recording. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Faults } from './faults.js';
import type { Reply, Router } from './http.js';
import { HttpError, notFound } from './http.js';
import type { Urls } from './shapes.js';
import type { Store, UserRecord } from './store.js';

export interface RecordedCall {
  method: string;
  /** Path without query, after resolving `/repositories/{id}/…` to `/repos/{owner}/{repo}/…`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, or undefined. */
  body: unknown;
  /** The status answered; -1 when the connection was dropped (failNext dropConnection). */
  status: number;
  /** The token from the `authorization` header, if any. */
  token?: string;
  /** When the request arrived (epoch milliseconds). */
  at: number;
}

export interface ServerDeps {
  store: Store;
  /** The bytes behind a blob URL (an artifact's zip), served without auth; undefined: 404. */
  blob?: (path: string) => Buffer | undefined;
  router: Router;
  faults: Faults;
  urls: () => Urls;
  calls: RecordedCall[];
  identity: (token: string) => UserRecord | undefined;
}

const RESET = Math.ceil(Date.now() / 1000) + 3600;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function createHandler(deps: ServerDeps) {
  let used = 0;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    let path = url.pathname.replace(/\/+$/, '') || '/';
    const byId = /^\/repositories\/(\d+)(\/.*)?$/.exec(path);
    const aliased = byId ? deps.store.repoById(Number(byId[1])) : undefined;
    if (aliased) path = `/repos/${aliased.owner}/${aliased.name}${byId?.[2] ?? ''}`;
    const raw = await readBody(req);
    const auth = req.headers.authorization;
    const token = auth?.replace(/^(token|bearer)\s+/i, '').trim();
    const call: RecordedCall = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      token,
      at: Date.now(),
    };
    deps.calls.push(call);

    const send = (reply: Reply) => {
      call.status = reply.status;
      if (token) used++;
      const headers: Record<string, string> = {
        'x-github-media-type': 'github.v3; format=json',
        'x-github-api-version-selected': '2022-11-28',
        'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
        'x-ratelimit-limit': '5000',
        // Never 0 here: plugin-throttling would read any later 403 as the primary limit.
        'x-ratelimit-remaining': String(Math.max(1, 5000 - used)),
        'x-ratelimit-reset': String(RESET),
        'x-ratelimit-used': String(used),
        'x-ratelimit-resource': 'core',
        ...reply.headers,
      };
      if (Buffer.isBuffer(reply.body)) {
        headers['content-type'] = 'application/zip';
        headers['content-length'] = String(reply.body.length);
        res.writeHead(reply.status, headers).end(reply.body);
        return;
      }
      if (reply.body === undefined || reply.status === 204) {
        res.writeHead(reply.status, headers).end();
        return;
      }
      const text = JSON.stringify(reply.body);
      headers['content-type'] = 'application/json; charset=utf-8';
      headers['content-length'] = String(Buffer.byteLength(text));
      res.writeHead(reply.status, headers).end(text);
    };

    try {
      let body: Record<string, unknown> = {};
      if (raw.trim()) {
        try {
          call.body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'Problems parsing JSON');
        }
        if (call.body && typeof call.body === 'object' && !Array.isArray(call.body))
          body = call.body as Record<string, unknown>;
      }
      // A pre-signed storage URL: the signature is the credential, not a token.
      if (deps.blob && path.startsWith('/_blob/')) {
        const bytes = deps.blob(path);
        if (!bytes) throw new HttpError(404, 'BlobNotFound');
        return send({ status: 200, body: bytes });
      }
      if (!auth) throw new HttpError(401, 'Requires authentication');
      const identity = token ? deps.identity(token) : undefined;
      if (!identity) throw new HttpError(401, 'Bad credentials');

      const fault = deps.faults.take(method, path);
      if (fault) {
        if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault.dropConnection) {
          call.status = -1;
          req.socket.destroy();
          return;
        }
        return send(fault.reply());
      }

      const route = deps.router.match(method, path);
      if (!route) throw notFound();
      send(
        route.handler({
          params: route.params,
          query: url.searchParams,
          body,
          identity,
          store: deps.store,
          urls: deps.urls(),
          path,
        }),
      );
    } catch (e) {
      if (e instanceof HttpError) return send(e.reply());
      console.error('[github-fake] handler error', e);
      send({ status: 500, body: { message: 'Server Error', status: '500' } });
    }
  };
}
