import { describe, expect, it } from 'vitest';
import { splitRepository } from '../../../src/github/client.js';
import { upsertStickyComment } from '../../../src/report/comment.js';
import {
  createDeployment,
  deactivateEnvironment,
  setDeploymentStatus,
} from '../../../src/report/deployment.js';
import { COMMENT_MARKER } from '../../../src/report/markdown.js';
import { comment, fakeOctokit, httpError } from './fake-octokit.js';

const repo = { owner: 'acme', repo: 'shop' };
const BODY = `${COMMENT_MARKER}\n### ✅ pr-env: environment ready for #7\n`;

describe('upsertStickyComment', () => {
  it('edits the marker comment even when it is on a later page', async () => {
    const comments = Array.from({ length: 250 }, (_, i) => comment(i + 1, `comment ${i + 1}`));
    comments[229] = comment(230, `${COMMENT_MARKER}\nold report`, 'Bot');
    const { octokit, rest, paginate } = fakeOctokit({ comments });

    const ref = await upsertStickyComment(octokit, repo, 7, BODY);

    expect(ref).toEqual({
      id: 230,
      url: 'https://github.com/acme/shop/pull/7#issuecomment-230',
      created: false,
    });
    expect(rest.issues.updateComment).toHaveBeenCalledExactlyOnceWith({
      ...repo,
      comment_id: 230,
      body: BODY,
    });
    expect(rest.issues.createComment).not.toHaveBeenCalled();
    expect(paginate).toHaveBeenCalledWith(rest.issues.listComments, {
      ...repo,
      issue_number: 7,
      per_page: 100,
    });
    // 250 comments at 100 a page: three pages read.
    expect(rest.issues.listComments).toHaveBeenCalledTimes(3);
  });

  it("prefers a bot's comment over a user's that carries the marker too", async () => {
    const { octokit, rest } = fakeOctokit({
      comments: [
        comment(1, `quoting: ${COMMENT_MARKER}`, 'User'),
        comment(2, 'unrelated'),
        comment(3, `${COMMENT_MARKER}\nreport`, 'Bot'),
      ],
    });
    await expect(upsertStickyComment(octokit, repo, 7, BODY)).resolves.toMatchObject({
      id: 3,
      created: false,
    });
    expect(rest.issues.updateComment).toHaveBeenCalledExactlyOnceWith({
      ...repo,
      comment_id: 3,
      body: BODY,
    });
  });

  it('creates a comment when none carries the marker', async () => {
    const { octokit, rest } = fakeOctokit({
      comments: [comment(1, 'LGTM'), comment(2, '<!-- other-bot:sticky -->\nhi', 'Bot')],
    });
    const ref = await upsertStickyComment(octokit, repo, 7, BODY);
    expect(ref.created).toBe(true);
    expect(rest.issues.updateComment).not.toHaveBeenCalled();
    expect(rest.issues.createComment).toHaveBeenCalledExactlyOnceWith({
      ...repo,
      issue_number: 7,
      body: BODY,
    });
  });

  it.each([403, 404])(
    'creates a new comment when the marked one cannot be edited (%i)',
    async (status) => {
      const { octokit, rest } = fakeOctokit({
        comments: [comment(5, `${COMMENT_MARKER} pasted by a user`)],
      });
      rest.issues.updateComment.mockRejectedValueOnce(httpError(status));
      const ref = await upsertStickyComment(octokit, repo, 7, BODY);
      expect(ref.created).toBe(true);
      expect(ref.id).not.toBe(5);
      expect(rest.issues.updateComment).toHaveBeenCalledOnce();
      expect(rest.issues.createComment).toHaveBeenCalledOnce();
    },
  );

  it('lets other errors through without creating a duplicate', async () => {
    const { octokit, rest } = fakeOctokit({ comments: [comment(5, `${COMMENT_MARKER}`, 'Bot')] });
    rest.issues.updateComment.mockRejectedValueOnce(httpError(500, 'Server Error'));
    await expect(upsertStickyComment(octokit, repo, 7, BODY)).rejects.toThrow('Server Error');
    expect(rest.issues.createComment).not.toHaveBeenCalled();
  });
});

describe('deployments', () => {
  it('creates a transient, non-production deployment of the ref, without merging or status checks', async () => {
    const { octokit, rest } = fakeOctokit();
    rest.repos.createDeployment.mockResolvedValueOnce({ data: { id: 321 } });
    const id = await createDeployment(octokit, repo, {
      ref: 'a'.repeat(40),
      environment: 'pr-7',
      description: 'd'.repeat(300),
    });
    expect(id).toBe(321);
    expect(rest.repos.createDeployment).toHaveBeenCalledExactlyOnceWith({
      ...repo,
      ref: 'a'.repeat(40),
      environment: 'pr-7',
      description: 'd'.repeat(140),
      transient_environment: true,
      production_environment: false,
      auto_merge: false,
      required_contexts: [],
    });
  });

  it('fails when GitHub answers with a message instead of a deployment', async () => {
    const { octokit, rest } = fakeOctokit();
    rest.repos.createDeployment.mockResolvedValueOnce({
      data: { message: 'Auto-merged main into topic' },
    });
    await expect(
      createDeployment(octokit, repo, { ref: 'x', environment: 'pr-7', description: '' }),
    ).rejects.toThrow('GitHub did not create the deployment: Auto-merged main into topic');
  });

  it('sets a status with URLs, a short description and auto_inactive', async () => {
    const { octokit, rest } = fakeOctokit();
    await setDeploymentStatus(octokit, repo, 321, {
      state: 'success',
      environmentUrl: 'https://pr-7.example.com',
      logUrl: 'https://github.com/acme/shop/actions/runs/1',
      description: 'x'.repeat(200),
    });
    expect(rest.repos.createDeploymentStatus).toHaveBeenCalledExactlyOnceWith({
      ...repo,
      deployment_id: 321,
      state: 'success',
      environment_url: 'https://pr-7.example.com',
      log_url: 'https://github.com/acme/shop/actions/runs/1',
      description: 'x'.repeat(140),
      auto_inactive: true,
    });
  });

  it('marks every deployment of the environment inactive, across pages', async () => {
    const deployments = [
      ...Array.from({ length: 130 }, (_, i) => ({ id: i + 1, environment: 'pr-7' })),
      { id: 999, environment: 'pr-8' },
    ];
    const { octokit, rest, paginate } = fakeOctokit({ deployments });
    const count = await deactivateEnvironment(octokit, repo, 'pr-7', 'https://run');
    expect(count).toBe(130);
    expect(paginate).toHaveBeenCalledWith(rest.repos.listDeployments, {
      ...repo,
      environment: 'pr-7',
      per_page: 100,
    });
    expect(rest.repos.listDeployments).toHaveBeenCalledTimes(2);
    const statuses = rest.repos.createDeploymentStatus.mock.calls.map(([p]) => p);
    expect(statuses).toHaveLength(130);
    expect(new Set(statuses.map((s) => s.deployment_id)).has(999)).toBe(false);
    expect(statuses[0]).toMatchObject({
      state: 'inactive',
      log_url: 'https://run',
      description: 'Environment destroyed',
    });
  });

  it('has nothing to mark inactive for an environment never deployed', async () => {
    const { octokit, rest } = fakeOctokit();
    await expect(deactivateEnvironment(octokit, repo, 'pr-7')).resolves.toBe(0);
    expect(rest.repos.createDeploymentStatus).not.toHaveBeenCalled();
  });
});

describe('splitRepository', () => {
  it('splits owner/repo', () => {
    expect(splitRepository('acme/shop')).toEqual({ owner: 'acme', repo: 'shop' });
    expect(splitRepository('nonsense')).toEqual({ owner: 'nonsense', repo: '' });
  });
});
