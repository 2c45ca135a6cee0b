import * as core from '@actions/core';
import type { Stack } from '@aws-sdk/client-cloudformation';
import { errorMessage } from '../errors.js';
import type { RunReport, SweepEntry } from '../report/report.js';
import { outputsOf } from '../stack/describe.js';
import type { RunContext } from './context.js';
import { describeInto, restopDatabase, sleepEnvironment, SleepVetoedError } from './sleep.js';
import { idleReason } from './sleep-state.js';

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

/** One environment's rest: put to sleep when idle, or its restarted database stopped again. */
async function rest(context: RunContext, { stack, pr, entry }: KeptEnvironment): Promise<void> {
  // Idle as of the sweep's start, when the stacks were listed: the deletions before this can
  // take minutes, and what was decided then should not drift with them.
  const at = context.report.startedAt;
  const idle = idleReason(stack, at, context.settings.sleepAfterHours);
  let report: RunReport | undefined;
  try {
    if (idle) {
      Object.assign(entry, { action: 'sleep', reason: idle, outcome: 'pending' });
      report = prReport(context, pr, stack, `Put to sleep by the sweeper: ${idle}.`);
      await sleepEnvironment(context, pr, report, {
        name: stack.StackName,
        // The stacks were listed before the deletions ran: a push since then keeps it awake.
        veto: (current) =>
          idleReason(current, at, context.settings.sleepAfterHours)
            ? undefined
            : 'it had a push or a wake since the sweep began',
      });
      entry.outcome = 'asleep';
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
 * set, one with no push (or wake) for that long is put to sleep; one asleep whose database AWS
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
