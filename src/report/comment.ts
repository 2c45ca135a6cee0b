import type { Octokit, Repo } from '../github/client.js';
import { COMMENT_MARKER } from './markdown.js';

export interface CommentRef {
  id: number;
  url: string;
  created: boolean;
}

export interface UpsertOptions {
  /** The comment this run already wrote (its progress): edited directly, without a search. */
  knownId?: number;
  /** Cancels the request (a progress edit the final report overtakes). */
  signal?: AbortSignal;
}

/**
 * Keeps one comment per PR: finds the comment carrying the marker across every page and edits it
 * in place, or creates it. A comment with the marker that cannot be edited (someone else wrote
 * it) is passed over for a new one.
 */
export async function upsertStickyComment(
  octokit: Octokit,
  repo: Repo,
  issue: number,
  body: string,
  { knownId, signal }: UpsertOptions = {},
): Promise<CommentRef> {
  const request = signal ? { request: { signal } } : {};
  /** Edits a comment; undefined when it cannot be (deleted meanwhile, or someone else's). */
  const edit = async (id: number): Promise<CommentRef | undefined> => {
    try {
      const { data } = await octokit.rest.issues.updateComment({
        ...repo,
        comment_id: id,
        body,
        ...request,
      });
      return { id: data.id, url: data.html_url, created: false };
    } catch (error) {
      if (![403, 404].includes((error as { status?: number }).status ?? 0)) throw error;
      return undefined;
    }
  };
  // The comment this run wrote already: when it is gone, find (or make) one as if it had not.
  const known = knownId === undefined ? undefined : await edit(knownId);
  if (known) return known;
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issue,
    per_page: 100,
    ...request,
  });
  const ours = comments.filter((c) => c.body?.includes(COMMENT_MARKER));
  // Prefer a bot's comment: the workflow token writes as a bot, and a user who pastes the marker
  // into a comment of their own must not take the report over.
  const existing = ours.find((c) => c.user?.type === 'Bot') ?? ours[0];
  const edited = existing && (await edit(existing.id));
  if (edited) return edited;
  const { data } = await octokit.rest.issues.createComment({
    ...repo,
    issue_number: issue,
    body,
    ...request,
  });
  return { id: data.id, url: data.html_url, created: true };
}
