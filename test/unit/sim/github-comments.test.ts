import { RequestError } from '@octokit/request-error';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubFake } from '../../sim/github/index.js';
import { testOctokit } from '../../sim/github/octokit.js';

const owner = 'acme';
const repo = 'shop';
const sha = 'a'.repeat(40);

describe('GitHubFake: issue comments through a real Octokit', () => {
  let gh: GitHubFake;
  let octokit: ReturnType<typeof testOctokit>;

  beforeAll(async () => {
    gh = await GitHubFake.start();
    octokit = testOctokit(gh);
  });
  afterAll(() => gh.stop());
  beforeEach(() => {
    gh.reset();
    gh.addPullRequest({ owner, repo, number: 7, headSha: sha });
  });

  it('paginates 250 comments with Link headers and octokit.paginate finds the marker', async () => {
    for (let i = 0; i < 250; i++)
      gh.addComment({ owner, repo, issue: 7, body: `comment ${i}`, user: `user${i % 3}` });
    const target = gh.addComment({ owner, repo, issue: 7, body: '<!-- pr-env -->\nstatus' });

    const all = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: 7,
      per_page: 100,
    });
    expect(all).toHaveLength(251);
    expect(all.map((c) => c.body)).toEqual([
      ...Array.from({ length: 250 }, (_, i) => `comment ${i}`),
      target.body,
    ]);
    const mine = all.find((c) => c.body?.startsWith('<!-- pr-env -->'));
    expect(mine?.id).toBe(target.id);
    expect(mine?.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' });
    expect(all[0]?.user).toMatchObject({ login: 'user0', type: 'User' });

    const pages = gh.requests('GET', /\/issues\/7\/comments$/);
    expect(pages.map((c) => c.query.page ?? '1')).toEqual(['1', '2', '3']);
  });

  it('answers Link rel=next/last/prev/first and GitHub page-size rules', async () => {
    for (let i = 0; i < 65; i++) gh.addComment({ owner, repo, issue: 7, body: `c${i}` });
    const first = await octokit.rest.issues.listComments({ owner, repo, issue_number: 7 });
    expect(first.data).toHaveLength(30); // default per_page
    expect(first.headers.link).toBe(
      `<${gh.url}/repos/${owner}/${repo}/issues/7/comments?per_page=30&page=2>; rel="next", ` +
        `<${gh.url}/repos/${owner}/${repo}/issues/7/comments?per_page=30&page=3>; rel="last"`,
    );
    const mid = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 7,
      page: 2,
    });
    expect(mid.headers.link).toMatch(
      /page=1>; rel="prev", .*page=3>; rel="next", .*rel="last", .*page=1>; rel="first"/,
    );
    const big = await octokit.rest.issues.listComments({
      owner,
      repo,
      issue_number: 7,
      per_page: 500,
    });
    expect(big.data).toHaveLength(65); // capped at 100, so one page
    expect(big.headers.link).toBeUndefined();
    // GitHub's own Link URLs use /repositories/{id}/…; the fake resolves those too.
    const { data: r } = await octokit.rest.repos.get({ owner, repo });
    const byId = await octokit.request(`GET /repositories/${r.id}/issues/7/comments?page=3`);
    expect(byId.data).toHaveLength(5);
  });

  it('creates, reads, edits and deletes a comment as github-actions[bot]', async () => {
    const created = await octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 7,
      body: 'hello',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      body: 'hello',
      user: { login: 'github-actions[bot]', type: 'Bot', id: 41898282 },
      html_url: `https://github.com/${owner}/${repo}/pull/7#issuecomment-${created.data.id}`,
      issue_url: `${gh.url}/repos/${owner}/${repo}/issues/7`,
      performed_via_github_app: { slug: 'github-actions' },
    });
    expect(created.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(typeof created.data.node_id).toBe('string');

    const edited = await octokit.rest.issues.updateComment({
      owner,
      repo,
      comment_id: created.data.id,
      body: 'edited',
    });
    expect(edited.data.body).toBe('edited');
    const got = await octokit.rest.issues.getComment({ owner, repo, comment_id: created.data.id });
    expect(got.data.body).toBe('edited');
    expect(gh.comments(owner, repo, 7).map((c) => c.body)).toEqual(['edited']);

    await octokit.rest.issues.deleteComment({ owner, repo, comment_id: created.data.id });
    expect(gh.comments(owner, repo, 7)).toEqual([]);
    await expect(
      octokit.rest.issues.getComment({ owner, repo, comment_id: created.data.id }),
    ).rejects.toMatchObject({ status: 404, message: expect.stringContaining('Not Found') });
  });

  it('validates bodies as GitHub does', async () => {
    const tooLong = octokit.rest.issues.createComment({
      owner,
      repo,
      issue_number: 7,
      body: 'x'.repeat(65_537),
    });
    await expect(tooLong).rejects.toBeInstanceOf(RequestError);
    await expect(tooLong).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed', errors: [{ field: 'body' }] } },
    });
    const noBody = octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      owner,
      repo,
      issue_number: 7,
      body: undefined as unknown as string,
    });
    await expect(noBody).rejects.toMatchObject({ status: 422 });
  });

  it('adds and lists reactions, once per user and content', async () => {
    const c = gh.addComment({ owner, repo, issue: 7, body: '/deploy', user: 'alice' });
    const r1 = await octokit.rest.reactions.createForIssueComment({
      owner,
      repo,
      comment_id: c.id,
      content: 'rocket',
    });
    expect(r1.status).toBe(201);
    expect(r1.data).toMatchObject({ content: 'rocket', user: { login: 'github-actions[bot]' } });
    const again = await octokit.rest.reactions.createForIssueComment({
      owner,
      repo,
      comment_id: c.id,
      content: 'rocket',
    });
    expect(again.status).toBe(200);
    expect(again.data.id).toBe(r1.data.id);
    await octokit.rest.reactions.createForIssueComment({
      owner,
      repo,
      comment_id: c.id,
      content: 'eyes',
    });

    const list = await octokit.rest.reactions.listForIssueComment({
      owner,
      repo,
      comment_id: c.id,
    });
    expect(list.data.map((r) => r.content)).toEqual(['rocket', 'eyes']);
    expect(gh.reactions(c.id).map((r) => r.content)).toEqual(['rocket', 'eyes']);
    const comment = await octokit.rest.issues.getComment({ owner, repo, comment_id: c.id });
    expect(comment.data.reactions).toMatchObject({ total_count: 2, rocket: 1, eyes: 1, '+1': 0 });
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
        owner,
        repo,
        comment_id: c.id,
        content: 'party' as 'eyes',
      }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('requires authentication and answers unknown routes with 404', async () => {
    const anon = await fetch(`${gh.url}/repos/${owner}/${repo}/pulls/7`);
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ message: 'Requires authentication' });
    await expect(
      octokit.request('GET /repos/{owner}/{repo}/nothing', { owner, repo }),
    ).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
  });
});

describe('GitHubFake options', () => {
  it('restricts tokens, maps identities and can 404 comments on unknown issues', async () => {
    const gh = await GitHubFake.start({
      tokens: ['good', 'pat'],
      strictIssues: true,
      now: () => new Date('2024-05-01T10:00:00.123Z'),
    });
    try {
      gh.setTokenIdentity('pat', 'alice');
      await expect(
        testOctokit(gh, { token: 'bad' }).rest.pulls.list({ owner, repo }),
      ).rejects.toMatchObject({ status: 401, message: expect.stringContaining('Bad credentials') });
      gh.addPullRequest({ owner, repo, number: 1, headSha: sha });
      const c = await testOctokit(gh, { token: 'pat' }).rest.issues.createComment({
        owner,
        repo,
        issue_number: 1,
        body: 'hi',
      });
      expect(c.data).toMatchObject({
        user: { login: 'alice', type: 'User' },
        created_at: '2024-05-01T10:00:00Z',
      });
      await expect(
        testOctokit(gh, { token: 'good' }).rest.issues.createComment({
          owner,
          repo,
          issue_number: 2,
          body: 'hi',
        }),
      ).rejects.toMatchObject({ status: 404 });
    } finally {
      await gh.stop();
    }
  });
});
