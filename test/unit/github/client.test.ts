import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../../src/github/client.js';

// The writes a run makes when its stack settles reach GitHub back to back: plugin-throttling's
// default pacing (1 s between writes, 3 s between comment-creating ones) would hold them.
describe('createOctokit', () => {
  let server: Server;
  let arrivals: { method: string; url: string; at: number }[];
  let limitOnce: boolean;

  beforeEach(() => {
    arrivals = [];
    limitOnce = false;
  });

  // One server for the file: @actions/github reads GITHUB_API_URL once, when it is first loaded.
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        arrivals.push({ method: req.method ?? '', url: req.url ?? '', at: Date.now() });
        if (limitOnce) {
          limitOnce = false;
          res.writeHead(403, { 'content-type': 'application/json', 'retry-after': '1' });
          res.end(JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }));
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: arrivals.length }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.GITHUB_API_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    delete process.env.GITHUB_API_URL;
    await new Promise((resolve) => server.close(resolve));
  });

  const octokit = () => createOctokit('token');

  it('sends a run’s writes back to back, not a second (or three) apart', async () => {
    const github = await octokit();
    const repo = { owner: 'acme', repo: 'shop' };
    await github.rest.issues.createComment({ ...repo, issue_number: 7, body: 'one' });
    await github.rest.issues.createComment({ ...repo, issue_number: 8, body: 'two' });
    await github.rest.repos.createDeploymentStatus({ ...repo, deployment_id: 1, state: 'success' });
    await github.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: 1,
      state: 'inactive',
    });
    expect(arrivals.map((a) => a.method)).toEqual(['POST', 'POST', 'POST', 'POST']);
    const gaps = arrivals.slice(1).map((a, i) => a.at - (arrivals[i]?.at ?? 0));
    // The default pacing would put each of these at least 1000 ms apart.
    for (const gap of gaps) expect(gap).toBeLessThan(500);
  });

  it('still waits out a secondary rate limit through retry-after', async () => {
    const github = await octokit();
    limitOnce = true;
    const started = Date.now();
    await github.rest.issues.createComment({
      owner: 'acme',
      repo: 'shop',
      issue_number: 7,
      body: 'x',
    });
    expect(arrivals).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});
