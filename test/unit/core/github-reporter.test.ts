import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMMENT_MARKER } from '../../../src/report/markdown.js';
import type { RunReport } from '../../../src/report/report.js';
import { comment, fakeOctokit, httpError } from './fake-octokit.js';

// The reporter builds its own Octokit: hand it the fake instead.
const state = vi.hoisted(() => ({ fake: undefined as unknown, created: 0 }));
vi.mock('../../../src/github/client.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../../src/github/client.js')>()),
  createOctokit: async () => {
    state.created += 1;
    return state.fake;
  },
}));

const { GitHubReporter } = await import('../../../src/report/github-reporter.js');

const repo = { owner: 'acme', repo: 'shop' };
const RUN_URL = 'https://github.com/acme/shop/actions/runs/77';

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    intent: 'deploy',
    outcome: 'success',
    repository: 'acme/shop',
    prNumber: 7,
    stackName: 'pr-env-shop-pr-7',
    operation: 'create',
    status: 'CREATE_COMPLETE',
    environmentUrl: 'https://pr-7.example.com',
    outputs: {},
    startedAt: new Date(0),
    finishedAt: new Date(60_000),
    ...overrides,
  };
}

let fake: ReturnType<typeof fakeOctokit>;
let stdout: string[];

beforeEach(() => {
  fake = fakeOctokit();
  state.fake = fake.octokit;
  state.created = 0;
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

const options = { token: 'ghs_x', repo, comment: true, deployment: true, runUrl: RUN_URL };

describe('GitHubReporter', () => {
  it('records a deployment in progress, then its success, and writes the comment', async () => {
    fake.rest.repos.createDeployment.mockResolvedValueOnce({ data: { id: 55 } });
    const reporter = new GitHubReporter(options);
    await reporter.startDeployment(7, 'a'.repeat(40));
    await reporter.finish(report());

    expect(fake.rest.repos.createDeployment).toHaveBeenCalledWith(
      expect.objectContaining({ ref: 'a'.repeat(40), environment: 'pr-7' }),
    );
    const statuses = fake.rest.repos.createDeploymentStatus.mock.calls.map(([p]) => p);
    expect(statuses).toEqual([
      expect.objectContaining({ deployment_id: 55, state: 'in_progress', log_url: RUN_URL }),
      expect.objectContaining({
        deployment_id: 55,
        state: 'success',
        environment_url: 'https://pr-7.example.com',
        description: 'Stack CREATE_COMPLETE',
      }),
    ]);
    expect(fake.rest.issues.createComment).toHaveBeenCalledOnce();
    expect(fake.rest.issues.createComment.mock.calls[0]![0].body.startsWith(COMMENT_MARKER)).toBe(
      true,
    );
    // One client for the whole run.
    expect(state.created).toBe(1);
  });

  it('starts the deployment only once the first AWS answer is in, or the run reports', async () => {
    fake.rest.repos.createDeployment.mockResolvedValue({ data: { id: 57 } });
    let answer!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (answer = resolve));
    const reporter = new GitHubReporter(options);
    const started = reporter.startDeployment(7, 'f'.repeat(40), firstAnswer);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.created).toBe(0);
    expect(fake.rest.repos.createDeployment).not.toHaveBeenCalled();
    answer();
    await started;
    expect(fake.rest.repos.createDeployment).toHaveBeenCalledOnce();

    // A run that fails before any AWS call still records its deployment, at its report.
    const early = new GitHubReporter(options);
    const never = new Promise<void>(() => {});
    void early.startDeployment(7, 'f'.repeat(40), never);
    await early.finish(report({ outcome: 'failure', error: 'Could not find the build' }));
    expect(fake.rest.repos.createDeployment).toHaveBeenCalledTimes(2);
    expect(fake.rest.repos.createDeploymentStatus.mock.calls.at(-1)![0]).toMatchObject({
      deployment_id: 57,
      state: 'failure',
    });
  });

  it('marks a failed deployment as failure, with the error', async () => {
    fake.rest.repos.createDeployment.mockResolvedValueOnce({ data: { id: 56 } });
    const reporter = new GitHubReporter(options);
    await reporter.startDeployment(7, 'b'.repeat(40));
    await reporter.finish(report({ outcome: 'failure', error: 'Stack failed: quota' }));
    expect(fake.rest.repos.createDeploymentStatus.mock.calls[1]![0]).toMatchObject({
      state: 'failure',
      description: 'Stack failed: quota',
    });
  });

  it('marks the environment inactive after a successful destroy', async () => {
    fake = fakeOctokit({
      deployments: [
        { id: 1, environment: 'pr-7' },
        { id: 2, environment: 'pr-7' },
      ],
    });
    state.fake = fake.octokit;
    await new GitHubReporter(options).finish(report({ intent: 'destroy', operation: 'delete' }));
    expect(
      fake.rest.repos.createDeploymentStatus.mock.calls.map(([p]) => [p.deployment_id, p.state]),
    ).toEqual([
      [1, 'inactive'],
      [2, 'inactive'],
    ]);
    expect(fake.rest.repos.createDeployment).not.toHaveBeenCalled();
  });

  it('comments on a skip only when it has something to say', async () => {
    const reporter = new GitHubReporter(options);
    await reporter.finish(report({ intent: 'skip', outcome: 'skipped' }));
    expect(fake.rest.issues.createComment).not.toHaveBeenCalled();
    await reporter.finish(report({ intent: 'skip', outcome: 'skipped', note: 'A fork.' }));
    expect(fake.rest.issues.createComment).toHaveBeenCalledOnce();
  });

  it('honours comment: false and deployment: false', async () => {
    const reporter = new GitHubReporter({ ...options, comment: false, deployment: false });
    await reporter.startDeployment(7, 'c'.repeat(40));
    await reporter.finish(report());
    expect(fake.rest.repos.createDeployment).not.toHaveBeenCalled();
    expect(fake.rest.issues.createComment).not.toHaveBeenCalled();
    expect(fake.rest.repos.createDeploymentStatus).not.toHaveBeenCalled();
  });

  it('does nothing without a token, and says so when the API is needed', async () => {
    const reporter = new GitHubReporter({ ...options, token: '' });
    await reporter.startDeployment(7, 'd'.repeat(40));
    await reporter.finish(report());
    expect(state.created).toBe(0);
    await expect(reporter.client()).rejects.toThrow('"github-token" is empty');
  });

  it('does nothing for a run without a PR', async () => {
    await new GitHubReporter(options).finish(report({ prNumber: undefined, intent: 'sweep' }));
    expect(fake.paginate).not.toHaveBeenCalled();
  });

  it('turns a GitHub failure into a warning, never a failed run', async () => {
    fake = fakeOctokit({ comments: [comment(1, COMMENT_MARKER, 'Bot')] });
    state.fake = fake.octokit;
    fake.rest.issues.updateComment.mockRejectedValue(httpError(500, 'Server Error'));
    fake.rest.repos.createDeployment.mockRejectedValue(httpError(422, 'Validation Failed'));
    const reporter = new GitHubReporter(options);
    await expect(reporter.startDeployment(7, 'e'.repeat(40))).resolves.toBeUndefined();
    await expect(reporter.finish(report())).resolves.toBeUndefined();
    const warnings = stdout.filter((line) => line.startsWith('::warning::'));
    expect(
      warnings.some((w) => w.includes('Could not create the GitHub deployment: Validation Failed')),
    ).toBe(true);
    expect(
      warnings.some((w) => w.includes('Could not update the comment on #7: Server Error')),
    ).toBe(true);
  });

  describe('progress', () => {
    const building = (at: number): RunReport =>
      report({
        operation: undefined,
        status: undefined,
        environmentUrl: undefined,
        finishedAt: new Date(at),
        progress: {
          operation: 'create',
          done: at / 1000,
          total: 40,
          inProgress: [{ what: 'database restoring', ms: at }],
          failed: [],
          everyMs: 30_000,
        },
      });

    it('writes the comment once, then edits it by id, and so does the final report', async () => {
      const reporter = new GitHubReporter({ ...options, deployment: false });
      await reporter.progress(building(5_000));
      await reporter.progress(building(35_000));
      await reporter.finish(report());
      expect(fake.rest.issues.createComment).toHaveBeenCalledOnce();
      expect(fake.rest.issues.createComment.mock.calls[0]![0].body).toContain(
        '⏳ pr-env: creating the environment for #7',
      );
      // Found once; after that the run knows its comment.
      expect(fake.paginate).toHaveBeenCalledOnce();
      const edits = fake.rest.issues.updateComment.mock.calls.map(([p]) => p.body);
      expect(edits).toHaveLength(2);
      expect(edits[0]).toContain('35 / 40 resources done');
      expect(edits[1]).toContain('✅ pr-env: environment ready for #7');
      expect(fake.comments).toHaveLength(1);
    });

    it('cancels an edit in flight at the end, without a warning, and never waits for it', async () => {
      const reporter = new GitHubReporter({ ...options, deployment: false });
      await reporter.progress(building(5_000));
      let signal: AbortSignal | undefined;
      fake.rest.issues.updateComment.mockImplementationOnce(
        (params) =>
          new Promise((_resolve, reject) => {
            signal = (params as { request?: { signal?: AbortSignal } }).request?.signal;
            signal?.addEventListener('abort', () =>
              reject(
                Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
              ),
            );
          }),
      );
      const inFlight = reporter.progress(building(35_000));
      await vi.waitFor(() => expect(signal).toBeDefined());
      await reporter.finish(report());
      expect(signal!.aborted).toBe(true);
      await inFlight;
      expect(fake.comments[0]!.body).toContain('environment ready');
      expect(stdout.join('')).not.toContain('::warning');
    });

    it('warns when a progress edit fails, and the final report still lands', async () => {
      const reporter = new GitHubReporter({ ...options, deployment: false });
      fake.rest.issues.createComment.mockRejectedValueOnce(httpError(502, 'Bad Gateway'));
      await reporter.progress(building(5_000));
      expect(stdout.join('')).toContain(
        '::warning::Could not show the progress on #7: Bad Gateway',
      );
      await reporter.finish(report());
      expect(fake.comments[0]!.body).toContain('environment ready');
    });

    it('shows no progress when the comment is off', async () => {
      await new GitHubReporter({ ...options, comment: false }).progress(building(5_000));
      expect(fake.paginate).not.toHaveBeenCalled();
      expect(state.created).toBe(0);
    });
  });
});
