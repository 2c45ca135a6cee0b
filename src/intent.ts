import type { Command } from './inputs.js';
import { isFork, type EventInfo, type PullRequestInfo } from './github/event.js';

/** What a run does. `pullRequest` is absent when it has to be read from the API first. */
export type Intent =
  | { kind: 'deploy' | 'plan'; prNumber: number; pullRequest?: PullRequestInfo; reason: string }
  | { kind: 'destroy'; prNumber: number; reason: string }
  | { kind: 'sweep'; reason: string }
  | { kind: 'skip'; prNumber?: number; reason: string; because: 'fork' | 'label' | 'event' };

export interface IntentOptions {
  command: Command;
  prNumber?: number;
  requireLabel?: string;
  allowForks: boolean;
}

const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
const DEPLOY_ACTIONS = new Set(['opened', 'reopened', 'synchronize']);

/**
 * Event + inputs -> what to do. Pure. Throws when the inputs cannot name a PR, before any AWS
 * call is made.
 */
export function decideIntent(event: EventInfo, options: IntentOptions): Intent {
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

function autoCommand(event: EventInfo, requireLabel: string | undefined): AutoCommand {
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
