import * as core from '@actions/core';
import type { ChatOpsIntent } from '../chatops/intent.js';
import type { Intent } from '../intent.js';
import { runChatOps } from './chatops.js';
import type { RunContext } from './context.js';
import { runDeploy } from './deploy.js';
import { runDestroy } from './destroy.js';
import { runPlan } from './plan.js';
import { skipNote } from './skip.js';
import { reportEnvironment } from './sleep.js';
import { runSweep } from './sweep.js';

/** Runs what the intent asks for, then reads the environment's state and cost for the report. */
export async function execute(context: RunContext, intent: Intent | ChatOpsIntent): Promise<void> {
  await dispatch(context, intent);
  await reportEnvironment(context);
}

async function dispatch(context: RunContext, intent: Intent | ChatOpsIntent): Promise<void> {
  switch (intent.kind) {
    case 'chatops':
      return runChatOps(context, intent);
    case 'deploy':
      return runDeploy(context, intent.prNumber, intent.pullRequest);
    case 'destroy':
      return runDestroy(context, intent.prNumber);
    case 'skip':
      context.report.outcome = 'skipped';
      context.report.operation = 'skipped';
      context.report.note = skipNote(intent);
      // A fork's PR deserves a maintainer's attention; any other skip is routine.
      if (intent.because === 'fork') core.warning(intent.reason);
      else core.notice(intent.reason);
      return;
    case 'sweep':
      return runSweep(context);
    case 'plan':
      return runPlan(context, intent.prNumber, intent.pullRequest);
  }
}
