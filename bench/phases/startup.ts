/**
 * (4) Start and size: the bundle's size, its cold start (spawned with a minimal environment, until
 * it exits on a bad input, and until its first AWS request on a good one), its peak RSS, each
 * beside a bare `node -e 0` measured in the same run; and which lazily loaded chunks each kind
 * of run actually loads.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pullRequestEvent } from '../../test/fixtures/events.js';
import { sha } from '../../test/e2e/harness.js';
import {
  BARE_NODE_WITH_RSS,
  BUNDLE,
  CLUSTER,
  OWNER,
  REPO,
  ROOT,
  RSS_PRELOAD,
  accessKeyFor,
  callsOf,
  parseUsage,
  run,
  startBenchWorld,
  startRun,
  tokenFor,
  until,
  type BenchWorld,
} from '../lib/action.js';

export const PAIRS = 9;

export interface BundleFile {
  name: string;
  bytes: number;
  holds: string;
}

export interface LazyCheck {
  run: string;
  loaded: string[];
  mustNotLoad: string[];
  /** What the run cannot do without: proves the check sees the chunks it loads. */
  mustLoad: string[];
  ok: boolean;
}

export interface StartupResult {
  files: BundleFile[];
  totalBytes: number;
  badInputMs: number[];
  firstRequestMs: number[];
  /** `node -e 0`, spawn to exit: one beside each of the runs above, alternating. */
  nodeForBadInputMs: number[];
  nodeForFirstRequestMs: number[];
  /** GitHub API calls a good run made before its first AWS request. */
  githubCallsBeforeFirstAws: number[];
  badInputRssKb: number[];
  nodeRssKb: number[];
  lazy: LazyCheck[];
}

const DIST = path.dirname(BUNDLE);

/** What a chunk of the bundle is, from its name (the SDK facades in src/aws/sdk/) or content. */
function holds(file: string): string {
  if (file === 'index.js') return 'entry (always loaded)';
  if (file === 'templates.json') return 'the bundled template, parsed at build';
  if (file === 'wake.zip') return "the wake page's function";
  if (!file.endsWith('.js')) return file === 'licenses.txt' ? 'licence texts' : 'metadata';
  const facade = /^(cloudformation|rds|s3|ec2|service-quotas|ecr|ssm|cloudwatch|kms)-/.exec(file);
  if (facade) return FACADES[facade[1]!]!;
  const text = readFileSync(path.join(DIST, file), 'utf8');
  if (/STSClient|SSOClient|fromNodeProviderChain|credential-provider/.test(text))
    return 'AWS SDK core, credential providers';
  // pr-env's own commands name the CloudFormation commands; the SDK's chunks do not.
  if (/DescribeStackEvents/.test(text)) return "pr-env's commands";
  if (/octokit|Bottleneck/i.test(text)) return 'GitHub (Octokit)';
  return 'shared code (SDK core, pr-env)';
}

const FACADES: Record<string, string> = {
  cloudformation: 'CloudFormation client',
  rds: 'RDS client',
  s3: 'S3 client',
  ec2: 'EC2 client',
  'service-quotas': 'Service Quotas client',
  ecr: 'ECR client',
  ssm: 'SSM client',
  cloudwatch: 'CloudWatch client',
  kms: 'KMS client',
};

/** What a run loads only when it needs it: a bad input must load none of them. */
const LAZY_KINDS = [
  ...Object.values(FACADES),
  "pr-env's commands",
  'GitHub (Octokit)',
  'AWS SDK core, credential providers',
];

export function bundleFiles(): BundleFile[] {
  return readdirSync(DIST)
    .map((name) => ({ name, bytes: statSync(path.join(DIST, name)).size, holds: holds(name) }))
    .sort((a, b) => b.bytes - a.bytes);
}

interface Spawned {
  ms: number;
  stderr: string;
  stdout: string;
  code: number | null;
}

/** Spawns and times until the process exits. */
function timed(args: string[], env: Record<string, string>): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let ms = 0;
    child.once('exit', () => (ms = Date.now() - started));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms, stderr, stdout, code }));
  });
}

const MINIMAL = { PATH: process.env.PATH ?? '' };
/** A bad input the action must refuse before touching anything. */
const BAD_INPUT = { ...MINIMAL, INPUT_COMMAND: 'deploy-all' };

/** The lazily loaded chunks a run imported, from Node's module loader debug log. */
function loadedChunks(stderr: string): string[] {
  const names = new Set<string>();
  const dir = `file://${DIST}/`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const match of stderr.matchAll(new RegExp(`Storing ${dir}([\\w.-]+\\.js)`, 'g')))
    names.add(match[1]!);
  return [...names].sort();
}

async function lazyChecks(world: BenchWorld, files: BundleFile[]): Promise<LazyCheck[]> {
  const kind = (chunk: string) => files.find((f) => f.name === chunk)?.holds ?? chunk;
  const fast = {
    PR_ENV_POLL_FAST_MS: '50',
    PR_ENV_POLL_SLOW_MS: '200',
    PR_ENV_READS_PER_MINUTE: '0',
    NODE_DEBUG: 'esm',
  };
  const pr = 990;
  const event = (action: 'opened' | 'closed') =>
    pullRequestEvent(action, { owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
  world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
  const checks: LazyCheck[] = [];
  const check = async (
    name: string,
    mustNotLoad: string[],
    mustLoad: string[],
    spec: Parameters<typeof run>[1],
  ): Promise<void> => {
    const result = await run(world, spec);
    if (result.exitCode !== 0 && !name.includes('bad input'))
      throw new Error(`bench: the "${name}" run failed:\n${result.stdout}\n${result.stderr}`);
    const loaded = [...new Set(loadedChunks(result.stderr).map(kind))];
    checks.push({
      run: name,
      loaded,
      mustNotLoad,
      mustLoad,
      ok: !loaded.some((k) => mustNotLoad.includes(k)) && mustLoad.every((k) => loaded.includes(k)),
    });
  };
  await check('deploy, comment and deployment off', ['GitHub (Octokit)'], ['RDS client'], {
    tag: 'lazy-deploy',
    eventName: 'pull_request_target',
    payload: event('opened'),
    inputs: { 'source-db-cluster': CLUSTER, comment: 'false', deployment: 'false' },
    env: fast,
  });
  await check('destroy', ['RDS client', 'S3 client'], ['GitHub (Octokit)'], {
    tag: 'lazy-destroy',
    eventName: 'pull_request_target',
    payload: event('closed'),
    env: fast,
  });
  await check('bad input', LAZY_KINDS, [], {
    tag: 'lazy-bad',
    eventName: 'pull_request_target',
    payload: event('opened'),
    inputs: { command: 'deploy-all' },
    env: fast,
  });
  return checks;
}

export async function startupPhase(log: (line: string) => void): Promise<StartupResult> {
  const files = bundleFiles();
  const totalBytes = files.reduce((n, f) => n + f.bytes, 0);

  // Warm the file cache for both sides before anything is timed.
  await timed([BUNDLE], BAD_INPUT);
  await timed(['-e', '0'], MINIMAL);

  const badInputMs: number[] = [];
  const nodeForBadInputMs: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const bad = await timed([BUNDLE], BAD_INPUT);
    if (bad.code === 0 || !bad.stdout.includes('::error::'))
      throw new Error(`bench: the bad input did not fail the action:\n${bad.stdout}`);
    badInputMs.push(bad.ms);
    nodeForBadInputMs.push((await timed(['-e', '0'], MINIMAL)).ms);
  }
  log(`  cold start on a bad input: ${PAIRS} alternated pairs done`);

  const badInputRssKb: number[] = [];
  const nodeRssKb: number[] = [];
  for (let i = 0; i < 3; i++) {
    badInputRssKb.push(parseUsage((await timed([...RSS_PRELOAD, BUNDLE], BAD_INPUT)).stderr).kb!);
    nodeRssKb.push(parseUsage((await timed(BARE_NODE_WITH_RSS, MINIMAL)).stderr).kb!);
  }

  const world = await startBenchWorld({ resourceDelayMs: 10, changeSetDelayMs: 10 });
  try {
    const firstRequestMs: number[] = [];
    const nodeForFirstRequestMs: number[] = [];
    const githubCallsBeforeFirstAws: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const pr = 900 + i;
      world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: pr, headSha: sha(pr) });
      const tag = `first${i}`;
      const handle = await startRun(world, {
        tag,
        eventName: 'pull_request_target',
        payload: pullRequestEvent('opened', {
          owner: OWNER,
          repo: REPO,
          number: pr,
          headSha: sha(pr),
        }),
        inputs: { 'source-db-cluster': CLUSTER },
        probeRss: false,
      });
      const akid = accessKeyFor(tag);
      await until(() => callsOf(world, akid).length > 0, 2, 30_000);
      firstRequestMs.push(callsOf(world, akid)[0]!.time.getTime() - handle.spawnedAt);
      githubCallsBeforeFirstAws.push(
        world.gh.calls.filter((c) => c.token === tokenFor(tag)).length,
      );
      handle.child.kill('SIGKILL');
      await handle.done;
      nodeForFirstRequestMs.push((await timed(['-e', '0'], MINIMAL)).ms);
    }
    log(`  cold start to the first AWS request: ${PAIRS} alternated pairs done`);
    const lazy = await lazyChecks(world, files);
    return {
      files,
      totalBytes,
      badInputMs,
      firstRequestMs,
      nodeForBadInputMs,
      nodeForFirstRequestMs,
      githubCallsBeforeFirstAws,
      badInputRssKb,
      nodeRssKb,
      lazy,
    };
  } finally {
    await world.stop();
  }
}
