import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isInside } from '../app/source.js';

/** The scrub-sql input: a SQL file of the workspace, read once. */
export interface ScrubSql {
  /** As given, for messages. */
  shown: string;
  content: Buffer;
  sha256: string;
}

/** The scrub SQL goes through S3 to the bastion; more than this is not a masking script. */
const MAX_BYTES = 50 * 1024 * 1024;

/**
 * Checks and reads `scrub-sql`. Under pull_request_target the workspace is the base branch's
 * checkout, so the SQL is the repository's, never the pull request's; a path leaving the
 * workspace (by `..` or a symbolic link) is refused.
 */
export function parseScrubInput(
  raw: string,
  workspace: string,
): { value?: ScrubSql; problem?: string } {
  const shown = raw.trim();
  const expected =
    'expected the path of a SQL file in the workspace, e.g. .github/pr-env/scrub.sql';
  const file = path.resolve(workspace, shown);
  if (!isInside(workspace, file)) {
    return {
      problem: `"scrub-sql": "${shown}" is outside the workspace (${workspace}): ${expected}`,
    };
  }
  if (!existsSync(file)) return { problem: `"scrub-sql": "${shown}" does not exist: ${expected}` };
  if (!isInside(realpathSync(workspace), realpathSync(file))) {
    return { problem: `"scrub-sql": "${shown}" links outside the workspace: ${expected}` };
  }
  const stat = statSync(file);
  if (!stat.isFile()) return { problem: `"scrub-sql": "${shown}" is not a file: ${expected}` };
  if (stat.size === 0) return { problem: `"scrub-sql": "${shown}" is empty: ${expected}` };
  if (stat.size > MAX_BYTES) {
    return {
      problem: `"scrub-sql": "${shown}" is ${stat.size} bytes: expected a SQL file of at most ${MAX_BYTES / 1024 / 1024} MiB`,
    };
  }
  const content = readFileSync(file);
  return {
    value: { shown, content, sha256: createHash('sha256').update(content).digest('hex') },
  };
}
