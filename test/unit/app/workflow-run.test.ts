/**
 * workflow_run: reading the payload, finding the PR a build ran for (from `pull_requests`, else
 * by its head SHA among the open PRs, as for forks), and what pr-env then does.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { toEventInfo, type EventInfo } from '../../../src/github/event.js';
import { toWorkflowRunInfo } from '../../../src/github/workflow-run-event.js';
import { findRunPullRequest, withRunPullRequest } from '../../../src/github/workflow-run.js';
import { decideIntent, type IntentOptions } from '../../../src/intent.js';
import { skipNote } from '../../../src/run/skip.js';
import { workflowRunEvent, type WorkflowRunEventOptions } from '../../fixtures/events.js';
import { GitHubFake, testOctokit } from '../../sim/github/index.js';

const OWNER = 'octo-org';
const REPO = 'shop';
const REPOSITORY = `${OWNER}/${REPO}`;
const HEAD = 'a'.repeat(40);
const NEWER = 'b'.repeat(40);
const repo = { owner: OWNER, repo: REPO };

let gh: GitHubFake;
beforeAll(async () => {
  gh = await GitHubFake.start();
});
afterAll(async () => gh?.stop());
beforeEach(() => gh.reset());

const event = (o: Partial<WorkflowRunEventOptions> = {}): EventInfo =>
  toEventInfo(
    'workflow_run',
    workflowRunEvent({ owner: OWNER, repo: REPO, runId: 555, headSha: HEAD, ...o }),
    REPOSITORY,
  );
const lookup = (e: EventInfo) => withRunPullRequest(e, async () => testOctokit(gh), repo);
const auto: IntentOptions = { command: 'auto', allowForks: false };

describe('the workflow_run payload', () => {
  it('gives the run, its commit, its conclusion and the PRs of this repository it names', () => {
    const run = event({ pullRequests: [7], conclusion: 'failure' }).workflowRun!;
    expect(run).toMatchObject({
      id: 555,
      headSha: HEAD,
      conclusion: 'failure',
      headRepository: REPOSITORY,
      pullRequests: [7],
    });
    expect(run.htmlUrl).toMatch(/\/actions\/runs\/555$/);
    // The attacker-chosen branch name is not even read.
    expect(JSON.stringify(event({ headBranch: '$(evil)' }).workflowRun)).not.toContain('evil');
  });

  it('ignores PRs of another repository, or of another commit, in pull_requests', () => {
    const raw = workflowRunEvent({
      owner: OWNER,
      repo: REPO,
      runId: 1,
      headSha: HEAD,
      pullRequests: [3, 4],
    });
    type RunPullRequest = { base: { repo: { url: string } }; head: { sha: string } };
    const prs = raw.workflow_run.pull_requests as unknown as RunPullRequest[];
    prs[0]!.base.repo.url = 'https://api.github.com/repos/someone/else';
    prs[1]!.head.sha = NEWER;
    expect(toWorkflowRunInfo(raw.workflow_run, REPOSITORY)?.pullRequests).toEqual([]);
  });

  it('is nothing pr-env can use without a run id and a full commit SHA', () => {
    expect(toWorkflowRunInfo({ id: 1, head_sha: 'main' }, REPOSITORY)).toBeUndefined();
    expect(toWorkflowRunInfo({ head_sha: HEAD }, REPOSITORY)).toBeUndefined();
  });
});

describe('finding the PR a build ran for', () => {
  it('from pull_requests: the PR as it is now, without listing every open PR', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, headSha: HEAD, labels: ['preview'] });
    const found = await lookup(event({ pullRequests: [7] }));
    expect(found.pullRequest).toMatchObject({ number: 7, headSha: HEAD, labels: ['preview'] });
    expect(gh.requests('GET').map((c) => c.path)).toEqual([`/repos/${REPOSITORY}/pulls/7`]);
  });

  it('without pull_requests (always so for forks): the open PR whose head is the run’s commit', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 8, headSha: NEWER });
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 9, headSha: HEAD, fork: true });
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 10, headSha: HEAD, state: 'closed' });
    const found = await lookup(event({ fork: true }));
    expect(found.pullRequest).toMatchObject({
      number: 9,
      headRepository: `fork-owner/${REPO}`,
      baseRepository: REPOSITORY,
    });
    expect(gh.requests('GET', `/repos/${REPOSITORY}/pulls`)[0]?.query).toMatchObject({
      state: 'open',
    });
  });

  it('none: no open PR has the commit (closed, or pushed to since)', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 8, headSha: NEWER });
    expect((await lookup(event())).pullRequest).toBeUndefined();
    const pr = await findRunPullRequest(testOctokit(gh), repo, event().workflowRun!);
    expect(pr).toBeUndefined();
  });

  it('a run still in progress is not looked up at all', async () => {
    const e = event({ action: 'requested' });
    expect(await lookup(e)).toBe(e);
    expect(gh.calls).toEqual([]);
  });
});

describe('what a finished build run does', () => {
  it('success, PR head unchanged: deploys that PR at that commit', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, headSha: HEAD });
    const intent = decideIntent(await lookup(event({ pullRequests: [7] })), auto);
    expect(intent).toMatchObject({ kind: 'deploy', prNumber: 7, pullRequest: { headSha: HEAD } });
  });

  it('any other conclusion: skips, and the comment says the build did not succeed', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, headSha: HEAD });
    for (const conclusion of ['failure', 'cancelled', 'timed_out'] as const) {
      const intent = decideIntent(await lookup(event({ pullRequests: [7], conclusion })), auto);
      expect(intent).toMatchObject({ kind: 'skip', because: 'build', prNumber: 7 });
      if (intent.kind !== 'skip') throw new Error('not a skip');
      expect(intent.reason).toContain(`concluded ${conclusion}`);
      expect(skipNote(intent)).toContain('the build did not succeed');
      expect(skipNote(intent)).toMatch(
        /\[the run\]\(https:\/\/github\.com\/.+\/actions\/runs\/555\)/,
      );
    }
  });

  it('the head moved on since the build: skips without a word (the newer build deploys)', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, headSha: NEWER });
    const intent = decideIntent(await lookup(event({ pullRequests: [7] })), auto);
    expect(intent).toMatchObject({ kind: 'skip', because: 'event', prNumber: 7 });
    expect(intent.reason).toContain(`PR #7 has moved on to ${NEWER.slice(0, 12)}`);
  });

  it('a fork: skipped unless allow-forks, exactly as for pull_request_target', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 9, headSha: HEAD, fork: true });
    const e = await lookup(event({ fork: true }));
    expect(decideIntent(e, auto)).toMatchObject({ kind: 'skip', because: 'fork', prNumber: 9 });
    expect(decideIntent(e, { ...auto, allowForks: true })).toMatchObject({
      kind: 'deploy',
      prNumber: 9,
    });
  });

  it('require-label: only a PR carrying the label deploys', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, headSha: HEAD });
    const e = await lookup(event({ pullRequests: [7] }));
    const labelled = { ...auto, requireLabel: 'preview' };
    expect(decideIntent(e, labelled)).toMatchObject({ kind: 'skip', because: 'label' });
    gh.updatePullRequest({ owner: OWNER, repo: REPO, number: 7, labels: ['preview'] });
    expect(decideIntent(await lookup(event({ pullRequests: [7] })), labelled)).toMatchObject({
      kind: 'deploy',
    });
  });

  it('no PR, or a run not finished: skips', async () => {
    expect(decideIntent(await lookup(event()), auto)).toMatchObject({
      kind: 'skip',
      because: 'event',
    });
    expect(decideIntent(event({ action: 'in_progress' }), auto)).toMatchObject({ kind: 'skip' });
  });

  it('command plan plans the PR’s build instead', async () => {
    gh.addPullRequest({ owner: OWNER, repo: REPO, number: 7, headSha: HEAD });
    const e = await lookup(event({ pullRequests: [7] }));
    expect(decideIntent(e, { ...auto, command: 'plan' })).toMatchObject({
      kind: 'plan',
      prNumber: 7,
    });
  });
});
