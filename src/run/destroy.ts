import { destroyStack } from '../stack/destroy.js';
import { stackTarget, type RunContext } from './context.js';

/** Deletes the PR's environment, if it has one. */
export async function runDestroy(context: RunContext, prNumber: number): Promise<void> {
  const outcome = await destroyStack(await stackTarget(context, prNumber));
  context.report.operation = outcome.operation;
  context.report.status = outcome.status;
  context.report.stackId = outcome.stackId;
}
