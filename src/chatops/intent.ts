import type { Intent } from '../intent.js';
import { decideChatOps, readCommentEvent, type ChatOpsDecision } from './event.js';

/** A PR comment with a command in it, for the run to answer. */
export interface ChatOpsIntent {
  kind: 'chatops';
  prNumber: number;
  decision: Extract<ChatOpsDecision, { act: true }>;
  reason: string;
}

/**
 * What an issue_comment event asks for (with `command: auto`): a command to answer, or a skip
 * that says nothing on the PR (most comments are conversation). Undefined for other events.
 */
export function commentIntent(
  eventName: string,
  env: NodeJS.ProcessEnv = process.env,
): ChatOpsIntent | Extract<Intent, { kind: 'skip' }> | undefined {
  if (eventName !== 'issue_comment') return undefined;
  const event = readCommentEvent(env);
  const decision: ChatOpsDecision = event
    ? decideChatOps(event)
    : { act: false, reason: 'the issue_comment payload carries no comment' };
  if (!decision.act)
    return { kind: 'skip', because: 'event', reason: `Ignored: ${decision.reason}` };
  return {
    kind: 'chatops',
    prNumber: decision.prNumber,
    decision,
    reason: `issue_comment by @${decision.comment.user}: ${decision.parsed.line}`,
  };
}
