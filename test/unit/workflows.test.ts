/**
 * action.yml, the example workflows and the project's own workflows against GitHub's schemas
 * (through @action-validator/cli, the published validator, run as a user would run it), plus what
 * a schema cannot say: the examples use pr-env safely, pass only inputs action.yml declares, read
 * only variables the bootstrap stack provides, and appear in the README exactly as shipped; the
 * release workflow's version check works; the release files are in place.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { bootstrap } from './bootstrap/template.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const CLI = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@action-validator/cli/package.json')),
  'cli.mjs',
);

const temp = mkdtempSync(path.join(tmpdir(), 'pr-env-workflows-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs `action-validator <file>`: a file named action.yml is an action, anything else a workflow. */
function validate(file: string): { ok: boolean; errors: string } {
  const run = spawnSync(process.execPath, [CLI, file], {
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { ok: run.status === 0, errors: `${run.stdout}${run.stderr}` };
}

/** Writes `text` to a fresh temp file called `name` and validates it. */
function validateText(name: string, text: string) {
  const dir = mkdtempSync(path.join(temp, 'case-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return validate(file);
}

// @action-validator 0.6.0 ships the schemastore schema of early 2025, whose runs.using stops at
// node20; GitHub runs node24 actions since. The action is validated with that one value
// swapped for one the schema knows, and a test below proves it is the only difference.
const ACTION_USING = /^(\s+using:\s*)['"]?node24['"]?\s*$/m;
const actionYml = read('action.yml');

const yamlFiles = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
const EXAMPLES = yamlFiles('examples');
const WORKFLOWS = yamlFiles('.github/workflows');

// Workflows are parsed as GitHub reads them: `on` is a key, not a boolean.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const workflow = (file: string): Loose => load(read(file));

describe('@action-validator/cli', () => {
  it('accepts action.yml (runs.using node24 aside, which its schema predates)', () => {
    expect(actionYml).toMatch(ACTION_USING);
    const raw = validateText('action.yml', actionYml);
    const swapped = validateText('action.yml', actionYml.replace(ACTION_USING, '$1node20'));
    expect(swapped.errors).toBe('');
    expect(swapped.ok).toBe(true);
    // Either a newer validator accepts node24 as it is, or runs.using is its only complaint.
    if (!raw.ok) expect(raw.errors).toContain('"path": "/runs/using"');
  });

  it('finds the example workflows and the project’s workflows', () => {
    expect(EXAMPLES).toEqual([
      'examples/pr-env-build.yml',
      'examples/pr-env-deploy.yml',
      'examples/pr-env-sweep.yml',
      'examples/pr-env.yml',
    ]);
    expect(WORKFLOWS).toEqual(
      expect.arrayContaining([
        '.github/workflows/check-dist.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/release.yml',
      ]),
    );
  });

  it.each([...EXAMPLES, ...WORKFLOWS])('accepts %s', (file) => {
    const result = validate(path.join(ROOT, file));
    expect(result.errors).toBe('');
    expect(result.ok).toBe(true);
  });

  it('rejects a broken workflow: a misspelt job key and a cancel-in-progress that is not a boolean', () => {
    const broken = read('examples/pr-env.yml')
      .replace('runs-on: ubuntu-latest', 'run-on: ubuntu-latest')
      .replace('cancel-in-progress: false', 'cancel-in-progress: maybe');
    const result = validateText('pr-env.yml', broken);
    expect(result.ok).toBe(false);
    expect(result.errors).toContain("Additional property 'run-on' is not allowed");
    expect(result.errors).toContain('/concurrency/cancel-in-progress');
  });

  it('rejects a broken action.yml: a branding colour GitHub does not have', () => {
    const broken = actionYml.replace(ACTION_USING, '$1node20').replace(/color: \w+/, 'color: pink');
    const result = validateText('action.yml', broken);
    expect(result.ok).toBe(false);
    expect(result.errors).toContain('/branding/color');
  });

  it('rejects YAML that does not parse', () => {
    expect(validateText('bad.yml', 'on: [push\njobs: {').ok).toBe(false);
  });
});

describe('examples/pr-env.yml', () => {
  const wf = workflow('examples/pr-env.yml');
  const job = wf.jobs.environment;
  const steps: Loose[] = job.steps;
  const inputs = Object.keys((load(actionYml) as Loose).inputs);

  it('runs on every pull_request_target event pr-env handles, PR comments and workflow_dispatch', () => {
    expect(wf.on.pull_request_target.types).toEqual([
      'opened',
      'synchronize',
      'reopened',
      'closed',
      'labeled',
      'unlabeled',
    ]);
    expect(wf.on.workflow_dispatch.inputs['pr-number']).toMatchObject({ required: true });
    expect(wf.on.issue_comment.types).toEqual(['created']);
    expect(Object.keys(wf.on)).toEqual([
      'pull_request_target',
      'issue_comment',
      'workflow_dispatch',
    ]);
  });

  it('asks for exactly the permissions pr-env needs', () => {
    expect(wf.permissions).toEqual({
      contents: 'read',
      'pull-requests': 'write',
      issues: 'write',
      deployments: 'write',
      'id-token': 'write',
    });
  });

  it('serialises runs per pull request and never cancels one halfway', () => {
    expect(job.concurrency['cancel-in-progress']).toBe(false);
    const group: string = job.concurrency.group;
    expect(group).toMatch(/^pr-env-\$\{\{ .* \}\}$/);
    expect(group).toContain(
      '&& (github.event.pull_request.number || github.event.issue.number || inputs.pr-number) ||',
    );
    // A run the job's `if` skips is sent to a group of its own, under the same condition.
    expect(group).toContain("|| format('skipped-{0}', github.run_id)");
    const condition = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(condition(group)).toContain(`(${condition(job.if)}) &&`);
  });

  it('never checks out or runs the pull request’s code', () => {
    expect(read('examples/pr-env.yml')).not.toMatch(
      /actions\/checkout|github\.event\.pull_request\.head/,
    );
    expect(steps.filter((s) => s.run !== undefined)).toEqual([]);
  });

  it('gets AWS credentials through OIDC first, then runs pr-env with the service role', () => {
    expect(steps.map((s) => s.uses)).toEqual([
      'aws-actions/configure-aws-credentials@v5',
      'your-org/pr-env@v1',
    ]);
    expect(steps[0].with).toEqual({
      'role-to-assume': '${{ vars.PR_ENV_DEPLOY_ROLE_ARN }}',
      'aws-region': '${{ vars.PR_ENV_AWS_REGION }}',
      'role-duration-seconds': 7200,
    });
    expect(steps[0].with).not.toHaveProperty('aws-access-key-id');
    expect(steps[1].with['role-arn']).toBe('${{ vars.PR_ENV_SERVICE_ROLE_ARN }}');
    // The deploy role's session must outlast the job, which must outlast the action's timeout.
    const bootstrapSession = bootstrap.Parameters!.DeploySessionSeconds!.Default;
    expect(steps[0].with['role-duration-seconds']).toBeLessThanOrEqual(Number(bootstrapSession));
    expect(job['timeout-minutes'] * 60).toBeLessThanOrEqual(steps[0].with['role-duration-seconds']);
    expect(job['timeout-minutes']).toBeGreaterThan(60);
  });

  it('passes only inputs action.yml declares', () => {
    expect(Object.keys(steps[1].with).filter((k) => !inputs.includes(k))).toEqual([]);
  });

  it('lets a label through only when it is the required label', () => {
    expect(job.if).toContain('github.event.label.name == vars.PR_ENV_LABEL');
    expect(steps[1].with['require-label']).toBe('${{ vars.PR_ENV_LABEL }}');
  });
});

describe('examples/pr-env-sweep.yml', () => {
  const wf = workflow('examples/pr-env-sweep.yml');
  const steps: Loose[] = wf.jobs.sweep.steps;

  it('sweeps on a schedule (and by hand), with the same credentials', () => {
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\S+ \S+ \S+ \S+ \S+$/) }]);
    expect(wf.on).toHaveProperty('workflow_dispatch');
    expect(steps.map((s) => s.uses)).toEqual([
      'aws-actions/configure-aws-credentials@v5',
      'your-org/pr-env@v1',
    ]);
    expect(steps[1].with.command).toBe('sweep');
    expect(wf.permissions['id-token']).toBe('write');
    expect(steps.filter((s) => s.run !== undefined)).toEqual([]);
  });

  it('passes only inputs action.yml declares', () => {
    const inputs = Object.keys((load(actionYml) as Loose).inputs);
    expect(Object.keys(steps[1].with).filter((k) => !inputs.includes(k))).toEqual([]);
  });
});

describe('examples/pr-env-build.yml and pr-env-deploy.yml: the build, then its deploy', () => {
  const build = workflow('examples/pr-env-build.yml');
  const deploy = workflow('examples/pr-env-deploy.yml');
  const buildSteps: Loose[] = build.jobs.build.steps;
  const deploySteps: Loose[] = deploy.jobs.environment.steps;
  const upload = buildSteps.find((s) => String(s.uses).startsWith('actions/upload-artifact@'));

  it('builds on pull_request with a read-only token and no secrets', () => {
    expect(Object.keys(build.on)).toEqual(['pull_request']);
    expect(build.permissions).toEqual({ contents: 'read' });
    expect(read('examples/pr-env-build.yml')).not.toMatch(/secrets\.|vars\.PR_ENV|id-token/);
    expect(buildSteps.find((s) => s.uses === 'actions/checkout@v5')?.with).toEqual({
      'persist-credentials': false,
    });
    expect(upload?.with.name).toBe('pr-env-build');
  });

  it('deploys on the build’s workflow_run, by its name, with actions: read for the artifact', () => {
    expect(deploy.on).toEqual({ workflow_run: { workflows: [build.name], types: ['completed'] } });
    expect(deploy.permissions).toMatchObject({
      actions: 'read',
      'id-token': 'write',
      contents: 'read',
    });
    expect(deploy.jobs.environment.concurrency['cancel-in-progress']).toBe(false);
  });

  it('never checks out or runs the pull request’s code in the privileged workflow', () => {
    expect(read('examples/pr-env-deploy.yml')).not.toMatch(/actions\/checkout|head_branch/);
    expect(deploySteps.filter((s) => s.run !== undefined)).toEqual([]);
    expect(deploySteps.map((s) => s.uses)).toEqual([
      'aws-actions/configure-aws-credentials@v5',
      'your-org/pr-env@v1',
    ]);
  });

  it('deploys the artifact the build uploads, passing only inputs action.yml declares', () => {
    const inputs = Object.keys((load(actionYml) as Loose).inputs);
    const pr = deploySteps[1].with;
    expect(pr['app-artifact']).toBe(`artifact:${upload?.with.name}`);
    expect(pr['template-bucket']).toBe('${{ vars.PR_ENV_TEMPLATE_BUCKET }}');
    expect(Object.keys(pr).filter((k) => !inputs.includes(k))).toEqual([]);
  });
});

describe('the project’s own checks on real AWS', () => {
  const ci = workflow('.github/workflows/ci.yml');
  const e2e = workflow('.github/workflows/e2e-aws.yml');
  const steps: Loose[] = e2e.jobs.e2e.steps;

  it('lints every template with AWS’s own cfn-lint', () => {
    const lint: Loose[] = ci.jobs['cfn-lint'].steps;
    expect(lint.map((s) => s.run).filter(Boolean)).toEqual([
      'pip install cfn-lint',
      'cfn-lint templates/environment.yml templates/bootstrap.yml templates/production-share.yml',
    ]);
  });

  it('runs by hand and nightly, and only where the sandbox role is set', () => {
    expect(Object.keys(e2e.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(e2e.jobs.e2e.if).toContain("vars.PR_ENV_E2E_ROLE_ARN != ''");
  });

  it('deploys through the action itself, checks the URL and the secret, and always destroys', () => {
    const uses = steps.filter((s) => s.uses === './');
    expect(uses.map((s) => s.with.command)).toEqual(['deploy', 'destroy']);
    expect(uses[1].if).toContain('always()');
    expect(steps.find((s) => s.name === 'Nothing of the stack is left')?.if).toContain('always()');
    expect(read('.github/workflows/e2e-aws.yml')).toContain(
      'resourcegroupstaggingapi get-resources',
    );
    expect(read('.github/workflows/e2e-aws.yml')).toContain('.DBSecretArn');
    const inputs = Object.keys((load(actionYml) as Loose).inputs);
    for (const step of uses) {
      expect(Object.keys(step.with).filter((k) => !inputs.includes(k))).toEqual([]);
    }
  });
});

describe('the examples and the README agree', () => {
  const readme = read('README.md');
  const variablesOf = (text: string) =>
    [...new Set([...text.matchAll(/vars\.(PR_ENV_[A-Z_]+)/g)].map((m) => m[1]!))].sort();
  const used = variablesOf(EXAMPLES.map(read).join('\n'));

  it('shows examples/pr-env.yml in the README exactly as shipped', () => {
    expect(readme).toContain('```yaml\n' + read('examples/pr-env.yml') + '```');
  });

  it('documents every repository variable the examples read', () => {
    expect(used).toEqual([
      'PR_ENV_AWS_REGION',
      'PR_ENV_DEPLOY_ROLE_ARN',
      'PR_ENV_LABEL',
      'PR_ENV_SERVICE_ROLE_ARN',
      'PR_ENV_SOURCE_DB_CLUSTER',
      'PR_ENV_STACK_PREFIX',
      'PR_ENV_TEMPLATE_BUCKET',
    ]);
    for (const name of used) expect(readme).toContain(`\`${name}\``);
  });

  it('links only to files and headings that exist', () => {
    const anchors = new Set(
      [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const broken: string[] = [];
    for (const [, target = ''] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file, anchor] = target.split('#') as [string, string | undefined];
      if (file === '') {
        if (!anchors.has(anchor ?? '')) broken.push(target);
      } else {
        try {
          readFileSync(path.join(ROOT, file));
        } catch {
          broken.push(target);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('sets only inputs action.yml declares in the local-action example', () => {
    const inputs = Object.keys((load(actionYml) as Loose).inputs).map((i) => i.toUpperCase());
    const set = [...read('docs/local-action/.env.example').matchAll(/^INPUT_([A-Z0-9-]+)=/gm)].map(
      (m) => m[1]!,
    );
    expect(set.length).toBeGreaterThan(3);
    expect(set.filter((name) => !inputs.includes(name))).toEqual([]);
    const event = JSON.parse(read('docs/local-action/workflow_dispatch.json')) as Loose;
    expect(event.inputs['pr-number']).toMatch(/^\d+$/);
  });

  it('gets every variable but the optional label from an output of the bootstrap stack', () => {
    const outputs = Object.values(bootstrap.Outputs ?? {})
      .map((o) => o.Description ?? '')
      .join('\n');
    for (const name of used.filter((n) => n !== 'PR_ENV_LABEL')) {
      expect(outputs, name).toContain(name);
    }
  });
});

describe('release hygiene', () => {
  const release = workflow('.github/workflows/release.yml');
  const steps: Loose[] = release.jobs.release.steps;
  const pkg = JSON.parse(read('package.json')) as { version: string; license: string };
  const versionStep = steps.find((s) => s.id === 'version');

  /** Runs the release workflow's version check as the runner would, in a scratch checkout. */
  function checkVersion(tag: string, changelog: string, version = pkg.version) {
    const dir = mkdtempSync(path.join(temp, 'release-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version }));
    writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
    writeFileSync(path.join(dir, 'output'), '');
    writeFileSync(path.join(dir, 'step.sh'), versionStep.run);
    const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', 'step.sh'], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        TAG: tag,
        RUNNER_TEMP: dir,
        GITHUB_OUTPUT: path.join(dir, 'output'),
      },
    });
    const read = (name: string) => {
      try {
        return readFileSync(path.join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };
    return {
      ok: run.status === 0,
      log: run.stdout + run.stderr,
      notes: read('notes.md'),
      outputs: read('output'),
    };
  }
  const dated = (text: string) =>
    text.replace(`## [${pkg.version}] - Unreleased`, `## [${pkg.version}] - 2026-12-01`);

  it('runs on semantic version tags and may write releases and tags, nothing more', () => {
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(release.permissions).toEqual({ contents: 'write' });
    const commands = steps.map((s) => s.run ?? '').join('\n');
    expect(commands).toContain('npm test');
    expect(commands).toMatch(/npm run bundle[\s\S]*git status --porcelain dist/);
    expect(commands).toContain('gh release create "$TAG" --verify-tag');
    expect(commands).toContain('git push --force origin "refs/tags/$MAJOR"');
  });

  it('releases a tag matching package.json with the CHANGELOG section as notes, and names the major tag', () => {
    const result = checkVersion(`v${pkg.version}`, dated(read('CHANGELOG.md')));
    expect(result.log).toBe('');
    expect(result.ok).toBe(true);
    expect(result.notes).toMatch(/^\s*### Added/);
    expect(result.notes).not.toMatch(/^## |^\[[^\]]+\]: /m);
    expect(result.outputs).toBe(`major=v${pkg.version.split('.')[0]}\nprerelease=false\n`);
  });

  it('refuses an undated section, a tag that is not package.json’s version, and a non-semver tag', () => {
    expect(checkVersion(`v${pkg.version}`, read('CHANGELOG.md')).log).toContain('no dated section');
    expect(checkVersion('v9.9.9', dated(read('CHANGELOG.md'))).log).toContain(
      'does not match package.json',
    );
    expect(checkVersion('v1.2', dated(read('CHANGELOG.md'))).log).toContain(
      'not a semantic version',
    );
  });

  it('marks a pre-release, which leaves the major tag where it is', () => {
    const changelog = '## [1.3.0-rc.1] - 2026-12-01\n\n### Fixed\n\n- Something.\n';
    const result = checkVersion('v1.3.0-rc.1', changelog, '1.3.0-rc.1');
    expect(result.ok).toBe(true);
    expect(result.outputs).toBe('major=v1\nprerelease=true\n');
    expect(steps.find((s) => s.name === 'Move the major tag').if).toBe(
      "steps.version.outputs.prerelease == 'false'",
    );
  });

  it('keeps a Keep a Changelog section for the version in package.json', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^# Changelog\n/);
    expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/');
    expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - `, 'm'));
  });

  it('is MIT-licensed, in LICENSE and package.json alike', () => {
    const license = read('LICENSE');
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 pr-env contributors\n/);
    expect(license).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
    expect(pkg.license).toBe('MIT');
  });

  it('gives the action the branding the Marketplace shows', () => {
    expect((load(actionYml) as Loose).branding).toEqual({ icon: 'cloud', color: 'orange' });
  });

  it('has the git the release workflow needs (annotated tags)', () => {
    expect(execFileSync('git', ['--version'], { encoding: 'utf8' })).toMatch(/^git version/);
  });
});
