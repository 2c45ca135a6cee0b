import * as core from '@actions/core';
import { DescribeStackResourceCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { errorMessage } from '../errors.js';
import type { RunReport, SweepEntry } from '../report/report.js';
import { outputsOf } from '../stack/describe.js';
import type { RunContext } from './context.js';
import { healthyCount } from '../wake/healthy.js';
import {
  describeInto,
  restopDatabase,
  sleepEnvironment,
  SleepVetoedError,
  wakeEnvironment,
} from './sleep.js';
import { requestCount } from '../traffic/requests.js';
import { idleWindowOpen, trafficIdleReason } from './sleep-idle.js';
import { activeSince, idleReason, sleepStateOf } from './sleep-state.js';

/** The bundled template's target group for the app (the wake page has its own). */
const APP_TARGET_GROUP = 'TargetGroup';

/** An environment the sweeper keeps, whose PR is open: it may still be put to sleep. */
export interface KeptEnvironment {
  stack: Stack;
  pr: number;
  entry: SweepEntry;
}

function prReport(context: RunContext, pr: number, stack: Stack, note: string): RunReport {
  const startedAt = new Date(context.clock.now());
  return {
    intent: 'sleep',
    outcome: 'success',
    repository: context.repository,
    prNumber: pr,
    stackName: stack.StackName,
    stackId: stack.StackId,
    status: stack.StackStatus,
    outputs: outputsOf(stack),
    startedAt,
    finishedAt: startedAt,
    runUrl: context.report.runUrl,
    note,
  };
}

/**
 * Why the environment should sleep, as of `at`: no push for sleep-after-hours, else no visit for
 * sleep-after-idle-minutes (its load balancer's requests, read from CloudWatch only then).
 */
async function whyIdle(context: RunContext, stack: Stack, at: Date): Promise<string | undefined> {
  const { sleepAfterHours, sleepAfterIdleMinutes: minutes } = context.settings;
  const byPushes = idleReason(stack, at, sleepAfterHours);
  if (byPushes || !idleWindowOpen(stack, at, minutes)) return byPushes;
  const balancer = outputsOf(stack).LoadBalancerFullName;
  if (!balancer) {
    core.warning(
      `Sweep: "${stack.StackName}" has no LoadBalancerFullName output, so its visits cannot be counted: kept awake (sleep-after-idle-minutes needs the bundled template's output, from a deploy of this version)`,
    );
    return undefined;
  }
  let requests: number | undefined;
  try {
    const from = new Date(at.getTime() - minutes * 60_000);
    requests = await requestCount(await context.aws.cloudWatch(), balancer, from, at);
  } catch (error) {
    core.warning(
      `Sweep: could not read the requests of "${stack.StackName}" from CloudWatch (cloudwatch:GetMetricData): ${errorMessage(error)}. Kept awake.`,
    );
  }
  return trafficIdleReason(stack, at, minutes, requests);
}

/**
 * Whether a waking environment's app has a healthy instance: the wake page's function turns the
 * URL back to the app only then, on a visit, and so may the sweeper when no visit came. What
 * cannot be read (a deploy role from before this, without DescribeTargetHealth) is a warning,
 * and the environment is left as it is.
 */
async function appAnswers(context: RunContext, stack: Stack): Promise<boolean> {
  try {
    return await appTargetsHealthy(context, stack);
  } catch (error) {
    core.warning(
      `Sweep: could not read the health of "${stack.StackName}"'s app instances (elasticloadbalancing:DescribeTargetHealth): ${errorMessage(error)}. Left waking: its next visit finishes the wake.`,
    );
    return false;
  }
}

async function appTargetsHealthy(context: RunContext, stack: Stack): Promise<boolean> {
  const cfn = await context.aws.cloudFormation();
  const { StackResourceDetail } = await cfn.send(
    new DescribeStackResourceCommand({
      StackName: stack.StackId ?? stack.StackName,
      LogicalResourceId: APP_TARGET_GROUP,
    }),
  );
  const group = StackResourceDetail?.PhysicalResourceId;
  if (!group) return false;
  const { DescribeTargetHealthCommand } = await import('../aws/sdk/elastic-load-balancing-v2.js');
  const elb = await context.aws.elasticLoadBalancing();
  return (
    healthyCount(await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group }))) > 0
  );
}

/**
 * One environment's rest: put to sleep when idle, a wake that no visit finished carried to its
 * end, or its restarted database stopped again.
 */
async function rest(context: RunContext, { stack, pr, entry }: KeptEnvironment): Promise<void> {
  // Idle as of the sweep's start, when the stacks were listed: the deletions before this can
  // take minutes, and what was decided then should not drift with them.
  const at = context.report.startedAt;
  const idle = await whyIdle(context, stack, at);
  let report: RunReport | undefined;
  try {
    if (idle) {
      Object.assign(entry, { action: 'sleep', reason: idle, outcome: 'pending' });
      report = prReport(context, pr, stack, `Put to sleep by the sweeper: ${idle}.`);
      await sleepEnvironment(context, pr, report, {
        name: stack.StackName,
        // The stacks were listed before the deletions ran: a push or a wake since then (the
        // idle clock restarted) keeps it awake.
        veto: (current) =>
          activeSince(current)?.getTime() === activeSince(stack)?.getTime()
            ? undefined
            : 'it had a push or a wake since the sweep began',
      });
      entry.outcome = 'asleep';
    } else if (sleepStateOf(stack).waking) {
      if (!(await appAnswers(context, stack))) return;
      Object.assign(entry, {
        action: 'finish-wake',
        reason:
          'a visit to its URL woke it, and no visit since has turned the URL back to the app, which answers',
        outcome: 'pending',
      });
      report = prReport(
        context,
        pr,
        stack,
        'The sweeper finished the wake a visit to its URL began: the web tier answers, and the URL is the app’s again.',
      );
      await wakeEnvironment(context, pr, report, stack.StackName);
      entry.outcome = 'awake';
    } else {
      const restarted = await restopDatabase(context, stack);
      if (restarted.length === 0) return;
      Object.assign(entry, {
        action: 'stop-database',
        reason: `asleep, but AWS started its database again (${restarted.join(', ')}): a stopped cluster restarts after 7 days`,
        outcome: 'stopped',
      });
      report = prReport(
        context,
        pr,
        stack,
        'The sweeper stopped the database again: AWS starts an Aurora cluster that has been stopped for 7 days, and the environment is asleep.',
      );
      report.operation = 'none';
      report.environment = { state: 'asleep', database: 'stopping' };
      await describeInto(context, report, stack);
    }
  } catch (error) {
    if (error instanceof SleepVetoedError) {
      Object.assign(entry, { action: 'keep', reason: error.reason, outcome: 'kept' });
      return;
    }
    Object.assign(entry, { outcome: 'failed', error: errorMessage(error) });
    if (report) Object.assign(report, { outcome: 'failure', error: entry.error });
  }
  if (report) {
    report.finishedAt = new Date(context.clock.now());
    await context.github.finish(report);
  }
}

/**
 * The sweeper's part in sleep, for environments it keeps whose PR is open: with sleep-after-hours
 * set, one with no push (or wake) for that long is put to sleep, and with sleep-after-idle-minutes,
 * one whose load balancer served no request for that long; one asleep whose database AWS
 * started again (it does, after 7 days stopped) has it stopped again. Each change is written to
 * the PR's comment. One at a time: each is a stack update, and none is urgent.
 */
export async function restEnvironments(
  context: RunContext,
  kept: KeptEnvironment[],
): Promise<void> {
  for (const environment of kept) await rest(context, environment);
  const slept = kept.filter((k) => k.entry.outcome === 'asleep').length;
  const stopped = kept.filter((k) => k.entry.outcome === 'stopped').length;
  if (slept + stopped > 0) {
    core.info(`Sweep: ${slept} environment(s) put to sleep, ${stopped} database(s) stopped again`);
  }
}
