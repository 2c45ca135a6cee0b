import type { Command } from './inputs.js';
import { isFork, type EventInfo, type PullRequestInfo } from './github/event.js';
import type { WorkflowRunInfo } from './github/workflow-run-event.js';

/** What a run does. `pullRequest` is absent when it has to be read from the API first. */
export type Intent =
  | { kind: 'deploy' | 'plan'; prNumber: number; pullRequest?: PullRequestInfo; reason: string }
  | { kind: 'destroy'; prNumber: number; reason: string }
  | { kind: 'sweep'; reason: string }
  | {
      kind: 'skip';
      prNumber?: number;
      reason: string;
      because: 'fork' | 'label' | 'event' | 'build';
      /** The build run that did not succeed, for the comment. */
      runUrl?: string;
    };

export interface IntentOptions {
  command: Command;
  prNumber?: number;
  requireLabel?: string;
  allowForks: boolean;
}

// workflow_run counts once its PR is known: its fork and label rules are pull_request_target's.
const PR_EVENTS = new Set(['pull_request', 'pull_request_target', 'workflow_run']);
const DEPLOY_ACTIONS = new Set(['opened', 'reopened', 'synchronize']);

/**
 * Event + inputs -> what to do. Pure. Throws when the inputs cannot name a PR, before any AWS
 * call is made.
 */
export function decideIntent(event: EventInfo, options: IntentOptions): Intent {
  if (event.name === 'workflow_run' && event.workflowRun && options.command !== 'sweep') {
    const early = buildRunIntent(event, event.workflowRun, options.command);
    if (early) return early;
  }
  const isPrEvent = PR_EVENTS.has(event.name) && event.pullRequest !== undefined;
  const pr = isPrEvent ? event.pullRequest : undefined;
  const prNumber = pr?.number ?? options.prNumber;

  const needPr = (command: string): number => {
    if (prNumber !== undefined) return prNumber;
    throw new Error(
      event.name === 'workflow_dispatch'
        ? `"pr-number" is required for workflow_dispatch: expected the number of the PR to ${command}`
        : `Event "${event.name}" carries no pull request: set "pr-number" to the PR to ${command}`,
    );
  };

  const command =
    options.command === 'auto' ? autoCommand(event, options.requireLabel) : options.command;
  switch (command) {
    case 'sweep':
      return { kind: 'sweep', reason: `command sweep on ${event.name}` };
    case 'destroy':
      return { kind: 'destroy', prNumber: needPr('destroy'), reason: describe(event, options) };
    case 'skip':
      return {
        kind: 'skip',
        prNumber,
        because: 'event',
        reason: `Nothing to do for ${event.name}${event.action ? `.${event.action}` : ''}`,
      };
    case 'deploy':
    case 'plan': {
      const number = needPr(command);
      // A label can be added to a closed PR, and pull_request_target fires for it all the same.
      if (pr?.state === 'closed') {
        return {
          kind: 'skip',
          prNumber: number,
          because: 'event',
          reason: `PR #${number} is closed: there is nothing to ${command}`,
        };
      }
      // Only an event a PR's author can trigger is gated: a maintainer's workflow_dispatch is the
      // documented way to deploy a fork or an unlabelled PR.
      if (pr && !options.allowForks && isFork(pr)) {
        return {
          kind: 'skip',
          prNumber: number,
          because: 'fork',
          reason: `PR #${number} comes from the fork ${pr.headRepository ?? '(deleted)'}, and allow-forks is false`,
        };
      }
      if (pr && options.requireLabel && !hasRequiredLabel(event, pr, options.requireLabel)) {
        return {
          kind: 'skip',
          prNumber: number,
          because: 'label',
          reason: `PR #${number} does not carry the label "${options.requireLabel}"`,
        };
      }
      return { kind: command, prNumber: number, pullRequest: pr, reason: describe(event, options) };
    }
  }
}

type AutoCommand = 'deploy' | 'destroy' | 'sweep' | 'skip';

/**
 * A finished build run (workflow_run) deploys its commit only when it succeeded and is still the
 * head of an open PR; otherwise it says why not. Undefined: carry on as for the PR's own events.
 */
function buildRunIntent(
  event: EventInfo,
  run: WorkflowRunInfo,
  command: Command,
): Intent | undefined {
  const pr = event.pullRequest;
  const build = `run ${run.name ? `"${run.name}" ` : ''}${run.id} of ${run.headSha.slice(0, 12)}`;
  const skip = (reason: string, because: 'event' | 'build' = 'event'): Intent => ({
    kind: 'skip',
    prNumber: pr?.number,
    because,
    reason,
    runUrl: because === 'build' ? run.htmlUrl : undefined,
  });
  if (event.action !== 'completed') return skip(`Nothing to do for workflow_run.${event.action}`);
  if (command !== 'auto' && command !== 'deploy' && command !== 'plan') return undefined;
  if (!pr) {
    return skip(
      `No open pull request has head ${run.headSha.slice(0, 12)} (the build ${build}): nothing to deploy; a newer push brings its own build`,
    );
  }
  if (run.conclusion !== 'success') {
    return skip(
      `The build (${build}) concluded ${run.conclusion ?? 'without a conclusion'}`,
      'build',
    );
  }
  if (pr.headSha !== run.headSha) {
    return skip(
      `PR #${pr.number} has moved on to ${pr.headSha.slice(0, 12)}: the build ${build} is not deployed; the newer head's build will be`,
    );
  }
  return undefined;
}

function autoCommand(event: EventInfo, requireLabel: string | undefined): AutoCommand {
  if (event.name === 'workflow_run') return 'deploy';
  if (PR_EVENTS.has(event.name)) {
    if (event.action === 'closed') return 'destroy';
    if (event.action && DEPLOY_ACTIONS.has(event.action)) return 'deploy';
    // Only the required label moves an environment; any other label is someone else's business.
    const isRequiredLabel = requireLabel !== undefined && event.label === requireLabel;
    if (event.action === 'labeled' && isRequiredLabel) return 'deploy';
    if (event.action === 'unlabeled' && isRequiredLabel) return 'destroy';
    return 'skip';
  }
  if (event.name === 'schedule') return 'sweep';
  return 'deploy';
}

function hasRequiredLabel(event: EventInfo, pr: PullRequestInfo, label: string): boolean {
  return pr.labels.includes(label) || (event.action === 'labeled' && event.label === label);
}

function describe(event: EventInfo, options: IntentOptions): string {
  const trigger = `${event.name}${event.action ? `.${event.action}` : ''}`;
  return options.command === 'auto' ? trigger : `command ${options.command} on ${trigger}`;
}
