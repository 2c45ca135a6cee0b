import { execFile } from 'node:child_process';
import { appendFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createRunnerContext,
  inputEnv,
  parseFileCommands,
  pullRequestEvent,
  readOutputs,
  type RunnerContext,
} from '../fixtures/events.js';

const run = promisify(execFile);
const contexts: RunnerContext[] = [];
afterAll(() => Promise.all(contexts.map((c) => c.cleanup())));

/** What a JavaScript action sees, read by the real @actions/core and @actions/github. */
const probe = `
import * as core from '@actions/core';
import { context } from '@actions/github';
core.setOutput('token', core.getInput('github-token'));
core.setOutput('command', core.getInput('command', { required: true }));
core.setOutput('multi', 'line one\\nline two');
core.setOutput('json', { a: 1 });
core.summary.addRaw('## summary');
await core.summary.write();
console.log(JSON.stringify({
  eventName: context.eventName, sha: context.sha, ref: context.ref, repo: context.repo,
  issue: context.issue, runId: context.runId, apiUrl: context.apiUrl, serverUrl: context.serverUrl,
  actor: context.actor, pr: context.payload.pull_request?.number,
}));
`;

describe('runner fixtures', () => {
  it('names inputs as @actions/core reads them and fills action.yml defaults', () => {
    expect(inputEnv({ 'github-token': 't', 'pr number': '3' })).toEqual({
      'INPUT_GITHUB-TOKEN': 't',
      INPUT_PR_NUMBER: '3',
    });
    const env = inputEnv({ command: 'deploy' }, { actionYml: 'action.yml', githubToken: 'ghs_x' });
    expect(env).toMatchObject({
      'INPUT_GITHUB-TOKEN': 'ghs_x',
      INPUT_COMMAND: 'deploy',
      'INPUT_TIMEOUT-MINUTES': '60',
    });
    expect(env).not.toHaveProperty('INPUT_SOURCE-DB-CLUSTER'); // no default
  });

  it('gives a real action the event, env and inputs, and reads its outputs back', async () => {
    const payload = pullRequestEvent('opened', {
      owner: 'acme',
      repo: 'shop',
      number: 17,
      headSha: 'c'.repeat(40),
    });
    const ctx = await createRunnerContext({
      eventName: 'pull_request',
      payload,
      apiUrl: 'http://127.0.0.1:9',
      inputs: { 'github-token': 'ghs_token', command: 'auto' },
      env: { runId: 4242 },
    });
    contexts.push(ctx);
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
      env: { PATH: process.env.PATH, ...ctx.env },
      cwd: process.cwd(),
    });
    expect(JSON.parse(stdout)).toEqual({
      eventName: 'pull_request',
      sha: payload.pull_request.merge_commit_sha,
      ref: 'refs/pull/17/merge',
      repo: { owner: 'acme', repo: 'shop' },
      issue: { owner: 'acme', repo: 'shop', number: 17 },
      runId: 4242,
      apiUrl: 'http://127.0.0.1:9',
      serverUrl: 'https://github.com',
      actor: 'acme',
      pr: 17,
    });
    expect(ctx.env).toMatchObject({ GITHUB_HEAD_REF: 'feature-17', GITHUB_BASE_REF: 'main' });
    expect(await ctx.readOutputs()).toEqual({
      token: 'ghs_token',
      command: 'auto',
      multi: 'line one\nline two',
      json: '{"a":1}',
    });
    expect(await ctx.readSummary()).toContain('## summary');
  });

  it('parses the GITHUB_OUTPUT format as the runner does', async () => {
    expect(
      parseFileCommands(
        'a=1\nb<<EOF\nx=y\n\nz\nEOF\nc=with<<inside\n\nd<<ghadelimiter_1\nEOF\nghadelimiter_1\n',
      ),
    ).toEqual({ a: '1', b: 'x=y\n\nz', c: 'with<<inside', d: 'EOF' });
    expect(() => parseFileCommands('k<<END\nno end')).toThrow(/delimiter/);
    expect(() => parseFileCommands('nonsense')).toThrow(/Invalid format/);
    expect(await readOutputs('/nonexistent/output')).toEqual({});
    const ctx = await createRunnerContext({ eventName: 'push', payload: {}, apiUrl: 'http://x' });
    contexts.push(ctx);
    await appendFile(ctx.outputPath, 'later=wins\nlater=value\n');
    expect(await ctx.readOutputs()).toEqual({ later: 'value' });
  });
});
