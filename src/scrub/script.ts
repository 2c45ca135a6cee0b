/**
 * The shell script SSM Run Command runs on the environment's bastion (Amazon Linux 2023, as
 * root) to scrub the database. The credentials are read there, from the environment's own
 * secret, into the client's environment variables: they never pass through pr-env, the command's
 * parameters or its output. Pure.
 */

export type ScrubEngine = 'postgresql' | 'mysql';

export interface ScrubScriptRequest {
  engine: ScrubEngine;
  region: string;
  secretArn: string;
  /** s3://bucket/key of the SQL. */
  sqlUri: string;
  /** The database the SQL runs in (the cluster's DatabaseName); empty = the engine's default. */
  database: string;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** Client packages of Amazon Linux 2023, installed when the AMI has no client. */
const CLIENT = {
  postgresql: { command: 'psql', packageName: 'postgresql16' },
  mysql: { command: 'mysql', packageName: 'mariadb105' },
} as const;

/**
 * Python (on every Amazon Linux 2023 image) turning the secret (username, password, host, port,
 * written by the stack's secret attachment) into `export NAME='value'` lines: a JSON parser, not
 * shell text matching.
 */
function secretReader(engine: ScrubEngine): string {
  const names =
    engine === 'postgresql'
      ? '("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "username"), ("PGPASSWORD", "password")'
      : '("DB_HOST", "host"), ("DB_PORT", "port"), ("DB_USER", "username"), ("MYSQL_PWD", "password")';
  return [
    'import json, shlex, sys',
    'secret = json.load(sys.stdin)',
    `for name, key in [${names}]:`,
    '    print("export %s=%s" % (name, shlex.quote(str(secret[key]))))',
  ].join('\n');
}

export function scrubScript(request: ScrubScriptRequest): string {
  const client = CLIENT[request.engine];
  const database = request.database || (request.engine === 'postgresql' ? 'postgres' : '');
  const run =
    request.engine === 'postgresql'
      ? // One transaction: a failing statement leaves the data as it was, and the gate closed.
        'psql -X --no-psqlrc -v ON_ERROR_STOP=1 --single-transaction -q -f "$sql"'
      : 'mysql --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" ${DB_NAME:+--database="$DB_NAME"} --batch < "$sql"';
  return [
    'set -euo pipefail',
    `export AWS_DEFAULT_REGION=${quote(request.region)}`,
    `if ! command -v ${client.command} >/dev/null 2>&1; then`,
    `  echo "pr-env: installing ${client.packageName}"`,
    `  dnf install -y -q ${client.packageName} >/dev/null`,
    'fi',
    'sql="$(mktemp)"',
    `trap 'rm -f "$sql"' EXIT`,
    `aws s3 cp --quiet ${quote(request.sqlUri)} "$sql"`,
    `read_secret=${quote(secretReader(request.engine))}`,
    // The secret's value goes straight from the CLI into the parser: no variable, no log.
    `eval "$(aws secretsmanager get-secret-value --secret-id ${quote(request.secretArn)} --query SecretString --output text | python3 -c "$read_secret")"`,
    `export ${request.engine === 'postgresql' ? 'PGDATABASE' : 'DB_NAME'}=${quote(database)}`,
    `echo "pr-env: running the scrub on $(wc -c < "$sql") bytes of SQL"`,
    `started=$(date +%s)`,
    run,
    `echo "pr-env: scrub passed in $(( $(date +%s) - started )) s"`,
  ].join('\n');
}

/** The line of a failed scrub's output that says why: the engine's ERROR line, else the last. */
export function scrubRootCause(stderr: string, stdout: string): string | undefined {
  const lines = `${stderr}\n${stdout}`
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    lines.find((l) => /\bERROR( \d+)?\b/.test(l)) ??
    stderr
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1)
  );
}
