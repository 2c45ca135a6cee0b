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
  AppLogGroup: '/pr-env/pr-env-myrepo-pr-12/app',
  DBSecret:
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:pr-env-myrepo-pr-12-db-0f1e2d3c-AbCdEf',
};

/** The user data as an instance receives it (Fn::Sub applied). */
function render(values: Record<string, string>): string {
  return SCRIPT.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    const value = values[name.trim()];
    if (value === undefined) throw new Error(`no value for \${${name}}`);
    return value;
  });
}

/** The app's environment file as the user data writes it. */
function appEnv(script: string): string {
  return /cat > \/etc\/pr-env\/app\.env <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(script)![1]!;
}

/** A file the user data writes with a quoted heredoc. */
function heredoc(script: string, file: string): string {
  const start = script.indexOf(`cat > ${file} <<'EOF'\n`);
  if (start < 0) throw new Error(`${file} not found in the user data`);
  const body = script.slice(start + `cat > ${file} <<'EOF'\n`.length);
  return body.slice(0, body.indexOf('\nEOF\n'));
}

/** The status page script embedded in the user data. */
function statusScript(): string {
  const match = /cat > \/opt\/pr-env\/status\.py <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(render(VALUES));
  if (!match) throw new Error('status.py heredoc not found in the user data');
  return match[1]!;
}

const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('web instance user data', () => {
  it('only substitutes parameters, pseudo parameters and the secret, no attribute of anything', () => {
    // The web tier must not wait for the database: no ${DBCluster.Endpoint.Address} here.
    for (const [name, attribute] of subVariables(SCRIPT)) {
      expect(attribute, name).toBeUndefined();
      expect(VALUES, name).toHaveProperty([name]);
      // The secret and the log group: neither waits for the database.
      if (template.Resources[name]) expect(['DBSecret', 'AppLogGroup']).toContain(name);
    }
  });

  it('hands the app its version, PR number and database secret; the endpoint comes later', () => {
    expect(appEnv(render(VALUES)).split('\n')).toEqual([
      'PORT=8080',
      `APP_VERSION=${VALUES.AppVersion}`,
      'PR_NUMBER=12',
      'ENVIRONMENT_NAME=pr-env-myrepo-pr-12',
      'DB_ENGINE=aurora-postgresql',
      `DB_SECRET_ARN=${VALUES.DBSecret}`,
      'DB_HOST=',
      'DB_READER_HOST=',
      'DB_PORT=',
    ]);
  });

  it('looks the endpoint up once before the app starts, then keeps watching in a service', () => {
    const script = render(VALUES);
    const once = script.indexOf('/opt/pr-env/db-endpoint --once || true');
    const watcher = script.indexOf('systemctl enable --now pr-env-db-endpoint.service');
    const app = script.indexOf('systemctl enable --now app');
    expect(once).toBeGreaterThan(0);
    expect(once).toBeLessThan(watcher);
    expect(watcher).toBeLessThan(app);
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
    const end = script.indexOf('WantedBy=multi-user.target\nEOF\n', start) + 31;
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

  async function startPage(
    dbPort: number,
    engine = 'aurora-postgresql',
    dbHost = '127.0.0.1',
  ): Promise<number> {
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
        DB_HOST: dbHost,
        DB_PORT: dbHost ? String(dbPort) : '',
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
    expect(page).toContain(`127.0.0.1:${(db.address() as AddressInfo).port} answers`);
    expect(page).not.toContain('restoring');
    expect(page).toContain('pr-env-myrepo-pr-12&lt;script&gt;');
  });

  it('recognises a MySQL server by its greeting', async () => {
    const db = await fakeMySql();
    const port = await startPage((db.address() as AddressInfo).port, 'aurora-mysql');
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toMatch(/:\d+ answers</);
  });

  it('says "database restoring" while the database does not answer yet', async () => {
    const dbPort = await freePort();
    const port = await startPage(dbPort);
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain(`<td>127.0.0.1:${dbPort} database restoring</td>`);
  });

  it('says "database restoring" before the endpoint is even known', async () => {
    const port = await startPage(0, 'aurora-postgresql', '');
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('<th>Database</th><td>database restoring</td>');
  });
});

describe.skipIf(!hasPython)('db-endpoint: the endpoint from the secret (bash, python3)', () => {
  const PASSWORD = 'pw-Zq8d1eXample0nly';
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * Runs the rendered script once against a stub `aws` that prints `secret` (as get-secret-value
   * --query SecretString does) and a stub `systemctl` that records its arguments.
   */
  function runOnce(secret: unknown, env?: string) {
    dir = mkdtempSync(join(tmpdir(), 'pr-env-db-endpoint-'));
    const envFile = join(dir, 'app.env');
    writeFileSync(envFile, env ?? appEnv(render(VALUES)) + '\n');
    writeFileSync(join(dir, 'secret.json'), JSON.stringify(secret));
    writeFileSync(
      join(dir, 'aws'),
      `#!/bin/sh\necho "$*" > '${dir}/aws.args'\ncat '${dir}/secret.json'\n`,
      {
        mode: 0o755,
      },
    );
    writeFileSync(join(dir, 'systemctl'), `#!/bin/sh\necho "$*" >> '${dir}/systemctl.log'\n`, {
      mode: 0o755,
    });
    const script = heredoc(render(VALUES), '/opt/pr-env/db-endpoint').replace(
      '/etc/pr-env/app.env',
      envFile,
    );
    writeFileSync(join(dir, 'db-endpoint'), script, { mode: 0o755 });
    const result = spawnSync(join(dir, 'db-endpoint'), ['--once'], {
      env: { PATH: `${dir}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 10_000,
    });
    const read = (name: string) => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };
    return {
      result,
      env: readFileSync(envFile, 'utf8'),
      aws: read('aws.args'),
      systemctl: read('systemctl.log'),
    };
  }

  it('leaves the endpoint empty while the secret has none yet', () => {
    const run = runOnce({ username: 'postgres', password: PASSWORD });
    expect(run.result.status).toBe(0);
    expect(run.env).toContain('DB_HOST=\n');
    expect(run.systemctl).toBe('');
    expect(run.aws).toBe(
      `secretsmanager get-secret-value --region us-east-1 --secret-id ${VALUES.DBSecret} --query SecretString --output text\n`,
    );
  });

  it('fills in the writer and reader hosts and the port, restarts the app, never writes the password', () => {
    const host = 'pr-env-myrepo-pr-12-dbcluster-x.cluster-c0abcdef1234.us-east-1.rds.amazonaws.com';
    const run = runOnce({
      username: 'postgres',
      password: PASSWORD,
      engine: 'postgres',
      host,
      port: 5432,
    });
    expect(run.result.status).toBe(0);
    const lines = run.env.trim().split('\n');
    expect(lines).toContain(`DB_HOST=${host}`);
    expect(lines).toContain(`DB_READER_HOST=${host.replace('.cluster-', '.cluster-ro-')}`);
    expect(lines).toContain('DB_PORT=5432');
    expect(lines.filter((l) => l.startsWith('DB_HOST='))).toHaveLength(1);
    expect(lines).toContain(`DB_SECRET_ARN=${VALUES.DBSecret}`);
    expect(run.env).not.toContain(PASSWORD);
    expect(run.systemctl).toBe('try-restart app.service\n');
  });

  it('does not restart the app when the endpoint is what it has', () => {
    const host = 'db.cluster-c0abcdef1234.us-east-1.rds.amazonaws.com';
    const known = `${appEnv(render(VALUES))
      .split('\n')
      .filter((l) => !/^DB_(HOST|READER_HOST|PORT)=/.test(l))
      .join(
        '\n',
      )}\nDB_HOST=${host}\nDB_READER_HOST=${host.replace('.cluster-', '.cluster-ro-')}\nDB_PORT=5432\n`;
    const run = runOnce({ password: PASSWORD, host, port: 5432 }, known);
    expect(run.env).toBe(known);
    expect(run.systemctl).toBe('');
  });
});
