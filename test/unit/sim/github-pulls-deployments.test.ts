import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHubFake } from '../../sim/github/index.js';
import { testOctokit } from '../../sim/github/octokit.js';

const owner = 'acme';
const repo = 'shop';
const sha = (c: string) => c.repeat(40);

describe('GitHubFake: pull requests, permissions, deployments', () => {
  let gh: GitHubFake;
  let octokit: ReturnType<typeof testOctokit>;

  beforeAll(async () => {
    gh = await GitHubFake.start();
    octokit = testOctokit(gh);
  });
  afterAll(() => gh.stop());
  beforeEach(() => gh.reset());

  it('serves a pull request with head, base, labels and merge state', async () => {
    gh.addPullRequest({
      owner,
      repo,
      number: 12,
      headSha: sha('b'),
      headRef: 'feat/x',
      labels: ['preview'],
      fork: true,
      forkOwner: 'mallory',
    });
    const { data: pr } = await octokit.rest.pulls.get({ owner, repo, pull_number: 12 });
    expect(pr).toMatchObject({
      number: 12,
      state: 'open',
      merged: false,
      html_url: `https://github.com/${owner}/${repo}/pull/12`,
      user: { login: 'mallory', type: 'User' },
      labels: [{ name: 'preview' }],
      head: { sha: sha('b'), ref: 'feat/x', repo: { full_name: `mallory/${repo}`, fork: true } },
      base: { ref: 'main', repo: { full_name: `${owner}/${repo}`, fork: false } },
    });
    expect(pr.base.sha).toMatch(/^[0-9a-f]{40}$/);

    gh.setPullRequestState(owner, repo, 12, 'merged');
    const { data: merged } = await octokit.rest.pulls.get({ owner, repo, pull_number: 12 });
    expect(merged).toMatchObject({ state: 'closed', merged: true });
    expect(merged.merged_at).not.toBeNull();
    await expect(octokit.rest.pulls.get({ owner, repo, pull_number: 13 })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('lists pull requests by state, newest first, paginated', async () => {
    for (let n = 1; n <= 45; n++) gh.addPullRequest({ owner, repo, number: n, headSha: sha('c') });
    gh.setPullRequestState(owner, repo, 3, 'closed');
    const open = await octokit.paginate(octokit.rest.pulls.list, { owner, repo, per_page: 20 });
    expect(open).toHaveLength(44);
    expect(open[0]?.number).toBe(45);
    expect(open.some((p) => p.number === 3)).toBe(false);
    expect(open[0]).not.toHaveProperty('merged'); // the list shape has no `merged`
    const closed = await octokit.rest.pulls.list({ owner, repo, state: 'closed' });
    expect(closed.data.map((p) => p.number)).toEqual([3]);
    expect(gh.requests('GET', /\/pulls$/).length).toBe(4);
  });

  it('answers collaborator permission with the legacy permission and role_name', async () => {
    gh.setPermission(owner, repo, 'maint', 'maintain');
    gh.setPermission(owner, repo, 'writer', 'write');
    const get = (username: string) =>
      octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    expect((await get('writer')).data).toMatchObject({
      permission: 'write',
      role_name: 'write',
      user: { login: 'writer', permissions: { push: true, admin: false } },
    });
    expect((await get('maint')).data).toMatchObject({ permission: 'write', role_name: 'maintain' });
    expect((await get(owner)).data).toMatchObject({ permission: 'admin' });
    expect((await get('stranger')).data).toMatchObject({ permission: 'read' }); // public repo
    gh.addRepository({ owner, repo, private: true });
    expect((await get('stranger')).data).toMatchObject({ permission: 'none' });
  });

  it('creates deployments and statuses, lists and deletes them as GitHub does', async () => {
    gh.addPullRequest({ owner, repo, number: 5, headSha: sha('d'), headRef: 'feat/db' });
    const create = (environment: string) =>
      octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'feat/db',
        environment,
        transient_environment: true,
        production_environment: false,
        auto_merge: false,
        required_contexts: [],
        description: 'pr-env',
        payload: { stack: 'pr-env-shop-pr-5' },
      });
    const d1 = await create('pr-5');
    expect(d1.status).toBe(201);
    if (d1.status !== 201) throw new Error('unreachable');
    expect(d1.data).toMatchObject({
      ref: 'feat/db',
      sha: sha('d'),
      environment: 'pr-5',
      transient_environment: true,
      production_environment: false,
      payload: { stack: 'pr-env-shop-pr-5' },
      creator: { login: 'github-actions[bot]' },
    });

    const st = await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: d1.data.id,
      state: 'success',
      environment_url: 'https://pr-5.example.com',
      log_url: 'https://github.com/acme/shop/actions/runs/1',
      description: 'Deployed',
      auto_inactive: true,
    });
    expect(st.status).toBe(201);
    expect(st.data).toMatchObject({
      state: 'success',
      environment_url: 'https://pr-5.example.com',
      target_url: 'https://github.com/acme/shop/actions/runs/1',
      environment: 'pr-5',
    });

    const listed = await octokit.rest.repos.listDeployments({ owner, repo, environment: 'pr-5' });
    expect(listed.data.map((d) => d.id)).toEqual([d1.data.id]);
    const statuses = await octokit.rest.repos.listDeploymentStatuses({
      owner,
      repo,
      deployment_id: d1.data.id,
    });
    expect(statuses.data.map((s) => s.state)).toEqual(['success']);
    expect(gh.deployments(owner, repo)[0]?.statuses.map((s) => s.state)).toEqual(['success']);

    // An active deployment can be deleted only if it is the environment's only one.
    const d2 = await create('pr-5');
    if (d2.status !== 201) throw new Error('unreachable');
    await expect(
      octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: d1.data.id }),
    ).rejects.toMatchObject({ status: 422 });
    await octokit.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: d1.data.id,
      state: 'inactive',
    });
    await octokit.rest.repos.deleteDeployment({ owner, repo, deployment_id: d1.data.id });
    expect(gh.deployments(owner, repo).map((d) => d.id)).toEqual([d2.data.id]);
  });

  it('marks prior successful non-transient deployments inactive (auto_inactive)', async () => {
    const deploy = async () => {
      const d = await octokit.rest.repos.createDeployment({
        owner,
        repo,
        ref: 'main',
        environment: 'staging',
        required_contexts: [],
      });
      if (d.status !== 201) throw new Error('expected 201');
      await octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: d.data.id,
        state: 'success',
      });
      return d.data.id;
    };
    await deploy();
    await deploy();
    const [first, second] = gh.deployments(owner, repo);
    expect(first?.statuses.map((s) => s.state)).toEqual(['success', 'inactive']);
    expect(second?.statuses.map((s) => s.state)).toEqual(['success']);
    await expect(
      octokit.rest.repos.createDeploymentStatus({
        owner,
        repo,
        deployment_id: second!.id,
        state: 'success',
        description: 'x'.repeat(141),
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
