/**
 * A real PostgreSQL server for a test: its own data directory, a free port on 127.0.0.1, password
 * authentication (scram-sha-256), stopped by the test. The binaries come from Debian's
 * `postgresql` package (.ci/run installs it). Without them the tests that need one are skipped,
 * visibly, unless PR_ENV_REQUIRE_POSTGRES is set (as .ci/run sets it): then they fail.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The directory of initdb/pg_ctl/psql: PATH first, then Debian's versioned directories. */
export function postgresBinDir(): string | undefined {
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian)
    ? readdirSync(debian)
        .filter((v) => existsSync(path.join(debian, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return path.join(debian, versions[0], 'bin');
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  return which.status === 0 ? path.dirname(which.stdout.trim()) : undefined;
}

export interface Postgres {
  host: string;
  port: number;
  user: string;
  password: string;
  binDir: string;
  /** Runs SQL with psql, returning its unaligned, tuples-only output. */
  query(sql: string, database?: string): string;
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: as root, the server runs as Debian's `postgres` user. */
function asServerUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function startPostgres(): Promise<Postgres> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error('PostgreSQL is not installed: apt-get install postgresql');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pr-env-pg-'));
  const data = path.join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, password);
  const owner = asServerUser();
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  chmodSync(dir, 0o700);
  const run = (command: string, args: string[]) =>
    execFileSync(path.join(binDir, command), args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
      env: { PATH: process.env.PATH ?? '', LANG: 'C.UTF-8' },
    });
  run('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
  ]);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-w',
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const pg: Postgres = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    binDir,
    query(sql, database = 'postgres') {
      return execFileSync(
        path.join(binDir, 'psql'),
        [
          '-X',
          '-A',
          '-t',
          '-v',
          'ON_ERROR_STOP=1',
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          'postgres',
          '-d',
          database,
          '-c',
          sql,
        ],
        { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PGPASSWORD: password } },
      ).trim();
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return pg;
}

/** Whether tests needing PostgreSQL run here; when it is required, its absence is a failure. */
export function postgresAvailable(): boolean {
  if (postgresBinDir()) return true;
  if (process.env.PR_ENV_REQUIRE_POSTGRES) {
    throw new Error('PR_ENV_REQUIRE_POSTGRES is set, but PostgreSQL is not installed');
  }
  return false;
}
