/** The commands a PR comment can give, in the order the help lists them. */
export const CHATOPS_COMMANDS = [
  'deploy',
  'destroy',
  'plan',
  'refresh-data',
  'scrub',
  'sleep',
  'wake',
  'extend',
  'help',
] as const;
export type ChatOpsCommand = (typeof CHATOPS_COMMANDS)[number];

/** `/pr-env extend` accepts at most this many hours: a forgotten environment still goes. */
export const MAX_EXTEND_HOURS = 720;

export const PREFIX = '/pr-env';

/** What a comment asks for. `help` covers `/pr-env`, `/pr-env help`, and anything not understood. */
export type ParsedComment =
  | { kind: 'none' }
  | { kind: 'command'; command: Exclude<ChatOpsCommand, 'help'>; hours?: number; line: string }
  | { kind: 'help'; line: string; problem?: string };

/** Lines outside fenced code blocks: a command quoted in a code sample is not a command. */
function linesOutsideCode(body: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of body.split(/\r?\n/)) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker.slice(0, 3) : undefined;
      continue;
    }
    if (fence === undefined) lines.push(line);
  }
  return lines;
}

/** `24`, `24h`, `1.5`: hours for extend; undefined with a problem otherwise. */
function parseHours(text: string): { hours?: number; problem?: string } {
  const match = /^(\d+(?:\.\d+)?)h?$/i.exec(text);
  const hours = match ? Number(match[1]) : NaN;
  if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_EXTEND_HOURS) {
    return {
      problem: `\`${text}\` is not a number of hours: expected a number above 0 and at most ${MAX_EXTEND_HOURS}, e.g. \`${PREFIX} extend 48\``,
    };
  }
  return { hours };
}

/**
 * The command in a comment: the first line, outside code blocks, whose first word is `/pr-env`
 * (one command per comment). `/pr-env` alone, `help`, an unknown word or a bad argument ask for
 * the help text, with the problem named. Pure.
 */
export function parseComment(body: string): ParsedComment {
  const line = linesOutsideCode(body)
    .map((l) => l.trim())
    .find((l) => l.split(/\s+/)[0]?.toLowerCase() === PREFIX);
  if (line === undefined) return { kind: 'none' };
  const [, word = 'help', ...args] = line.split(/\s+/);
  const name = word.toLowerCase();
  if (!(CHATOPS_COMMANDS as readonly string[]).includes(name)) {
    return {
      kind: 'help',
      line,
      problem: `\`${word}\` is not a pr-env command: expected one of ${CHATOPS_COMMANDS.map((c) => `\`${c}\``).join(', ')}`,
    };
  }
  const command = name as ChatOpsCommand;
  if (command === 'help') return { kind: 'help', line };
  if (command === 'extend') {
    if (args.length > 1) {
      return { kind: 'help', line, problem: '`extend` takes one number of hours at most' };
    }
    if (args.length === 0) return { kind: 'command', command, line };
    const { hours, problem } = parseHours(args[0] ?? '');
    return problem ? { kind: 'help', line, problem } : { kind: 'command', command, hours, line };
  }
  if (args.length > 0) {
    return { kind: 'help', line, problem: `\`${command}\` takes no arguments` };
  }
  return { kind: 'command', command, line };
}
