/**
 * notify-webhook-url through the bundled action: a webhook server on 127.0.0.1 receives one
 * message per change of state in Slack's format, a failure with its root cause; a webhook that
 * answers 500 is a warning after one retry and never fails the deploy; the URL never reaches the
 * log.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pullRequestEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  errors,
  warnings,
  runAction,
  sha,
  stackOf,
  startWorld,
  type World,
} from './harness.js';

interface Received {
  path: string;
  contentType?: string;
  body: { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
}

let world: World;
let server: Server;
let hookUrl: string;
let received: Received[] = [];
let answerWith = 200;

beforeAll(async () => {
  world = await startWorld();
  world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-12-02-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(answerWith, { 'content-type': 'text/plain' });
      res.end(answerWith === 200 ? 'ok' : 'internal_error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/s3cr3t-hook-token`;
});
afterAll(async () => {
  await world?.stop();
  await new Promise((resolve) => server?.close(resolve));
});
beforeEach(() => {
  received = [];
  answerWith = 200;
});

const open = (pr: number) =>
  runAction(world, {
    eventName: 'pull_request_target',
    payload: pullRequestEvent('opened', {
      owner: OWNER,
      repo: REPO,
      number: pr,
      headSha: sha(pr),
      title: `Checkout for PR ${pr}`,
    }),
    inputs: { 'source-db-cluster': CLUSTER, 'notify-webhook-url': hookUrl },
  });
/** The log as the runner shows it: the mask command itself is consumed, not shown. */
const shown = (run: { stdout: string }) =>
  run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');

describe('notify-webhook-url', () => {
  it('posts one "ready" message for a create, with the PR, its title and the URL', async () => {
    const run = await open(61);
    expect(errors(run)).toEqual([]);
    expect(run.outputs.operation).toBe('create');
    expect(received).toHaveLength(1);
    const [message] = received;
    expect(message!.path).toBe('/services/T000/B000/s3cr3t-hook-token');
    expect(message!.contentType).toBe('application/json');
    expect(message!.body.text).toBe(`${OWNER}/${REPO}#61: Checkout for PR 61: environment ready`);
    const block = message!.body.blocks[0]!.text!.text;
    expect(block).toContain(`|${OWNER}/${REPO}#61>*: Checkout for PR 61`);
    expect(block).toContain(`(\`${stackOf(61)}\`)`);
    expect(block).toContain(run.outputs['environment-url']);
    // The URL is a credential: masked before anything could print it, and never printed.
    expect(run.stdout).toContain(`::add-mask::${hookUrl}`);
    expect(shown(run)).not.toContain('s3cr3t-hook-token');

    // A push that only updates the environment changes no state: no message.
    const push = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: 61,
        headSha: sha(1061),
      }),
      inputs: { 'source-db-cluster': CLUSTER, 'notify-webhook-url': hookUrl },
    });
    expect(errors(push)).toEqual([]);
    expect(received).toHaveLength(1);
  }, 60_000);

  it('posts one "failed" message for a failed create, with its root cause', async () => {
    const reason = 'Received 0 SUCCESS signal(s) out of 1';
    world.aws.failResource('AutoScalingGroup', reason, { stack: stackOf(62), operation: 'create' });
    const run = await open(62);
    expect(run.exitCode).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.body.text).toContain('#62: Checkout for PR 62: environment failed');
    expect(received[0]!.body.blocks[0]!.text!.text).toContain(
      `> AutoScalingGroup (AWS::AutoScaling::AutoScalingGroup) CREATE_FAILED: ${reason}`,
    );
  }, 60_000);

  it('warns when the webhook answers 500, after one retry, and the deploy still succeeds', async () => {
    answerWith = 500;
    const run = await open(63);
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe('CREATE_COMPLETE');
    expect(received).toHaveLength(2);
    expect(warnings(run)).toEqual([
      '::warning::notify-webhook-url: the ready message was refused with HTTP 500 (internal_error), after one retry',
    ]);
  }, 60_000);

  it('refuses a plain-http URL to another host before anything is created, without printing it', async () => {
    const before = world.aws.mutatingCalls().length;
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('opened', {
        owner: OWNER,
        repo: REPO,
        number: 64,
        headSha: sha(64),
      }),
      inputs: {
        'source-db-cluster': CLUSTER,
        'notify-webhook-url': 'http://hooks.example.com/services/s3cr3t-hook-token',
      },
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).join('\n')).toContain(
      '"notify-webhook-url" uses http: expected an https URL (http only to 127.0.0.1, localhost or [::1])',
    );
    expect(shown(run)).not.toContain('s3cr3t-hook-token');
    expect(world.aws.mutatingCalls().slice(before)).toEqual([]);
  }, 60_000);
});
