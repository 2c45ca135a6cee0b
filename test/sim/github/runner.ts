/**
 * What the GitHub Actions runner gives a JavaScript action: the event file, the environment
 * (GITHUB_* / RUNNER_*), inputs as INPUT_* variables, and the file commands (GITHUB_OUTPUT…) it
 * reads back afterwards, parsed as the runner parses them.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';

/** Writes the payload as event.json in a new temp dir (or `dir`); returns its path. */
export async function writeEventFile(payload: unknown, dir?: string): Promise<string> {
  const d = dir ?? (await mkdtemp(join(tmpdir(), 'pr-env-event-')));
  const path = join(d, 'event.json');
  await writeFile(path, JSON.stringify(payload, null, 2));
  return path;
}

export interface RunnerEnvOptions {
  eventName: string;
  eventPath: string;
  /** owner/repo */
  repository: string;
  apiUrl: string;
  outputPath: string;
  summaryPath: string;
  /** GITHUB_ENV, GITHUB_STATE, GITHUB_PATH: only set when given (@actions/core needs the files). */
  envPath?: string;
  statePath?: string;
  pathPath?: string;
  /** The event payload, to derive GITHUB_SHA/REF/HEAD_REF/BASE_REF/ACTOR and the repository ids. */
  payload?: unknown;
  serverUrl?: string;
  runId?: string | number;
  runAttempt?: string | number;
  runNumber?: string | number;
  sha?: string;
  ref?: string;
  actor?: string;
  workflow?: string;
  job?: string;
  action?: string;
  workspace?: string;
  runnerTemp?: string;
  /** Sets RUNNER_DEBUG=1 (core.isDebug()). */
  debug?: boolean;
}

type Obj = Record<string, unknown>;
const get = (v: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Obj)[k] : undefined), v);
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** What a runner derives from the event: GITHUB_REF/SHA, GITHUB_HEAD_REF/BASE_REF. */
function fromEvent(eventName: string, p: unknown) {
  const defaultBranch = str(get(p, 'repository', 'default_branch')) ?? 'main';
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const n = str(get(p, 'number')) ?? str(get(p, 'pull_request', 'number'));
    const baseRef = str(get(p, 'pull_request', 'base', 'ref')) ?? defaultBranch;
    const target = eventName === 'pull_request_target';
    return {
      ref: target ? `refs/heads/${baseRef}` : `refs/pull/${n}/merge`,
      sha: target
        ? str(get(p, 'pull_request', 'base', 'sha'))
        : (str(get(p, 'pull_request', 'merge_commit_sha')) ??
          str(get(p, 'pull_request', 'head', 'sha'))),
      headRef: str(get(p, 'pull_request', 'head', 'ref')) ?? '',
      baseRef,
    };
  }
  if (eventName === 'push') return { ref: str(get(p, 'ref')), sha: str(get(p, 'after')) };
  if (eventName === 'workflow_dispatch') return { ref: str(get(p, 'ref')) };
  return { ref: `refs/heads/${defaultBranch}` };
}

/** The environment variables a GitHub-hosted runner sets for a JavaScript action step. */
export function runnerEnv(o: RunnerEnvOptions): Record<string, string> {
  const [owner = '', repoName = ''] = o.repository.split('/');
  const ev = fromEvent(o.eventName, o.payload);
  const ref = o.ref ?? ev.ref ?? 'refs/heads/main';
  const sha = o.sha ?? ev.sha ?? '0123456789abcdef0123456789abcdef01234567';
  const serverUrl = o.serverUrl ?? 'https://github.com';
  const actor = o.actor ?? str(get(o.payload, 'sender', 'login')) ?? owner;
  const workflow = o.workflow ?? 'pr-env';
  const temp = o.runnerTemp ?? join(tmpdir(), 'runner-temp');
  const env: Record<string, string> = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: o.eventName,
    GITHUB_EVENT_PATH: o.eventPath,
    GITHUB_REPOSITORY: o.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REPOSITORY_ID: str(get(o.payload, 'repository', 'id')) ?? '186853002',
    GITHUB_REPOSITORY_OWNER_ID: str(get(o.payload, 'repository', 'owner', 'id')) ?? '21031067',
    GITHUB_API_URL: o.apiUrl,
    GITHUB_SERVER_URL: serverUrl,
    GITHUB_GRAPHQL_URL: `${o.apiUrl}/graphql`,
    GITHUB_RUN_ID: String(o.runId ?? '9000000001'),
    GITHUB_RUN_ATTEMPT: String(o.runAttempt ?? 1),
    GITHUB_RUN_NUMBER: String(o.runNumber ?? 1),
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_WORKFLOW: workflow,
    GITHUB_WORKFLOW_REF: `${o.repository}/.github/workflows/${workflow}.yml@${ref}`,
    GITHUB_WORKFLOW_SHA: sha,
    GITHUB_JOB: o.job ?? 'deploy',
    GITHUB_ACTION: o.action ?? '__run',
    GITHUB_ACTION_REPOSITORY: '',
    GITHUB_ACTION_REF: '',
    GITHUB_ACTOR: actor,
    GITHUB_ACTOR_ID: String(get(o.payload, 'sender', 'id') ?? 1),
    GITHUB_TRIGGERING_ACTOR: actor,
    GITHUB_SHA: sha,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags|pull)\//, ''),
    GITHUB_REF_TYPE: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_HEAD_REF: ev.headRef ?? '',
    GITHUB_BASE_REF: ev.baseRef ?? '',
    GITHUB_WORKSPACE: o.workspace ?? join(temp, '..', 'work', repoName, repoName),
    GITHUB_OUTPUT: o.outputPath,
    GITHUB_STEP_SUMMARY: o.summaryPath,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'GitHub Actions 2',
    RUNNER_ENVIRONMENT: 'github-hosted',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: '/opt/hostedtoolcache',
  };
  if (o.envPath) env.GITHUB_ENV = o.envPath;
  if (o.statePath) env.GITHUB_STATE = o.statePath;
  if (o.pathPath) env.GITHUB_PATH = o.pathPath;
  if (o.debug) env.RUNNER_DEBUG = '1';
  return env;
}

/** Input names as @actions/core reads them: `INPUT_` + upper-cased name, spaces → `_`, dashes kept. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * INPUT_* variables for the inputs given. With `actionYml`, inputs not given get their default
 * from it, as the runner does (`${{ github.token }}` becomes `githubToken`).
 */
export function inputEnv(
  inputs: Record<string, string>,
  o: { actionYml?: string; githubToken?: string } = {},
): Record<string, string> {
  const all: Record<string, string> = {};
  if (o.actionYml) {
    const doc = load(readFileSync(o.actionYml, 'utf8')) as {
      inputs?: Record<string, { default?: unknown }>;
    };
    for (const [name, spec] of Object.entries(doc.inputs ?? {})) {
      if (spec?.default === undefined || spec.default === null) continue;
      const value = String(spec.default).replace(
        /\$\{\{\s*github\.token\s*\}\}/g,
        o.githubToken ?? '',
      );
      if (/\$\{\{/.test(value))
        throw new Error(`inputEnv: cannot evaluate default of ${name}: ${value}`);
      all[name] = value;
    }
  }
  Object.assign(all, inputs);
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [inputEnvName(k), v]));
}

/**
 * Parses a file command file (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE) as the runner does:
 * `name=value` lines and `name<<DELIMITER` … `DELIMITER` heredocs (what @actions/core writes).
 */
export function parseFileCommands(text: string): Record<string, string> {
  const lines = text.split(/\r?\n/);
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line) continue;
    const eq = line.indexOf('=');
    const hd = line.indexOf('<<');
    if (eq >= 0 && (hd < 0 || eq < hd)) {
      const key = line.slice(0, eq);
      if (!key) throw new Error(`Invalid format '${line}'. Name must not be empty`);
      out[key] = line.slice(eq + 1);
    } else if (hd >= 0) {
      const key = line.slice(0, hd);
      const delimiter = line.slice(hd + 2);
      if (!key || !delimiter) throw new Error(`Invalid format '${line}'`);
      const value: string[] = [];
      for (i++; ; i++) {
        if (i >= lines.length)
          throw new Error(`Invalid value. Matching delimiter not found '${delimiter}'`);
        if (lines[i] === delimiter) break;
        value.push(lines[i] ?? '');
      }
      out[key] = value.join('\n');
    } else throw new Error(`Invalid format '${line}'`);
  }
  return out;
}

/** The outputs an action wrote to GITHUB_OUTPUT ({} if the file is missing or empty). */
export async function readOutputs(path: string): Promise<Record<string, string>> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  return parseFileCommands(text);
}

export interface RunnerContext {
  dir: string;
  eventPath: string;
  outputPath: string;
  summaryPath: string;
  envPath: string;
  statePath: string;
  /** runnerEnv(…) plus the INPUT_* variables. */
  env: Record<string, string>;
  readOutputs(): Promise<Record<string, string>>;
  readSummary(): Promise<string>;
  cleanup(): Promise<void>;
}

/**
 * A temp dir holding event.json and the (empty) file-command files, and the full environment for
 * the step: `spawn(node, ['dist/index.js'], { env: { ...process.env, ...ctx.env } })`.
 */
export async function createRunnerContext(o: {
  eventName: string;
  payload: unknown;
  apiUrl: string;
  repository?: string;
  inputs?: Record<string, string>;
  actionYml?: string;
  githubToken?: string;
  env?: Partial<RunnerEnvOptions>;
}): Promise<RunnerContext> {
  const dir = await mkdtemp(join(tmpdir(), 'pr-env-runner-'));
  const file = async (name: string) => {
    await writeFile(join(dir, name), '');
    return join(dir, name);
  };
  const eventPath = await writeEventFile(o.payload, dir);
  const [outputPath, summaryPath, envPath, statePath] = await Promise.all(
    ['output', 'step_summary', 'env', 'state'].map(file),
  );
  const runnerTemp = join(dir, 'temp');
  await mkdir(runnerTemp);
  const repository =
    o.repository ?? str(get(o.payload, 'repository', 'full_name')) ?? 'octo-org/octo-repo';
  const env = {
    ...runnerEnv({
      eventName: o.eventName,
      eventPath,
      repository,
      apiUrl: o.apiUrl,
      outputPath: outputPath!,
      summaryPath: summaryPath!,
      envPath,
      statePath,
      payload: o.payload,
      runnerTemp,
      ...o.env,
    }),
    ...inputEnv(o.inputs ?? {}, { actionYml: o.actionYml, githubToken: o.githubToken }),
  };
  return {
    dir,
    eventPath,
    outputPath: outputPath!,
    summaryPath: summaryPath!,
    envPath: envPath!,
    statePath: statePath!,
    env,
    readOutputs: () => readOutputs(outputPath!),
    readSummary: () => readFile(summaryPath!, 'utf8'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
