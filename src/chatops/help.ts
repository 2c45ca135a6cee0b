import { CHATOPS_COMMANDS, MAX_EXTEND_HOURS, PREFIX, type ChatOpsCommand } from './command.js';

/** Marks pr-env's replies, so that pr-env never reads one as a command. */
export const REPLY_MARKER = '<!-- pr-env:reply -->';

const WHAT: Record<ChatOpsCommand, string> = {
  deploy: "create or update this PR's environment at its head commit (wakes it if asleep)",
  destroy: 'delete the environment, database included',
  plan: 'show what a deploy would change, changing nothing',
  'refresh-data':
    'deploy with fresh production data: the newest snapshot, or a new clone (replaces the database)',
  scrub: 'run scrub-sql on the database again (the app is cut off from it until the scrub passes)',
  sleep: 'scale the web tier to 0 and stop the database; the network and load balancer stay',
  wake: 'start the database, then bring the web tier back',
  extend: `add [hours] to the expiry (default: ttl-hours; an expiry already past counts from now; at most ${MAX_EXTEND_HOURS})`,
  help: 'this list',
};

/**
 * The commands, one a line, each in code: no line of a reply starts with `/pr-env`, so a reply
 * can never be read as a command. Pure.
 */
export function helpText(problem?: string): string {
  const lines = [REPLY_MARKER];
  if (problem) lines.push(`⚠️ ${problem}.`, '');
  lines.push(
    '**pr-env commands** (a comment line starting with the command; write access required):',
    '',
    ...CHATOPS_COMMANDS.map(
      (c) => `- \`${PREFIX} ${c}${c === 'extend' ? ' [hours]' : ''}\`: ${WHAT[c]}`,
    ),
    '',
    "Commands run with the base branch's workflow and template, never the pull request's code. The result is recorded in pr-env's comment on this pull request.",
  );
  return lines.join('\n');
}

/** The answer to someone without write access. Pure. */
export function refusalText(user: string, role: string, command: string): string {
  return [
    REPLY_MARKER,
    `Sorry @${user}, \`${command.replace(/`/g, "'").slice(0, 100)}\` needs write access to this repository, and yours is \`${role}\`. A maintainer can run it for you.`,
  ].join('\n');
}
