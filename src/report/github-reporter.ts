import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import { createOctokit, type Octokit, type Repo } from '../github/client.js';
import { environmentName } from '../naming.js';
import { upsertStickyComment } from './comment.js';
import {
  createDeployment,
  deactivateEnvironment,
  deactivateSuperseded,
  failureDescription,
  setDeploymentStatus,
} from './deployment.js';
import { renderComment } from './markdown.js';
import type { RunReport } from './report.js';

export interface GitHubReporterOptions {
  token: string;
  repo: Repo;
  comment: boolean;
  deployment: boolean;
  runUrl?: string;
}

/**
 * Everything pr-env tells GitHub: the sticky comment and the deployment. A GitHub failure is a
 * warning, never a failed run: the environment matters more than the note about it.
 */
export class GitHubReporter {
  private octokit?: Promise<Octokit>;
  /** The deployment being recorded, created alongside the AWS work rather than before it. */
  private deployment?: Promise<number | undefined>;
  /** The sticky comment, once this run has written it (a progress edit). */
  private commentId?: number;
  /** Cancels the progress edit in flight, if any. */
  private progressInFlight?: AbortController;
  /** Resolved as the final report begins: nothing waits past it to start. */
  private finishing!: () => void;
  private readonly finished = new Promise<void>((resolve) => (this.finishing = resolve));

  constructor(private readonly options: GitHubReporterOptions) {}

  private async attempt<T>(
    what: string,
    act: (octokit: Octokit) => Promise<T>,
  ): Promise<T | undefined> {
    if (!this.options.token) return undefined;
    try {
      this.octokit ??= createOctokit(this.options.token);
      return await act(await this.octokit);
    } catch (error) {
      core.warning(`Could not ${what}: ${errorMessage(error)}`);
      return undefined;
    }
  }

  /** The API client, for reads that a run cannot do without (a dispatched PR's head). */
  async client(): Promise<Octokit> {
    if (!this.options.token) {
      throw new Error(
        '"github-token" is empty: it is needed to read the pull request from the API',
      );
    }
    this.octokit ??= createOctokit(this.options.token);
    return this.octokit;
  }

  /**
   * Starts recording a deployment without holding the run up, once `notBefore` has settled (the
   * run's first AWS answer: loading Octokit, half a megabyte, would otherwise delay the first
   * AWS call by some 35 ms) or the final report begins, whichever is first. `finish` waits for
   * it; so may a caller, through the promise returned (which never rejects: a GitHub failure is
   * a warning).
   */
  async startDeployment(pr: number, ref: string, notBefore?: Promise<unknown>): Promise<void> {
    if (!this.options.deployment) return;
    const ready = Promise.race([notBefore?.catch(() => undefined), this.finished]);
    this.deployment = ready.then(() => this.record(pr, ref));
    await this.deployment;
  }

  private record(pr: number, ref: string): Promise<number | undefined> {
    return this.attempt('create the GitHub deployment', async (octokit) => {
      const id = await createDeployment(octokit, this.options.repo, {
        ref,
        environment: environmentName(pr),
        description: `pr-env environment for #${pr}`,
      });
      await setDeploymentStatus(octokit, this.options.repo, id, {
        state: 'in_progress',
        logUrl: this.options.runUrl,
        description: 'Deploying',
      });
      return id;
    });
  }

  /**
   * Shows a build's progress in the sticky comment. Never rejects; an edit that fails is a
   * warning, and one that `finish` overtakes is cancelled without a word.
   */
  async progress(report: RunReport): Promise<void> {
    const pr = report.prNumber;
    if (!this.options.comment || !this.options.token || pr === undefined) return;
    const controller = new AbortController();
    this.progressInFlight = controller;
    try {
      this.octokit ??= createOctokit(this.options.token);
      const octokit = await this.octokit;
      if (controller.signal.aborted) return;
      const ref = await upsertStickyComment(octokit, this.options.repo, pr, renderComment(report), {
        knownId: this.commentId,
        signal: controller.signal,
      });
      if (!controller.signal.aborted) this.commentId = ref.id;
    } catch (error) {
      if (!controller.signal.aborted) {
        core.warning(`Could not show the progress on #${pr}: ${errorMessage(error)}`);
      }
    } finally {
      if (this.progressInFlight === controller) this.progressInFlight = undefined;
    }
  }

  async finish(report: RunReport): Promise<void> {
    this.finishing();
    if (report.prNumber === undefined) return;
    const pr = report.prNumber;
    // The final report never waits for a progress edit: it cancels it and takes its place.
    this.progressInFlight?.abort();
    // A skipped run speaks up only when it has something to say (a fork, a missing label).
    const worthAComment = report.intent !== 'skip' || Boolean(report.note);
    if (this.options.comment && worthAComment) {
      await this.attempt(`update the comment on #${pr}`, (octokit) =>
        upsertStickyComment(octokit, this.options.repo, pr, renderComment(report), {
          knownId: this.commentId,
        }),
      );
    }
    if (!this.options.deployment) return;
    if (report.intent === 'destroy' && report.outcome === 'success') {
      await this.attempt(`mark the deployments of ${environmentName(pr)} inactive`, (octokit) =>
        deactivateEnvironment(octokit, this.options.repo, environmentName(pr), this.options.runUrl),
      );
      return;
    }
    const id = await this.deployment;
    if (id === undefined) return;
    const success = report.outcome === 'success';
    await this.attempt('update the GitHub deployment', (octokit) =>
      setDeploymentStatus(octokit, this.options.repo, id, {
        state: success ? 'success' : 'failure',
        environmentUrl: report.environmentUrl,
        logUrl: this.options.runUrl,
        description: success
          ? `Stack ${report.status ?? 'ready'}`
          : failureDescription(report.rootCause, report.error),
      }),
    );
    if (!success) return;
    await this.attempt(`mark earlier deployments of ${environmentName(pr)} inactive`, (octokit) =>
      deactivateSuperseded(
        octokit,
        this.options.repo,
        environmentName(pr),
        id,
        this.options.runUrl,
      ),
    );
  }
}
