import type { Stack } from '@aws-sdk/client-cloudformation';
import { activeSince, sleepStateOf } from './sleep-state.js';

/**
 * Whether an awake environment may be asked about its traffic: sleep-after-idle-minutes is on,
 * and nothing was deployed to it or woke it within the window (a deploy or a wake counts as use,
 * and a fresh one has had no chance to be visited). Pure.
 */
export function idleWindowOpen(stack: Stack, now: Date, idleMinutes: number): boolean {
  if (idleMinutes <= 0 || sleepStateOf(stack).asleep) return false;
  const since = activeSince(stack);
  return since !== undefined && now.getTime() - since.getTime() >= idleMinutes * 60_000;
}

/**
 * Why the sweeper puts an environment to sleep for want of visits, or undefined to keep it
 * awake: its load balancer served no request in the last `idleMinutes`, and nothing was deployed
 * or woke it in that time. `requests` undefined (CloudWatch could not be read) keeps it awake:
 * the sweeper never sleeps an environment on a guess. Pure.
 */
export function trafficIdleReason(
  stack: Stack,
  now: Date,
  idleMinutes: number,
  requests: number | undefined,
): string | undefined {
  if (!idleWindowOpen(stack, now, idleMinutes) || requests === undefined || requests > 0) {
    return undefined;
  }
  return `no visit for ${Number(idleMinutes.toPrecision(3))} min (its load balancer served no request; sleep-after-idle-minutes is ${Number(idleMinutes.toPrecision(3))})`;
}
