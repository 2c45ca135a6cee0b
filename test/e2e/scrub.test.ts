/**
 * The scrub, end to end against a real PostgreSQL server: the bundled action runs, the simulated
 * SSM runs its command on this machine (with psql, against the server started here, credentials
 * from the environment's secret), and the rows are read back masked. The web tier is admitted to
 * the database only after the scrub passed; a failing SQL file fails the run and leaves it out.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import { postgresAvailable, startPostgres, type Postgres } from '../helpers/postgres.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  ROOT,
  errors,
  comment,
  runAction,
  sha,
  stackOf,
  startWorld,
  type World,
} from './harness.js';

const TEMPLATES = 'pr-env-templates';
const SCHEMA = `
  CREATE TABLE users (id int PRIMARY KEY, email text, full_name text, phone text, password_hash text);
  CREATE TABLE payment_methods (id int PRIMARY KEY, user_id int, provider_token text, card_last4 text);
  CREATE TABLE addresses (id int PRIMARY KEY, line1 text, line2 text, postal_code text);
  CREATE TABLE sessions (id text PRIMARY KEY);
  CREATE TABLE password_reset_tokens (id text PRIMARY KEY);
  INSERT INTO users VALUES
    (1, 'ada@lovelace.example', 'Ada Lovelace', '+44 20 7946 0018', '$2b$12$realhashofada'),
    (2, 'alan@turing.example', 'Alan Turing', NULL, '$2b$12$realhashofalan');
  INSERT INTO payment_methods VALUES (1, 1, 'tok_visa_4242', '4242');
  INSERT INTO addresses VALUES (1, '12 St James''s Square', 'Flat 3', 'SW1Y 4JH');
  INSERT INTO sessions VALUES ('s-ada');
  INSERT INTO password_reset_tokens VALUES ('r-alan');
`;

describe.skipIf(!postgresAvailable())('scrub-sql against a real PostgreSQL', () => {
  let world: World;
  let pg: Postgres;
  let workspace: string;

  beforeAll(async () => {
    pg = await startPostgres();
    world = await startWorld();
    world.aws.addSnapshot({
      cluster: CLUSTER,
      id: 'rds:prod-db-2026-12-01-03-00',
      createdAt: new Date(Date.now() - 3_600_000),
      engine: 'aurora-postgresql',
      engineVersion: '16.4',
    });
    world.aws.createBucket(TEMPLATES);
    world.aws.ssm.extraPath.push(pg.binDir);
    world.aws.ssm.setSecretValue(
      JSON.stringify({
        username: pg.user,
        password: pg.password,
        host: pg.host,
        port: pg.port,
        engine: 'postgres',
      }),
    );
    workspace = mkdtempSync(path.join(os.tmpdir(), 'pr-env-scrub-ws-'));
    writeFileSync(
      path.join(workspace, 'scrub.sql'),
      readFileSync(path.join(ROOT, 'examples', 'scrub.sql')),
    );
    // A valid statement, then one that fails: in one transaction, neither is applied.
    writeFileSync(
      path.join(workspace, 'broken.sql'),
      "UPDATE users SET email = 'masked';\nUPDATE customers SET email = NULL;\n",
    );
  }, 60_000);
  afterAll(async () => {
    await world?.stop();
    pg?.stop();
  });

  const deploy = (
    pr: number,
    file: string,
    action: 'opened' | 'synchronize' = 'opened',
    head = sha(pr),
  ) =>
    runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent(action, { owner: OWNER, repo: REPO, number: pr, headSha: head }),
      inputs: { 'source-db-cluster': CLUSTER, 'template-bucket': TEMPLATES, 'scrub-sql': file },
      env: { GITHUB_WORKSPACE: workspace },
    });
  const changeSetAccess = (pr: number) =>
    world.aws.calls
      .filter((c) => c.action === 'CreateChangeSet' && c.params.StackName === stackOf(pr))
      .map((c) => {
        const parameters = (c.params.Parameters ?? []) as Array<Record<string, string>>;
        return parameters.find((p) => p.ParameterKey === 'DBAppAccess')?.ParameterValue;
      });
  const webRuleOf = (pr: number) => {
    const group = world.aws
      .stack(stackOf(pr))
      ?.resources.find((r) => r.logicalId === 'DBSecurityGroup');
    const rules = (group?.properties.SecurityGroupIngress ?? []) as Array<Record<string, unknown>>;
    const web = world.aws
      .stack(stackOf(pr))
      ?.resources.find((r) => r.logicalId === 'WebSecurityGroup');
    return rules.some((rule) => rule.SourceSecurityGroupId === web?.physicalId);
  };

  /** A PR comment, and the action's run for it (with the same inputs as the deploys). */
  async function say(pr: number, body: string, user: string) {
    const inputs = {
      'source-db-cluster': CLUSTER,
      'template-bucket': TEMPLATES,
      'scrub-sql': 'scrub.sql',
      deployment: 'false',
    };
    const said = await comment(world, {
      pr,
      body,
      user,
      inputs,
      env: { GITHUB_WORKSPACE: workspace },
    });
    return { run: said.run, reactions: said.reactions() };
  }

  it('masks the data before the web tier may reach it, and says so with the SQL’s SHA-256', async () => {
    pg.query(SCHEMA);
    const run = await deploy(301, 'scrub.sql');
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    expect(pg.query('SELECT id, email, full_name, phone FROM users ORDER BY id')).toBe(
      ['1|user-1@example.invalid|User 1|+15550000001', '2|user-2@example.invalid|User 2|'].join(
        '\n',
      ),
    );
    expect(pg.query("SELECT count(*) FROM users WHERE password_hash LIKE '%realhash%'")).toBe('0');
    expect(pg.query('SELECT provider_token IS NULL, card_last4 IS NULL FROM payment_methods')).toBe(
      't|t',
    );
    expect(pg.query('SELECT count(*) FROM sessions')).toBe('0');

    // Closed by the create, opened by a second, parameter-only update after the scrub passed.
    expect(changeSetAccess(301)).toEqual(['closed', 'open']);
    const stack = world.aws.stack(stackOf(301))!;
    const digest = createHash('sha256')
      .update(readFileSync(path.join(workspace, 'scrub.sql')))
      .digest('hex');
    expect(stack.parameters.DBAppAccess).toBe('open');
    expect(stack.parameters.DBScrubState).toMatch(
      new RegExp(`^passed sha256=${digest} at=\\S+ seconds=\\d+$`),
    );
    expect(webRuleOf(301)).toBe(true);
    // The command ran once, on the stack's bastion; the password never reached the log.
    const commands = world.aws.ssm.commands();
    expect(commands).toHaveLength(1);
    expect(commands[0]!.instanceId).toBe(stack.outputs.BastionInstanceId);
    expect(commands[0]!.status).toBe('Success');
    expect(run.stdout).not.toContain(pg.password);
    expect(commands[0]!.script).not.toContain(pg.password);
    expect(run.stdout).toContain('::group::Scrub: scrub.sql');
    const comment = world.gh.comments(OWNER, REPO, 301)[0]?.body ?? '';
    expect(comment).toContain(digest.slice(0, 12));
    expect(comment).toMatch(/Scrub.*scrubbed/);
    expect(run.summary).toContain(digest.slice(0, 12));
  }, 60_000);

  it('does not scrub again on a push that keeps the database', async () => {
    const before = world.aws.ssm.commands().length;
    pg.query("UPDATE users SET email = 'new-signup@real.example' WHERE id = 2");
    const run = await deploy(301, 'scrub.sql', 'synchronize', sha(3010));
    expect(errors(run)).toEqual([]);
    expect(world.aws.ssm.commands()).toHaveLength(before);
    expect(pg.query('SELECT email FROM users WHERE id = 2')).toBe('new-signup@real.example');
    expect(world.aws.stack(stackOf(301))!.parameters.DBAppAccess).toBe('open');
    expect(webRuleOf(301)).toBe(true);
  }, 60_000);

  it('fails on a SQL error with that error as the root cause, and keeps the web tier out', async () => {
    pg.query('UPDATE users SET email = $$kept@real.example$$ WHERE id = 1');
    const run = await deploy(302, 'broken.sql');
    expect(run.exitCode).toBe(1);
    const [error] = errors(run);
    expect(error).toMatch(/scrub "broken\.sql" failed/);
    expect(error).toMatch(/ERROR:\s+relation "customers" does not exist/);
    // One transaction: the first statement is not applied either.
    expect(pg.query('SELECT email FROM users WHERE id = 1')).toBe('kept@real.example');
    const stack = world.aws.stack(stackOf(302))!;
    expect(stack.parameters.DBAppAccess).toBe('closed');
    expect(stack.parameters.DBScrubState).toMatch(/^pending sha256=/);
    expect(webRuleOf(302)).toBe(false);
    const comment = world.gh.comments(OWNER, REPO, 302)[0]?.body ?? '';
    expect(comment).toContain('[!CAUTION]');
    expect(comment).toContain('relation "customers" does not exist');
    expect(comment).toContain('/pr-env scrub');

    // A push does not run it again: the environment stays cut off, and says so.
    const push = await deploy(302, 'broken.sql', 'synchronize', sha(3020));
    expect(push.exitCode).toBe(0);
    expect(
      world.aws.ssm.commands().filter((c) => c.instanceId === stack.outputs.BastionInstanceId),
    ).toHaveLength(1);
    expect(world.aws.stack(stackOf(302))!.parameters.DBAppAccess).toBe('closed');
    expect(world.gh.comments(OWNER, REPO, 302)[0]?.body ?? '').toContain('[!CAUTION]');
  }, 90_000);

  it('/pr-env scrub runs it again for write access only, and opens the database once it passes', async () => {
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: 302, headSha: sha(3020) });
    world.gh.setPermission(OWNER, REPO, 'alice', 'write');
    world.gh.setPermission(OWNER, REPO, 'bob', 'read');
    const bastion = world.aws.stack(stackOf(302))!.outputs.BastionInstanceId;
    const sent = () => world.aws.ssm.commands().filter((c) => c.instanceId === bastion).length;
    const before = sent();

    const refused = await say(302, '/pr-env scrub', 'bob');
    expect(refused.run.exitCode).toBe(0);
    expect(refused.reactions).toContain('-1');
    expect(sent()).toBe(before);

    // The fixed SQL (here: the sample) is what the workflow now names.
    const { run, reactions } = await say(302, 'Fixed the SQL.\n/pr-env scrub', 'alice');
    expect(errors(run)).toEqual([]);
    expect(reactions).toContain('+1');
    expect(sent()).toBe(before + 1);
    expect(pg.query('SELECT email FROM users WHERE id = 1')).toBe('user-1@example.invalid');
    expect(world.aws.stack(stackOf(302))!.parameters.DBAppAccess).toBe('open');
    expect(webRuleOf(302)).toBe(true);
    expect(world.gh.comments(OWNER, REPO, 302)[0]?.body ?? '').not.toContain('[!CAUTION]');
  }, 90_000);
});
