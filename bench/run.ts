// `npm run bench`: pr-env's performance, measured side by side with its baselines in one run.
// Spawns the bundled action (dist/index.js) against the local AWS simulator and fake GitHub API
// on 127.0.0.1 (nothing leaves the machine), prints the results table and writes
// bench/results.md. Takes about ten minutes on two cores.
//
//   npm run bench                          # dist/ as built
//   PR_ENV_BENCH_DIST=/tmp/dist npm run bench   # another build of the action
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { BUNDLE, ROOT } from './lib/action.js';
import {
  closingNote,
  markdownReport,
  terminalSummary,
  type Machine,
  type Results,
} from './lib/report.js';
import { criticalPathPhase } from './phases/critical-path.js';
import { capacityPhase } from './phases/capacity.js';
import { edgePhase } from './phases/edge.js';
import { paceModelPhase } from './phases/pace-model.js';
import { latencyPhase } from './phases/latency.js';
import { scalePhase } from './phases/scale.js';
import { startupPhase } from './phases/startup.js';
import { wakePhase } from './phases/wake.js';

// The in-process SDK clients (the baseline waiters) would warn about Node 20 on every run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const log = (line: string) => console.log(line);
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

const loadAverage = () =>
  os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');

function machine(): Machine {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const dirty = git('status', '--porcelain').length > 0 ? ' (with uncommitted changes)' : '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    commit: `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${dirty}`,
    bundle: path.relative(ROOT, BUNDLE),
    load: loadAverage(),
  };
}

async function main(): Promise<number> {
  if (!existsSync(BUNDLE)) {
    console.error(`bench: ${BUNDLE} does not exist: run \`npm run bundle\` first`);
    return 2;
  }
  const started = Date.now();
  const m = machine();
  log(bold(`pr-env benchmark: ${m.bundle}, Node ${m.node}, ${m.nproc} CPUs (${m.cpu})`));

  log(bold('\n(5) critical path'));
  const critical = criticalPathPhase();
  log(bold('(6) wake on visit, modelled'));
  const wake = wakePhase();
  const capacity = capacityPhase();
  log(bold('(1c) the watcher alone on modelled stacks'));
  const paceModel = await paceModelPhase();
  log(bold('(1, 2) detection latency and API cost: ~60 s stacks, default polling'));
  log(bold('(4) start and size: measured while the stacks are created and the machine idles'));
  const latency = await latencyPhase(log, {
    prs: 6,
    targetSeconds: 60,
    whileCreating: () => startupPhase(log),
  });
  try {
    const startup = latency.during;
    if (!startup) throw new Error('bench: the start-up measurements did not run');
    // The SDK waiters keep polling their twin stacks meanwhile: that costs them nothing.
    log(bold('(3) scale: 50 concurrent deploys, throttled'));
    const scale = await scalePhase(log, { stacks: 50, targetSeconds: 20 });
    log(bold('(1b) detection at the edges: quick ends, small stacks, half the reads throttled'));
    const edges = await edgePhase(log);
    log('  waiting for the last SDK waiters (30–120 s between their polls)…');
    const waiters = await latency.waiters;
    m.load = `${m.load} at the start, ${loadAverage()} at the end`;
    const results: Results = {
      machine: m,
      wallMs: Date.now() - started,
      startup,
      critical,
      wake,
      latency,
      edges,
      paceModel,
      capacity,
      waiters,
      scale,
    };
    log(`\n${bold('Results')} (${m.date}, ${m.nproc} CPUs, Node ${m.node})\n`);
    log(terminalSummary(results));
    const notes = closingNote(results);
    log(`\n${bold('Closing note')}`);
    for (const note of notes.length ? notes : ['Every target is met.'])
      log(`- ${note.replace(/\*\*/g, '')}`);
    const file = path.join(ROOT, 'bench', 'results.md');
    // Formatted as the repository formats Markdown, so that format:check stays clean.
    const options = { ...(await resolveConfig(file)), filepath: file };
    writeFileSync(file, await format(markdownReport(results), options));
    log(
      `\nDetails: ${path.relative(process.cwd(), file)} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    );
    const failed =
      latency.samples.filter((s) => !s.ok).length +
      edges.flatMap((e) => e.samples).filter((s) => !s.ok).length +
      scale.runs.filter((r) => !r.ok).length +
      waiters.filter((w) => w.state !== 'SUCCESS').length +
      startup.lazy.filter((l) => !l.ok).length;
    if (failed > 0) log(`\n${failed} run(s) failed: see above.`);
    return failed > 0 ? 1 : 0;
  } finally {
    await latency.stop();
  }
}

process.exit(await main());
