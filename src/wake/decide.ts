import type { Parameter, Stack, UpdateStackCommandInput } from '@aws-sdk/client-cloudformation';
import type { StackCluster } from '../stack/clusters.js';
import {
  ASLEEP_PARAMETER,
  CAPACITY_PARAMETERS,
  isoSeconds,
  SLEEP_TAG,
  sleepStateOf,
  withTags,
} from '../run/sleep-state.js';

/**
 * A visit to a sleeping environment's URL wakes it the way `/pr-env wake` does, one step per
 * visit: the database first (started, then waited for), then the web tier's capacity, through a
 * stack update as the stack's own service role. Each step is safe to repeat, so a burst of visits
 * makes one wake: RDS starts a stopped cluster once and CloudFormation runs one update at a time.
 */
export type WakeStep =
  | { kind: 'awake' }
  | { kind: 'busy'; status: string }
  | { kind: 'start-database'; clusters: string[] }
  | { kind: 'wait-database'; statuses: string[] }
  | { kind: 'update-stack' };

/** Pure. */
export function nextWakeStep(stack: Stack, clusters: StackCluster[]): WakeStep {
  if (!sleepStateOf(stack).asleep) return { kind: 'awake' };
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (status.endsWith('_IN_PROGRESS')) return { kind: 'busy', status };
  const stopped = clusters.filter((c) => c.status === 'stopped').map((c) => c.id);
  if (stopped.length > 0) return { kind: 'start-database', clusters: stopped };
  const waiting = clusters.filter((c) => c.status !== 'available');
  if (waiting.length > 0) return { kind: 'wait-database', statuses: waiting.map((c) => c.status) };
  return { kind: 'update-stack' };
}

/**
 * The stack update that wakes it: the same template and values, but the remembered capacity and
 * the parameter that points the listener back at the app; the sleep tags go, the idle clock
 * restarts. Without a remembered capacity the template's defaults come back. Pure.
 */
export function wakeUpdate(stack: Stack, now: Date): UpdateStackCommandInput {
  const restore: Record<string, string> = {
    ...sleepStateOf(stack).awakeCapacity,
    [ASLEEP_PARAMETER]: 'false',
  };
  const parameters: Parameter[] = (stack.Parameters ?? []).flatMap((p): Parameter[] => {
    const key = p.ParameterKey ?? '';
    if (restore[key] !== undefined) return [{ ParameterKey: key, ParameterValue: restore[key] }];
    // Asleep capacity without a remembered one: leave it to the template's default.
    if ((CAPACITY_PARAMETERS as readonly string[]).includes(key)) return [];
    return [{ ParameterKey: key, UsePreviousValue: true }];
  });
  return {
    StackName: stack.StackId ?? stack.StackName,
    UsePreviousTemplate: true,
    Parameters: parameters,
    Capabilities: stack.Capabilities,
    // No RoleARN: CloudFormation runs the update as the stack's own service role, which the
    // function has no right to pass (iam:PassRole) and so cannot swap for another.
    Tags: withTags(stack.Tags ?? [], {
      [SLEEP_TAG.state]: undefined,
      [SLEEP_TAG.awakeCapacity]: undefined,
      [SLEEP_TAG.activeAt]: isoSeconds(now),
      [SLEEP_TAG.wokeOnVisit]: isoSeconds(now),
    }),
  };
}
