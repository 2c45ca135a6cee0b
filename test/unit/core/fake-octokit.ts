/**
 * A minimal stand-in for Octokit: only the methods pr-env's reporters call, with `paginate`
 * walking `page` the way the real one follows Link headers.
 */
import { vi } from 'vitest';
import type { Octokit } from '../../../src/github/client.js';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'User' | 'Bot' };
  html_url: string;
}

export interface FakeDeployment {
  id: number;
  environment: string;
}

type Params = Record<string, unknown> & { page?: number; per_page?: number };

export function httpError(status: number, message = `HTTP ${status}`): Error {
  return Object.assign(new Error(message), { status });
}

export function fakeOctokit(
  options: {
    comments?: FakeComment[];
    deployments?: FakeDeployment[];
    defaultPerPage?: number;
  } = {},
) {
  const comments = options.comments ?? [];
  const deployments = options.deployments ?? [];
  const defaultPerPage = options.defaultPerPage ?? 30;
  let nextId = 10_000;

  const page = <T>(items: T[], params: Params) => {
    const per = params.per_page ?? defaultPerPage;
    const n = params.page ?? 1;
    return { data: items.slice((n - 1) * per, n * per) };
  };

  const rest = {
    issues: {
      listComments: vi.fn(async (params: Params) => page(comments, params)),
      updateComment: vi.fn(async (params: { comment_id: number; body: string }) => {
        const comment = comments.find((c) => c.id === params.comment_id);
        if (!comment) throw httpError(404, 'Not Found');
        comment.body = params.body;
        return { data: comment };
      }),
      createComment: vi.fn(async (params: { issue_number: number; body: string }) => {
        const id = nextId++;
        const comment: FakeComment = {
          id,
          body: params.body,
          user: { login: 'github-actions[bot]', type: 'Bot' },
          html_url: `https://github.com/acme/shop/pull/${params.issue_number}#issuecomment-${id}`,
        };
        comments.push(comment);
        return { data: comment };
      }),
    },
    repos: {
      createDeployment: vi.fn(async (_params: Params) => ({
        data: { id: nextId++ } as { id: number } | { message?: string },
      })),
      createDeploymentStatus: vi.fn(async (_params: Params) => ({ data: {} })),
      listDeployments: vi.fn(async (params: Params) =>
        page(
          deployments.filter((d) => d.environment === params.environment),
          params,
        ),
      ),
    },
  };

  const paginate = vi.fn(
    async (method: (params: Params) => Promise<{ data: unknown[] }>, params: Params) => {
      const all: unknown[] = [];
      const per = params.per_page ?? defaultPerPage;
      for (let n = 1; ; n++) {
        const { data } = await method({ ...params, page: n });
        all.push(...data);
        if (data.length < per) return all;
      }
    },
  );

  const octokit = { paginate, rest };
  return { octokit: octokit as unknown as Octokit, paginate, rest, comments };
}

export function comment(id: number, body: string, type: 'User' | 'Bot' = 'User'): FakeComment {
  return {
    id,
    body,
    user: { login: type === 'Bot' ? 'github-actions[bot]' : `user${id}`, type },
    html_url: `https://github.com/acme/shop/pull/7#issuecomment-${id}`,
  };
}
