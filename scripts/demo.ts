// `npm run demo`: the action's main job on its embedded default. Starts the local simulator of
// CloudFormation, RDS and S3 and a fake GitHub API on 127.0.0.1, then runs the bundled action
// (dist/index.js) as a process through a PR's life: opened -> synchronize -> closed.
// No AWS account and no network are needed.
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
  console.log(bold(`pr-env demo: ${OWNER}/${REPO}#${PR} against a simulated AWS account`));
  console.log(`simulator ${world.aws.url}, fake GitHub API ${world.gh.url}`);

  const steps: [string, 'opened' | 'synchronize' | 'closed', string][] = [
    ['PR opened: create the environment', 'opened', sha(1)],
    ['New commit pushed: update it', 'synchronize', sha(2)],
  ];
  let failed = false;
  for (const [title, action, head] of steps) {
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent(action, { owner: OWNER, repo: REPO, number: PR, headSha: head }),
      inputs: { 'source-db-cluster': CLUSTER },
    });
    show(title, run);
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
