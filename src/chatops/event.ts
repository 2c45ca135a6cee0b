import { readFileSync } from 'node:fs';
import { withContext } from '../errors.js';
import { parseComment, type ParsedComment } from './command.js';

/** An issue_comment event, reduced to what a command needs. */
export interface CommentEvent {
  action: string;
  /** The issue or pull request commented on. */
  number: number;
  /** The payload carries `issue.pull_request` for a PR, never the PR itself. */
  isPullRequest: boolean;
  body: string;
  commentId: number;
  commentUrl?: string;
  user: string;
  /** `User`, `Bot` or `Organization`. */
  userType: string;
}

type Json = Record<string, unknown>;
const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Reads an issue_comment payload; undefined when it is not one. Pure. */
export function toCommentEvent(payload: unknown): CommentEvent | undefined {
  const body = obj(payload);
  const issue = obj(body.issue);
  const comment = obj(body.comment);
  const user = obj(comment.user);
  if (typeof issue.number !== 'number' || typeof comment.id !== 'number') return undefined;
  return {
    action: str(body.action),
    number: issue.number,
    isPullRequest: issue.pull_request !== undefined && issue.pull_request !== null,
    body: str(comment.body),
    commentId: comment.id,
    commentUrl: str(comment.html_url) || undefined,
    user: str(user.login),
    userType: str(user.type),
  };
}

/** The issue_comment payload the runner wrote (GITHUB_EVENT_PATH). */
export function readCommentEvent(env: NodeJS.ProcessEnv = process.env): CommentEvent | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    return toCommentEvent(JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')));
  } catch (error) {
    throw withContext(
      `Could not read the event payload at GITHUB_EVENT_PATH (${env.GITHUB_EVENT_PATH})`,
      error,
    );
  }
}

export type ChatOpsDecision =
  | { act: false; reason: string }
  | {
      act: true;
      prNumber: number;
      comment: CommentEvent;
      parsed: Exclude<ParsedComment, { kind: 'none' }>;
    };

// Every comment pr-env writes carries one of its markers; a token that writes as a user (a PAT)
// must not make pr-env answer itself.
const OWN_MARKER = '<!-- pr-env:';

/**
 * Whether a comment is a command to act on: a new comment, on a pull request, by a person (never
 * a bot, pr-env included), with a `/pr-env` line. Who may run it is checked afterwards, through
 * the API. Pure.
 */
export function decideChatOps(event: CommentEvent): ChatOpsDecision {
  if (event.action !== 'created') {
    return {
      act: false,
      reason: `comment ${event.action || 'event'}: only a new comment runs a command`,
    };
  }
  if (!event.isPullRequest) {
    return { act: false, reason: `#${event.number} is an issue, not a pull request` };
  }
  if (event.userType === 'Bot' || event.user.endsWith('[bot]')) {
    return { act: false, reason: `comment by the bot ${event.user}` };
  }
  if (event.body.includes(OWN_MARKER)) {
    return { act: false, reason: `comment written by pr-env itself` };
  }
  const parsed = parseComment(event.body);
  if (parsed.kind === 'none') {
    return { act: false, reason: `no /pr-env command in the comment on #${event.number}` };
  }
  return { act: true, prNumber: event.number, comment: event, parsed };
}
