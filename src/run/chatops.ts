import * as core from '@actions/core';
import type { ParsedComment } from '../chatops/command.js';
import { helpText, refusalText } from '../chatops/help.js';
import type { ChatOpsIntent } from '../chatops/intent.js';
import { permissionVerdict } from '../chatops/permission.js';
import { errorMessage } from '../errors.js';
import type { Octokit } from '../github/client.js';
import { getPermission } from '../github/permission.js';
import { addReaction, removeReaction, replyToIssue, type Reaction } from '../github/reactions.js';
import type { RunContext } from './context.js';
import { runDeploy } from './deploy.js';
import { runDestroy } from './destroy.js';
import { runPlan } from './plan.js';
import { extendEnvironment, sleepEnvironment, wakeEnvironment } from './sleep.js';

async function runCommand(
  context: RunContext,
  pr: number,
  parsed: Extract<ParsedComment, { kind: 'command' }>,
): Promise<void> {
  const { report } = context;
  switch (parsed.command) {
    case 'deploy':
      report.intent = 'deploy';
      return runDeploy(context, pr, undefined);
    case 'refresh-data':
      report.intent = 'deploy';
      return runDeploy(
        { ...context, settings: { ...context.settings, refreshData: true } },
        pr,
        undefined,
      );
    case 'scrub':
      report.intent = 'deploy';
      return runDeploy(
        { ...context, settings: { ...context.settings, scrubRequested: true } },
        pr,
        undefined,
      );
    case 'destroy':
      report.intent = 'destroy';
      return runDestroy(context, pr);
    case 'plan':
      report.intent = 'plan';
      return runPlan(context, pr, undefined);
    case 'sleep':
      return sleepEnvironment(context, pr, report);
    case 'wake':
      return wakeEnvironment(context, pr, report);
    case 'extend':
      return extendEnvironment(context, pr, parsed.hours, report);
  }
}

/**
 * Answers a command: 👀 while working, then 👍 or 👎. Only a user with write access (asked of
 * the API) gets the command run, its result in the sticky comment; anyone else gets a polite
 * refusal, and help goes to the commenter, both as a reply that leaves the sticky comment alone.
 * Commands run with the base branch's workflow and template: issue_comment workflows always run
 * from the default branch, and nothing here reads the PR's files.
 */
export async function runChatOps(context: RunContext, intent: ChatOpsIntent): Promise<void> {
  const { report, repo } = context;
  const { comment, parsed } = intent.decision;
  const octokit = await context.github.client();
  const attempt = async <T>(what: string, act: (o: Octokit) => Promise<T>) => {
    try {
      return await act(octokit);
    } catch (error) {
      core.warning(`Could not ${what}: ${errorMessage(error)}`);
      return undefined;
    }
  };
  const react = (content: Reaction) =>
    attempt(`react ${content} to the comment`, (o) =>
      addReaction(o, repo, comment.commentId, content),
    );
  const reply = (body: string) =>
    attempt(`reply on #${intent.prNumber}`, (o) => replyToIssue(o, repo, intent.prNumber, body));
  const answered = (note: string) => {
    Object.assign(report, { intent: 'skip', outcome: 'skipped', operation: 'skipped', note });
    // The sticky comment reports the environment: a reply to one person does not replace it.
    report.prNumber = undefined;
  };

  // Until the command runs, nothing goes to the sticky comment: a failure to check someone's
  // permission is theirs to see (👎, the log), not the environment's report.
  report.prNumber = undefined;
  const eyes = await react('eyes');
  let verdict: Reaction = '-1';
  try {
    const permission = permissionVerdict(await getPermission(octokit, repo, comment.user));
    if (!permission.allowed) {
      core.notice(`@${comment.user} (${permission.role}) may not run "${parsed.line}": refused`);
      await reply(refusalText(comment.user, permission.role, parsed.line));
      answered(
        `Refused \`${parsed.line}\` from @${comment.user}: write access is required, and theirs is ${permission.role}.`,
      );
      return;
    }
    if (parsed.kind === 'help') {
      await reply(helpText(parsed.problem));
      answered(`Answered \`${parsed.line}\` from @${comment.user} with the list of commands.`);
      if (!parsed.problem) verdict = '+1';
      return;
    }
    report.prNumber = intent.prNumber;
    report.command = { text: parsed.line, user: comment.user, url: comment.commentUrl };
    await runCommand(context, intent.prNumber, parsed);
    verdict = '+1';
  } finally {
    if (eyes !== undefined) {
      await attempt('remove the eyes reaction', (o) =>
        removeReaction(o, repo, comment.commentId, eyes),
      );
    }
    await react(verdict);
  }
}
