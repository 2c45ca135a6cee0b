// Runs the bundled action the way a runner does: `node dist/index.js` as a process, with INPUT_*
// variables, an event file, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, against the local AWS
// simulator and fake GitHub API on 127.0.0.1.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AwsSimulator, type AwsSimulatorOptions } from '../sim/aws/index.js';
import { GitHubFake } from '../sim/github/index.js';
import { createRunnerContext } from '../sim/github/runner.js';
import {
  issueCommentEvent,
  pullRequestEvent,
  scheduleEvent,
  type IssueCommentEventOptions,
} from '../fixtures/events.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BUNDLE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
export const ACTION_YML = fileURLToPath(new URL('../../action.yml', import.meta.url));
export const TOKEN = 'ghs_e2eTestToken0123456789';

export const OWNER = 'octo-org';
export const REPO = 'shop';
export const REPOSITORY = `${OWNER}/${REPO}`;
export const CLUSTER = 'prod-db';

/** The stack pr-env names for a PR of the test repository (default stack-prefix). */
export const stackOf = (pr: number): string => `pr-env-${REPO}-pr-${pr}`;

export interface World {
  aws: AwsSimulator;
  gh: GitHubFake;
  stop(): Promise<void>;
}

export async function startWorld(options: AwsSimulatorOptions = {}): Promise<World> {
  const aws = await AwsSimulator.start({ resourceDelayMs: 20, changeSetDelayMs: 20, ...options });
  const gh = await GitHubFake.start();
  return {
    aws,
    gh,
    async stop() {
      await Promise.all([aws.stop(), gh.stop()]);
    },
  };
}

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  durationMs: number;
}

export interface RunOptions {
  eventName: string;
  payload: unknown;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Kills the process after this long (a safety net; the action's own timeout should fire first). */
  killAfterMs?: number;
}

/** Polling fast enough for a simulator whose resources settle in milliseconds. */
export const FAST_POLL = {
  PR_ENV_POLL_FAST_MS: '50',
  PR_ENV_POLL_SLOW_MS: '200',
  // The read budget would pace 50 ms polls at 5 s: the tests' simulator has no limit to keep.
  PR_ENV_READS_PER_MINUTE: '0',
};

export async function runAction(world: World, options: RunOptions): Promise<ActionRun> {
  const context = await createRunnerContext({
    eventName: options.eventName,
    payload: options.payload,
    apiUrl: world.gh.url,
    repository: REPOSITORY,
    inputs: options.inputs ?? {},
    actionYml: ACTION_YML,
    githubToken: TOKEN,
  });
  const started = Date.now();
  try {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...context.env,
      AWS_ENDPOINT_URL: world.aws.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDE2ETEST',
      AWS_SECRET_ACCESS_KEY: 'e2e-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
      ...FAST_POLL,
      ...options.env,
    };
    const child = spawn(process.execPath, [BUNDLE], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 45_000);
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    return {
      exitCode,
      stdout,
      stderr,
      outputs: await context.readOutputs(),
      summary: await context.readSummary(),
      durationMs: Date.now() - started,
    };
  } finally {
    await context.cleanup();
  }
}

/** The `::warning` lines of a run, as printed. */
export interface CommentOptions {
  pr: number;
  body: string;
  /** The commenter (default alice, whom the tests give write access). */
  user?: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** More of the issue_comment payload: a comment on an issue, the author's association. */
  event?: Pick<IssueCommentEventOptions, 'isPullRequest' | 'authorAssociation'>;
}

/**
 * Writes a comment on the fake GitHub, then runs the action for its issue_comment event, as
 * GitHub would. `reactions` reads what the action left on the comment.
 */
export async function comment(world: World, o: CommentOptions) {
  const user = o.user ?? 'alice';
  const written = world.gh.addComment({
    owner: OWNER,
    repo: REPO,
    issue: o.pr,
    body: o.body,
    user,
  });
  const run = await runAction(world, {
    eventName: 'issue_comment',
    payload: issueCommentEvent({
      owner: OWNER,
      repo: REPO,
      number: o.pr,
      body: o.body,
      user,
      commentId: written.id,
      ...o.event,
    }),
    inputs: o.inputs,
    env: o.env,
  });
  return { run, reactions: () => world.gh.reactions(written.id).map((r) => r.content) };
}

/**
 * A PR opened at, or pushed to, head `sha(head)`: the fake GitHub's PR first (added, or moved
 * to that head), then the action's run for its pull_request_target event, as GitHub sends it.
 */
export function pullRequestRun(
  world: World,
  o: { pr: number; action: 'opened' | 'synchronize'; head: number; inputs: Record<string, string> },
): Promise<ActionRun> {
  const pull = { owner: OWNER, repo: REPO, number: o.pr, headSha: sha(o.head) };
  if (o.action === 'opened') world.gh.addPullRequest(pull);
  else world.gh.updatePullRequest(pull);
  return runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent(o.action, pull),
    inputs: o.inputs,
  });
}

const STICKY_MARKER = '<!-- pr-env:sticky-comment -->';

/** The body of the PR's sticky comment; empty while the action has written none. */
export function stickyComment(world: World, pr: number): string {
  return world.gh.comments(OWNER, REPO, pr).find((c) => c.body.includes(STICKY_MARKER))?.body ?? '';
}

/** The target group the stack's HTTP listener forwards to: the app's, or the wake page's. */
export function listenerTarget(world: World, stackName: string): string | undefined {
  const listener = world.aws
    .stack(stackName)
    ?.resources.find((r) => r.logicalId === 'HttpListener');
  return (listener?.properties.DefaultActions as Array<{ TargetGroupArn?: string }>)[0]
    ?.TargetGroupArn;
}

/** Waits for `done`, polling every 50 ms for up to `ms`; fails naming `what`. */
export async function until(done: () => boolean, what: string, ms = 5000): Promise<void> {
  for (let waited = 0; waited < ms && !done(); waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

/** The scheduled sweep, as examples/pr-env-sweep.yml runs it (no source-db-cluster), with `inputs`. */
export function sweep(world: World, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(world, {
    eventName: 'schedule',
    payload: scheduleEvent({ owner: OWNER, repo: REPO }),
    inputs: { command: 'sweep', deployment: 'false', ...inputs },
  });
}

export function warnings(run: { stdout: string }): string[] {
  return run.stdout.split('\n').filter((line) => line.startsWith('::warning'));
}

/** The `::error::` lines of a run, decoded. */
export function errors(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) =>
      line
        .slice(line.indexOf('::', 2) + 2)
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%'),
    );
}

/** A commit SHA of its own for each number, as distinct in its first characters as real ones. */
export function sha(n: number): string {
  return createHash('sha1').update(`commit-${n}`).digest('hex');
}

/** A template with one cheap resource: for tests about the action, not the environment. */
export const SMALL_TEMPLATE = `
Parameters:
  EnvironmentName: { Type: String }
  AppVersion: { Type: String }
Resources:
  Version:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: !Ref AppVersion }
`;

/** Writes a template to a fresh temporary directory and returns its path, for the `template` input. */
export function writeTemplate(body: string, name = 'template.yml'): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pr-env-template-')), name);
  writeFileSync(file, body);
  return file;
}
