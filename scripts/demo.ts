// `npm run demo`: the action's main job on its embedded default. Starts the local simulator of
// CloudFormation, RDS and S3 and a fake GitHub API on 127.0.0.1, then runs the bundled action
// (dist/index.js) as a process through a PR's life: opened -> synchronize -> closed. Each commit's
// build (a tarball with ./start, as CI would upload it) lands in the simulated S3 a few seconds
// after the run starts: the run waits for it and deploys that build. No AWS account and no
// network are needed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pullRequestEvent } from '../test/fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  runAction,
  sha,
  startWorld,
  type ActionRun,
} from '../test/e2e/harness.js';

const PR = 42;
const BUILDS = 'acme-builds';

/** The PR's build at a commit: an app whose ./start says which commit it is. */
function buildOf(head: string): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'pr-env-demo-build-'));
  try {
    const start = `#!/bin/sh\nexec python3 -m http.server "$PORT" # shop at ${head.slice(0, 7)}\n`;
    writeFileSync(path.join(dir, 'start'), start, { mode: 0o755 });
    writeFileSync(path.join(dir, 'index.html'), `<h1>shop, commit ${head.slice(0, 7)}</h1>\n`);
    execFileSync('tar', ['-czf', path.join(dir, 'app.tar.gz'), '-C', dir, 'start', 'index.html']);
    return readFileSync(path.join(dir, 'app.tar.gz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

function show(step: string, run: ActionRun): void {
  console.log(
    `\n${bold(`── ${step} ──`)}  exit ${run.exitCode}, ${(run.durationMs / 1000).toFixed(1)} s`,
  );
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('::group::')) console.log(`  ▸ ${line.slice(9)}`);
    else if (line.startsWith('::endgroup::') || line.startsWith('::add-mask::') || line === '')
      continue;
    else console.log(`    ${line.replace(/^::(\w+)[^:]*::/, '[$1] ')}`);
  }
  const { operation, status, 'environment-url': url } = run.outputs;
  console.log(
    `  outputs: operation=${operation} status=${status}${url ? ` environment-url=${url}` : ''}`,
  );
}

const world = await startWorld({ resourceDelayMs: 40 });
try {
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 6 * 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: PR, headSha: sha(1) });
  world.aws.createBucket(BUILDS, { versioned: true });
  console.log(bold(`pr-env demo: ${OWNER}/${REPO}#${PR} against a simulated AWS account`));
  console.log(`simulator ${world.aws.url}, fake GitHub API ${world.gh.url}`);

  const steps: [string, 'opened' | 'synchronize' | 'closed', string][] = [
    ['PR opened: create the environment', 'opened', sha(1)],
    ['New commit pushed: update it', 'synchronize', sha(2)],
  ];
  let failed = false;
  for (const [title, action, head] of steps) {
    // CI is still uploading the build when the run starts: pr-env waits for it.
    const upload = setTimeout(
      () => world.aws.putObject(BUILDS, `shop/${head}.tar.gz`, buildOf(head), 'application/gzip'),
      3_000,
    );
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent(action, { owner: OWNER, repo: REPO, number: PR, headSha: head }),
      inputs: {
        'source-db-cluster': CLUSTER,
        'app-artifact': `s3://${BUILDS}/shop/{sha}.tar.gz`,
        'app-wait-minutes': '1',
      },
    });
    clearTimeout(upload);
    show(title, run);
    console.log(`  the environment runs: ${run.outputs['app-artifact'] || '(no build)'}`);
    failed ||= run.exitCode !== 0;
  }
  const comment = world.gh.comments(OWNER, REPO, PR)[0]?.body ?? '(none)';
  console.log(`\n${bold('── The PR comment while the environment is up ──')}\n${comment}`);

  const close = await runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('closed', { owner: OWNER, repo: REPO, number: PR, headSha: sha(2) }),
  });
  show('PR closed: tear it down', close);
  failed ||= close.exitCode !== 0;
  console.log(
    `\n${bold('── The final PR comment ──')}\n${world.gh.comments(OWNER, REPO, PR)[0]?.body ?? '(none)'}`,
  );
  console.log(
    `stacks left in the simulated account: ${world.aws.stacks().filter((s) => s.status !== 'DELETE_COMPLETE').length}`,
  );
  process.exitCode = failed ? 1 : 0;
} finally {
  await world.stop();
}
