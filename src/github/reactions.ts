import type { Octokit, Repo } from './client.js';

/** The reactions pr-env answers a command with: working on it, done, refused or failed. */
export type Reaction = 'eyes' | '+1' | '-1';

/** Reacts to an issue comment; returns the reaction's ID (to take it back later). */
export async function addReaction(
  octokit: Octokit,
  repo: Repo,
  commentId: number,
  content: Reaction,
): Promise<number> {
  const { data } = await octokit.rest.reactions.createForIssueComment({
    ...repo,
    comment_id: commentId,
    content,
  });
  return data.id;
}

export async function removeReaction(
  octokit: Octokit,
  repo: Repo,
  commentId: number,
  reactionId: number,
): Promise<void> {
  await octokit.rest.reactions.deleteForIssueComment({
    ...repo,
    comment_id: commentId,
    reaction_id: reactionId,
  });
}

/**
 * Answers the commenter in a comment of its own: help and refusals are for them, not for the
 * environment's sticky comment. The body carries pr-env's reply marker.
 */
export async function replyToIssue(
  octokit: Octokit,
  repo: Repo,
  issue: number,
  body: string,
): Promise<string> {
  const { data } = await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body });
  return data.html_url;
}
