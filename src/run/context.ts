import type { NotifyTarget } from '../notify/notify.js';
import type { AwsClients } from '../aws/clients.js';
import type { Clock } from '../clock.js';
import type { Repo } from '../github/client.js';
import type { Settings } from '../inputs.js';
import { stackName } from '../naming.js';
import type { GitHubReporter } from '../report/github-reporter.js';
import type { RunReport } from '../report/report.js';
import type { StackTarget } from '../stack/target.js';
import { defaultPollPolicy } from '../stack/watch.js';

/**
 * What a plan may do beyond asking CloudFormation:
 * - `deploy` decides and writes what the stack will read: the scrub's SQL (then the database
 *   closes until it passes) and the wake page's function;
 * - `preview` (plan) decides, uploading nothing;
 * - `keep` (sleep, wake, extend) keeps the stack's scrub gate and wake page as they are.
 */
export type PlanMode = 'deploy' | 'preview' | 'keep';

/** What every command works with. */
export interface RunContext {
  settings: Settings;
  repository: string;
  repo: Repo;
  aws: AwsClients;
  github: GitHubReporter;
  clock: Clock;
  runId?: string;
  /** The triggering event's name. */
  eventName?: string;
  /** For workflow_run: the build run whose artifacts `app-artifact: artifact:NAME` reads. */
  buildRunId?: number;
  /** Filled in as the run goes, so that a failure is reported with all that was known. */
  report: RunReport;
  /** Epoch milliseconds when waiting stops, from timeout-minutes. */
  deadline: number;
  /** The team's chat, when notify-webhook-url is set. */
  notify?: NotifyTarget;
}

/** The PR's stack: named from the inputs, or as found (the sweeper finds stacks by their tags). */
export async function stackTarget(
  context: RunContext,
  pr: number,
  name = stackName(context.settings.stackPrefix, context.repo.repo, pr),
): Promise<StackTarget> {
  context.report.stackName = name;
  return {
    cfn: await context.aws.cloudFormation(),
    pollCfn: await context.aws.cloudFormationPolls(),
    stackName: name,
    owner: { repository: context.repository, pr },
    deadline: context.deadline,
    roleArn: context.settings.roleArn,
    runId: context.runId,
    poll: defaultPollPolicy(),
    clock: context.clock,
  };
}
