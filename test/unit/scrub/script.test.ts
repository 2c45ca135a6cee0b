import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scrubRootCause, scrubScript } from '../../../src/scrub/script.js';

const REQUEST = {
  engine: 'postgresql' as const,
  region: 'us-east-1',
  secretArn:
    'arn:aws:secretsmanager:us-east-1:123456789012:secret:pr-env-shop-pr-7-db-1a2b3c4d-AbCdEf',
  sqlUri: 's3://pr-env-templates/pr-env/pr-env-shop-pr-7/scrub/abc.sql',
  database: 'shop',
};

/**
 * Runs the script with bash, with stand-ins for aws and psql that record what they were given:
 * what the bastion would run, minus the network.
 */
function runWithStandIns(script: string, secret: string, psqlExit = 0) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pr-env-script-'));
  writeFileSync(path.join(dir, 'secret.json'), secret);
  const stand = (name: string, body: string) => {
    writeFileSync(path.join(dir, name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  };
  stand(
    'aws',
    `echo "$*" >> ${dir}/aws.log
if [ "$1" = s3 ]; then echo "UPDATE users SET email = NULL;" > "$5"; else cat ${dir}/secret.json; echo; fi`,
  );
  stand(
    'psql',
    `env | grep -E '^PG' | sort > ${dir}/env.log; echo "$*" > ${dir}/psql.log; cat "\${@: -1}" > ${dir}/sql.log; exit ${psqlExit}`,
  );
  const result = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { PATH: `${dir}:${process.env.PATH}` },
  });
  const read = (name: string) => {
    try {
      return readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    ...result,
    env: read('env.log'),
    psql: read('psql.log'),
    sql: read('sql.log'),
    aws: read('aws.log'),
  };
}

describe('scrubScript', () => {
  const secret = JSON.stringify({
    username: 'postgres',
    password: 'p\'a$s w"rd',
    host: 'db.internal',
    port: 5432,
  });

  it('reads the SQL and the secret on the bastion, and runs psql in one transaction that stops at the first error', () => {
    const run = runWithStandIns(scrubScript(REQUEST), secret);
    expect(run.status).toBe(0);
    expect(run.aws).toContain(`s3 cp --quiet ${REQUEST.sqlUri}`);
    expect(run.aws).toContain(
      `secretsmanager get-secret-value --secret-id ${REQUEST.secretArn} --query SecretString --output text`,
    );
    expect(run.psql).toMatch(/-v ON_ERROR_STOP=1 --single-transaction/);
    expect(run.sql).toBe('UPDATE users SET email = NULL;\n');
    // Every credential from the secret, quoted whatever its characters; the cluster's database.
    expect(run.env.split('\n')).toEqual(
      expect.arrayContaining([
        'PGDATABASE=shop',
        'PGHOST=db.internal',
        `PGPASSWORD=p'a$s w"rd`,
        'PGPORT=5432',
        'PGUSER=postgres',
      ]),
    );
    // The password is never in the script, nor in what it prints.
    expect(scrubScript(REQUEST)).not.toContain("p'a$s");
    expect(run.stdout + run.stderr).not.toContain('w"rd');
  });

  it('fails with psql', () => {
    const run = runWithStandIns(scrubScript(REQUEST), secret, 3);
    expect(run.status).toBe(3);
  });

  it('defaults to the engine’s own database, and runs mysql for Aurora MySQL', () => {
    expect(scrubScript({ ...REQUEST, database: '' })).toContain("export PGDATABASE='postgres'");
    const mysql = scrubScript({ ...REQUEST, engine: 'mysql' });
    expect(mysql).toContain('dnf install -y -q mariadb105');
    expect(mysql).toMatch(/mysql --host="\$DB_HOST"/);
    expect(mysql).toContain('MYSQL_PWD');
  });

  it('quotes what it is given', () => {
    expect(scrubScript({ ...REQUEST, database: "x'; rm -rf /" })).toContain(`'x'\\''; rm -rf /'`);
  });
});

describe('scrubRootCause', () => {
  it('is the engine’s ERROR line', () => {
    expect(
      scrubRootCause(
        'psql:/tmp/x.sql:2: ERROR:  relation "customers" does not exist\nLINE 1: UPDATE customers',
        '',
      ),
    ).toBe('psql:/tmp/x.sql:2: ERROR:  relation "customers" does not exist');
    expect(
      scrubRootCause("ERROR 1146 (42S02) at line 2: Table 'shop.customers' doesn't exist", ''),
    ).toMatch(/^ERROR 1146/);
  });
  it('else the last line of stderr', () => {
    expect(scrubRootCause('dnf: no network\nfatal error: An error occurred (403)', '')).toBe(
      'fatal error: An error occurred (403)',
    );
    expect(scrubRootCause('', '')).toBeUndefined();
  });
});
