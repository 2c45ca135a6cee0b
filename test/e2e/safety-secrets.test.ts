// Issue 4, item 8: whatever is secret-like is masked before it can reach the log, and the PR
// comment (which the runner does not mask) never carries a credential or the DB password.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  OWNER,
  REPO,
  TOKEN,
  errors,
  runAction,
  sha,
  startWorld,
  type ActionRun,
  type World,
} from './harness.js';

const PASSWORD = 'Pa55-word-7f3a9c';
const PIN = '90417-pin';
const CACHE_KEY = 'r3dis-k3y-51c0';

// A template that takes a database password and hands out secrets among its outputs.
const TEMPLATE = `
Parameters:
  EnvironmentName: { Type: String }
  AppVersion: { Type: String }
  DBPassword: { Type: String, NoEcho: true }
  AdminPin: { Type: String, NoEcho: true }
Resources:
  Version:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: !Ref AppVersion }
Outputs:
  EnvironmentUrl:
    Value: !Sub 'https://\${EnvironmentName}.example.test'
  ApiToken:
    Value: !Sub 'tok-\${AdminPin}-\${AppVersion}'
  DatabaseUrl:
    Value: !Sub 'postgres://app:\${DBPassword}@db.example.test:5432/app'
  CacheUrl:
    Value: 'redis://default:${CACHE_KEY}@cache.example.test:6379'
`;

let world: World;
let run: ActionRun;
const API_TOKEN = `tok-${PIN}-${sha(601)}`;

beforeAll(async () => {
  world = await startWorld();
  const template = path.join(mkdtempSync(path.join(tmpdir(), 'pr-env-secrets-')), 'app.yml');
  writeFileSync(template, TEMPLATE);
  run = await runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', {
      owner: OWNER,
      repo: REPO,
      number: 601,
      headSha: sha(601),
    }),
    inputs: {
      template,
      deployment: 'false',
      // Named like a secret, and NoEcho without the name: both are masked.
      parameters: `DBPassword=${PASSWORD}\nAdminPin=${PIN}`,
    },
  });
});
afterAll(async () => world?.stop());

/** Where the runner is told to mask `value`, or -1. */
const maskedAt = (value: string) => run.stdout.indexOf(`::add-mask::${value}\n`);

describe('secrets', () => {
  it('deploys', () => {
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('create');
  });

  it('masks the token, secret parameters and secret outputs before anything else prints them', () => {
    for (const secret of [TOKEN, PASSWORD, PIN, API_TOKEN, CACHE_KEY]) {
      const at = maskedAt(secret);
      expect(at, secret).toBeGreaterThanOrEqual(0);
      const firstUse = run.stdout.replace(`::add-mask::${secret}\n`, '').indexOf(secret);
      expect(firstUse === -1 || firstUse >= at, secret).toBe(true);
    }
  });

  it('masks the password of a URL among the outputs', () => {
    expect(maskedAt(CACHE_KEY)).toBeGreaterThanOrEqual(0);
  });

  const SECRETS = [TOKEN, PASSWORD, PIN, API_TOKEN, CACHE_KEY];

  it('keeps secret-named outputs and passwords out of the job summary', () => {
    expect(run.summary).toContain('https://pr-env-shop-pr-601.example.test');
    for (const secret of SECRETS) expect(run.summary).not.toContain(secret);
    expect(run.summary).not.toContain('ApiToken');
    expect(run.summary).toContain('postgres://app:***@db.example.test:5432/app');
  });

  // The runner masks the log, but nothing masks a PR comment.
  it('keeps secret-named outputs and passwords out of the PR comment', () => {
    const [comment] = world.gh.comments(OWNER, REPO, 601);
    expect(comment?.body).toContain('https://pr-env-shop-pr-601.example.test');
    expect(comment?.body).not.toContain('ApiToken');
    for (const secret of SECRETS) expect(comment?.body).not.toContain(secret);
  });
});
