import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { subVariables } from '../../helpers/cfn-spec.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
const launchData = template.Resources.LaunchTemplate!.Properties!.LaunchTemplateData as {
  UserData: { 'Fn::Base64': { 'Fn::Sub': string } };
};
const SCRIPT = launchData.UserData['Fn::Base64']['Fn::Sub'];

const VALUES: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(template.Parameters ?? {}).map(([name, p]) => [name, String(p.Default ?? '')]),
  ),
  EnvironmentName: 'pr-env-myrepo-pr-12',
  PullRequestNumber: '12',
  AppVersion: '0123456789abcdef0123456789abcdef01234567',
  DBEngine: 'aurora-postgresql',
  'AWS::StackName': 'pr-env-myrepo-pr-12',
  'AWS::Region': 'us-east-1',
  'DBCluster.Endpoint.Address': 'db.cluster-abc.us-east-1.rds.amazonaws.com',
  'DBCluster.ReadEndpoint.Address': 'db.cluster-ro-abc.us-east-1.rds.amazonaws.com',
  'DBCluster.Endpoint.Port': '5432',
};

/** The user data as an instance receives it (Fn::Sub applied). */
function render(values: Record<string, string>): string {
  return SCRIPT.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    const value = values[name.trim()];
    if (value === undefined) throw new Error(`no value for \${${name}}`);
    return value;
  });
}

/** The status page script embedded in the user data. */
function statusScript(): string {
  const match = /cat > \/opt\/pr-env\/status\.py <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(render(VALUES));
  if (!match) throw new Error('status.py heredoc not found in the user data');
  return match[1]!;
}

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('web instance user data', () => {
  it('only substitutes parameters, pseudo parameters and cluster attributes', () => {
    for (const [name, attribute] of subVariables(SCRIPT)) {
      const key = attribute ? `${name}.${attribute}` : name;
      expect(VALUES, key).toHaveProperty([key]);
      if (attribute) expect(name).toBe('DBCluster');
    }
  });

  it('hands the app its version, PR number and database endpoint through its environment', () => {
    const env = /cat > \/etc\/pr-env\/app\.env <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(
      render(VALUES),
    )![1]!;
    expect(env.split('\n')).toEqual([
      'PORT=8080',
      `APP_VERSION=${VALUES.AppVersion}`,
      'PR_NUMBER=12',
      'ENVIRONMENT_NAME=pr-env-myrepo-pr-12',
      'DB_ENGINE=aurora-postgresql',
      `DB_HOST=${VALUES['DBCluster.Endpoint.Address']}`,
      `DB_READER_HOST=${VALUES['DBCluster.ReadEndpoint.Address']}`,
      'DB_PORT=5432',
    ]);
  });

  it.each([
    ['without an artifact', {}],
    ['with an artifact', { AppArtifactS3Uri: 's3://my-bucket/builds/app.tar.gz' }],
    ['with an image', { AppImage: `${ECR_IMAGE}`, AppImageRepositoryArn: ECR_REPOSITORY }],
  ])('is valid bash %s', (_name, values) => {
    const result = spawnSync('bash', ['-n'], {
      input: render({ ...VALUES, ...values }),
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('signals failure on any error and success only after the health check answers', () => {
    const script = render(VALUES);
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('set -euo pipefail');
    const trap = script.indexOf("trap 'signal 1' ERR");
    const success = script.indexOf('signal 0');
    expect(trap).toBeGreaterThan(0);
    expect(script.indexOf("curl -fsS -o /dev/null 'http://127.0.0.1:8080/health'")).toBeLessThan(
      success,
    );
    expect(script.trimEnd().endsWith('signal 1')).toBe(true);
  });
});

const ECR_IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/shop@sha256:${'b'.repeat(64)}`;
const ECR_REPOSITORY = 'arn:aws:ecr:us-east-1:123456789012:repository/shop';

/**
 * Runs the part of the user data that fetches the build and writes the unit, with its paths moved
 * into a scratch folder and aws, docker, dnf and systemctl replaced by stubs that log their
 * arguments (`aws s3api get-object` hands over a real tarball). Returns the log and the unit.
 */
function runAppSetup(values: Record<string, string>, tarball?: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'pr-env-userdata-'));
  try {
    const script = render({ ...VALUES, ...values });
    const start = script.indexOf('CMD="/usr/bin/python3 /opt/pr-env/status.py"');
    const end = script.indexOf('WantedBy=multi-user.target\nEOF\n') + 31;
    const part = script
      .slice(start, end)
      .replaceAll('/etc/systemd/system/app.service', `${dir}/app.service`)
      .replaceAll('/opt/app', `${dir}/app`)
      .replaceAll('/tmp/app.tar.gz', `${dir}/app.tar.gz`);
    const bin = join(dir, 'bin');
    spawnSync('mkdir', ['-p', bin, join(dir, 'app'), join(dir, 'src')]);
    for (const [name, file] of Object.entries(tarball ?? {})) {
      writeFileSync(join(dir, 'src', name), file, { mode: name === 'start' ? 0o755 : 0o644 });
    }
    spawnSync('tar', ['-czf', join(dir, 'build.tar.gz'), '-C', join(dir, 'src'), '.']);
    const stub = (name: string, extra = '') =>
      writeFileSync(join(bin, name), `#!/bin/bash\necho "${name} $*" >> ${dir}/log\n${extra}`, {
        mode: 0o755,
      });
    stub('aws', `if [ "$1" = s3api ]; then cp ${dir}/build.tar.gz "\${@: -1}"; fi\n`);
    for (const name of ['docker', 'dnf', 'systemctl', 'chown']) stub(name);
    const run = spawnSync('bash', ['-euo', 'pipefail'], {
      input: part,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}` },
    });
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, file), 'utf8');
      } catch {
        return '';
      }
    };
    return {
      status: run.status,
      stderr: run.stderr,
      log: read('log').replaceAll(dir, '').trim().split('\n').filter(Boolean),
      unit: read('app.service').replaceAll(dir, ''),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('what the web instances run', () => {
  it('serves the status page when given no build', () => {
    const run = runAppSetup({});
    expect(run.stderr).toBe('');
    expect(run.log).toEqual(['chown -R app /app']);
    expect(run.unit).toContain('ExecStart=/usr/bin/python3 /opt/pr-env/status.py\n');
    expect(run.unit).toContain('User=app\n');
  });

  it('fetches the exact version of the tarball and runs its ./start', () => {
    const run = runAppSetup(
      { AppArtifactS3Uri: 's3://my-bucket/builds/app.tar.gz', AppArtifactVersion: 'v3.Lg_x' },
      { start: '#!/bin/sh\n', 'index.html': 'hi' },
    );
    expect(run.stderr).toBe('');
    expect(run.log[0]).toBe(
      'aws s3api get-object --bucket my-bucket --key builds/app.tar.gz --version-id v3.Lg_x /app.tar.gz',
    );
    expect(run.unit).toContain('ExecStart=/app/start\n');
    expect(run.unit).toContain('EnvironmentFile=/etc/pr-env/app.env\n');
  });

  it('serves a tarball without ./start as static files; an ETag pins nothing', () => {
    const run = runAppSetup(
      { AppArtifactS3Uri: 's3://my-bucket/a.tar.gz', AppArtifactVersion: 'etag:0f1e2d' },
      { 'index.html': 'hi' },
    );
    expect(run.log[0]).toBe('aws s3api get-object --bucket my-bucket --key a.tar.gz /app.tar.gz');
    expect(run.unit).toContain('ExecStart=/usr/bin/python3 -m http.server --directory /app 8080\n');
  });

  it('runs an ECR image with docker: logged in to its registry, app.env passed, PORT published', () => {
    const run = runAppSetup({ AppImage: ECR_IMAGE, AppImageRepositoryArn: ECR_REPOSITORY });
    expect(run.stderr).toBe('');
    // The two sides of the login pipe log in either order.
    expect([...run.log.slice(0, 2), ...run.log.slice(2, 4).sort(), ...run.log.slice(4)]).toEqual([
      'dnf install -y docker',
      'systemctl enable --now docker',
      'aws ecr get-login-password --region us-east-1',
      'docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com',
      `docker pull ${ECR_IMAGE}`,
      'chown -R app /app',
    ]);
    expect(run.unit).toContain(
      `ExecStart=/usr/bin/docker run --rm --name app --env-file /etc/pr-env/app.env -p 8080:8080 ${ECR_IMAGE}\n`,
    );
    expect(run.unit).toContain('ExecStartPre=-/usr/bin/docker rm -f app\n');
    expect(run.unit).toContain('User=root\n');
  });

  it('pulls an image of another registry without logging in to ECR', () => {
    const run = runAppSetup({ AppImage: 'ghcr.io/acme/shop:4f0c2d8' });
    expect(run.log).not.toContainEqual(expect.stringMatching(/ecr|login/));
    expect(run.log).toContain('docker pull ghcr.io/acme/shop:4f0c2d8');
  });
});

describe.skipIf(!hasPython)('status page (python3)', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length > 0) cleanups.pop()!();
  });

  const freePort = () =>
    new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });

  /** A fake Postgres: answers an SSLRequest with "N" like a server without TLS. */
  const fakePostgres = () =>
    new Promise<Server>((resolve) => {
      const server = createServer((socket) => {
        socket.on('error', () => {}); // the page hangs up as soon as it has its answer
        socket.once('data', () => socket.end('N'));
      }).listen(0, '127.0.0.1', () => resolve(server));
      cleanups.push(() => server.close());
    });

  /** A fake MySQL: greets first, before the client sends anything. */
  const fakeMySql = () =>
    new Promise<Server>((resolve) => {
      const server = createServer((socket) => {
        socket.on('error', () => {}); // the page hangs up as soon as it has its answer
        socket.end(Buffer.from([0x0a, 0x00, 0x00, 0x00, 0x0a]));
      }).listen(0, '127.0.0.1', () => resolve(server));
      cleanups.push(() => server.close());
    });

  async function startPage(dbPort: number, engine = 'aurora-postgresql'): Promise<number> {
    const dir = mkdtempSync(join(tmpdir(), 'pr-env-status-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'status.py'), statusScript());
    const port = await freePort();
    const child: ChildProcess = spawn('python3', [join(dir, 'status.py')], {
      env: {
        ...process.env,
        PORT: String(port),
        APP_VERSION: VALUES.AppVersion,
        PR_NUMBER: '12',
        ENVIRONMENT_NAME: 'pr-env-myrepo-pr-12<script>',
        DB_ENGINE: engine,
        DB_HOST: '127.0.0.1',
        DB_PORT: String(dbPort),
      },
      stdio: 'ignore',
    });
    cleanups.push(() => child.kill());
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await fetch(`http://127.0.0.1:${port}/health`);
        return port;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error('status page did not start');
  }

  it('answers the health check without touching the database', async () => {
    const port = await startPage(await freePort());
    const response = await fetch(`http://127.0.0.1:${port}/health`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });

  it('shows the PR, the version and that the database answers', async () => {
    const db = await fakePostgres();
    const port = await startPage((db.address() as AddressInfo).port);
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<h1>PR #12</h1>');
    expect(page).toContain(VALUES.AppVersion);
    expect(page).toContain('answers');
    expect(page).not.toContain('does not answer');
    expect(page).toContain('pr-env-myrepo-pr-12&lt;script&gt;');
  });

  it('recognises a MySQL server by its greeting', async () => {
    const db = await fakeMySql();
    const port = await startPage((db.address() as AddressInfo).port, 'aurora-mysql');
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toMatch(/:\d+ answers</);
  });

  it('says so when the database does not answer', async () => {
    const port = await startPage(await freePort());
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('does not answer');
  });
});
