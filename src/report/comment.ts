import type { Octokit, Repo } from '../github/client.js';
import { COMMENT_MARKER } from './markdown.js';

export interface CommentRef {
  id: number;
  url: string;
  created: boolean;
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
): Promise<CommentRef> {
  const comments = await octokit.paginate(octokit.rest.issues.listComments, {
    ...repo,
    issue_number: issue,
    per_page: 100,
  });
  const ours = comments.filter((c) => c.body?.includes(COMMENT_MARKER));
  // Prefer a bot's comment: the workflow token writes as a bot, and a user who pastes the marker
  // into a comment of their own must not take the report over.
  const existing = ours.find((c) => c.user?.type === 'Bot') ?? ours[0];
  if (existing) {
    try {
      const { data } = await octokit.rest.issues.updateComment({
        ...repo,
        comment_id: existing.id,
        body,
      });
      return { id: data.id, url: data.html_url, created: false };
    } catch (error) {
      if (![403, 404].includes((error as { status?: number }).status ?? 0)) throw error;
    }
  }
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body });
  return { id: data.id, url: data.html_url, created: true };
}
