/**
 * Runs the bundled action (dist/index.js) as a runner would, against the local AWS simulator and
 * fake GitHub API, with the environment a runner gives a step and nothing else: no
 * PR_ENV_POLL_* (users get the default polling), its own AWS access key ID and GitHub token per
 * run (so every call it makes can be told apart), and its peak RSS read at exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  AwsSimulator,
  type AwsSimulatorOptions,
  type CallRecord,
} from '../../test/sim/aws/index.js';
import { GitHubFake } from '../../test/sim/github/index.js';
import { createRunnerContext } from '../../test/sim/github/runner.js';
import {
  ACTION_YML,
  BUNDLE as DIST_BUNDLE,
  CLUSTER,
  OWNER,
  REPO,
  REPOSITORY,
  ROOT,
} from '../../test/e2e/harness.js';

export { CLUSTER, OWNER, REPO, ROOT };

/** dist/index.js, or the same file of another build: PR_ENV_BENCH_DIST=<directory>. */
export const BUNDLE = process.env.PR_ENV_BENCH_DIST
  ? path.resolve(ROOT, process.env.PR_ENV_BENCH_DIST, 'index.js')
  : DIST_BUNDLE;

/**
 * Reports ru_maxrss (KiB) and CPU time (µs) at exit on stderr; the same probe is used for every
 * process compared.
 */
const USAGE =
  "const u=process.resourceUsage();WRITE(2,'\\n@@usage='+u.maxRSS+','+(u.userCPUTime+u.systemCPUTime)+'\\n')";
const RSS_PROBE = `import{writeSync}from'node:fs';process.on('exit',()=>{${USAGE.replace('WRITE', 'writeSync')}})`;
export const RSS_PRELOAD = ['--import', `data:text/javascript,${encodeURIComponent(RSS_PROBE)}`];
/** `node -e 0` with the same probe (a preloaded module does not run before `-e` exits). */
export const BARE_NODE_WITH_RSS = [
  '-e',
  `0;process.on('exit',()=>{${USAGE.replace('WRITE', "require('node:fs').writeSync")}})`,
];

export const SNAPSHOT_ID = 'rds:prod-db-2026-11-22-03-00';

export interface BenchWorld {
  aws: AwsSimulator;
  gh: GitHubFake;
  stop(): Promise<void>;
}

export async function startBenchWorld(options: AwsSimulatorOptions): Promise<BenchWorld> {
  const aws = await AwsSimulator.start(options);
  const gh = await GitHubFake.start();
  aws.addSnapshot({
    cluster: CLUSTER,
    id: SNAPSHOT_ID,
    createdAt: new Date(Date.now() - 5 * 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  return {
    aws,
    gh,
    async stop() {
      await Promise.all([aws.stop(), gh.stop()]);
    },
  };
}

export interface RunSpec {
  /** Short, unique per run: names its access key ID and GitHub token. */
  tag: string;
  eventName: string;
  payload: unknown;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  /** Kills the process after this long (a safety net). */
  killAfterMs?: number;
  /** Preload the peak-RSS probe (default true); off where start-up is timed. */
  probeRss?: boolean;
}

export interface RunResult {
  tag: string;
  accessKeyId: string;
  token: string;
  exitCode: number | null;
  /** Epoch ms, this process's clock (the simulator's too). */
  spawnedAt: number;
  exitedAt: number;
  maxRssKb?: number;
  /** User + system CPU time of the process. */
  cpuMs?: number;
  stdout: string;
  /** Each stdout line with the time it arrived (epoch ms). */
  lines: { at: number; text: string }[];
  stderr: string;
  outputs: Record<string, string>;
}

export interface RunHandle {
  child: ChildProcess;
  spawnedAt: number;
  accessKeyId: string;
  done: Promise<RunResult>;
}

export const accessKeyFor = (tag: string) => `AKIDBENCH${tag.toUpperCase().replace(/\W/g, '')}`;
export const tokenFor = (tag: string) => `ghs_bench_${tag.replace(/\W/g, '_')}`;

export function parseUsage(stderr: string): { kb?: number; cpuMs?: number; rest: string } {
  const match = /\n?@@usage=(\d+),(\d+)\n?/.exec(stderr);
  return match
    ? { kb: Number(match[1]), cpuMs: Number(match[2]) / 1000, rest: stderr.replace(match[0], '') }
    : { rest: stderr };
}

export async function startRun(world: BenchWorld, spec: RunSpec): Promise<RunHandle> {
  const accessKeyId = accessKeyFor(spec.tag);
  const token = tokenFor(spec.tag);
  const context = await createRunnerContext({
    eventName: spec.eventName,
    payload: spec.payload,
    apiUrl: world.gh.url,
    repository: REPOSITORY,
    inputs: spec.inputs ?? {},
    actionYml: ACTION_YML,
    githubToken: token,
  });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...context.env,
    AWS_ENDPOINT_URL: world.aws.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...spec.env,
  };
  const spawnedAt = Date.now();
  const args = spec.probeRss === false ? [BUNDLE] : [...RSS_PRELOAD, BUNDLE];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let partial = '';
  const lines: { at: number; text: string }[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    const at = Date.now();
    const text = chunk.toString();
    stdout += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) lines.push({ at, text: line });
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), spec.killAfterMs ?? 240_000);
  const done = (async (): Promise<RunResult> => {
    try {
      const exitCode = await closed;
      const exitedAt = await exited;
      const usage = parseUsage(stderr);
      return {
        tag: spec.tag,
        accessKeyId,
        token,
        exitCode,
        spawnedAt,
        exitedAt,
        maxRssKb: usage.kb,
        cpuMs: usage.cpuMs,
        stdout,
        lines,
        stderr: usage.rest,
        outputs: await context.readOutputs(),
      };
    } finally {
      clearTimeout(killer);
      await context.cleanup();
    }
  })();
  return { child, spawnedAt, accessKeyId, done };
}

export async function run(world: BenchWorld, spec: RunSpec): Promise<RunResult> {
  return (await startRun(world, spec)).done;
}

/** The `::error::` lines of a run, for a failure report. */
export function errorLines(result: RunResult): string[] {
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error'))
    .map((line) => line.slice(line.indexOf('::', 2) + 2).replace(/%0A/g, ' '));
}

export function callsOf(world: BenchWorld, accessKeyId: string): CallRecord[] {
  return world.aws.calls.filter((c) => c.accessKeyId === accessKeyId);
}

/** Resolves when `predicate` holds, checking every `everyMs`. */
export async function until(predicate: () => boolean, everyMs = 10, timeoutMs = 300_000) {
  const give = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > give) throw new Error('bench: timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
