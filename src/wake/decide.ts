import type { Parameter, Stack, UpdateStackCommandInput } from '@aws-sdk/client-cloudformation';
import type { StackCluster } from '../stack/clusters.js';
import {
  ASLEEP_PARAMETER,
  CAPACITY_PARAMETERS,
  isoSeconds,
  SLEEP_STATE,
  SLEEP_TAG,
  sleepStateOf,
  withTags,
} from '../run/sleep-state.js';

/**
 * A visit to a sleeping environment's URL wakes it the way `/pr-env wake` does, one step per
 * visit (the page reloads itself, so an open tab drives it): the database first (started, then
 * waited for), then the web tier's capacity through a stack update as the stack's own service
 * role, and only once the app's target group has a healthy instance a second update that turns
 * the listeners back to the app: the URL goes from the page to the app, never to a 503 between.
 * Each step is safe to repeat, so a burst of visits makes one wake: RDS starts a stopped cluster
 * once and CloudFormation runs one update at a time.
 */
export type WakeStep =
  | { kind: 'awake' }
  | { kind: 'busy'; status: string }
  | { kind: 'start-database'; clusters: string[] }
  | { kind: 'wait-database'; statuses: string[] }
  | { kind: 'restore-capacity' }
  | { kind: 'wait-instances' }
  | { kind: 'switch-listener' };

export interface WakeFacts {
  stack: Stack;
  clusters: StackCluster[];
  /** Healthy targets in the app's target group; read only while waking. */
  healthyTargets?: number;
}

/** Pure. */
export function nextWakeStep({ stack, clusters, healthyTargets }: WakeFacts): WakeStep {
  const state = sleepStateOf(stack);
  if (!state.asleep && !state.waking) return { kind: 'awake' };
  const status = stack.StackStatus ?? 'UNKNOWN';
  if (status.endsWith('_IN_PROGRESS')) return { kind: 'busy', status };
  if (state.waking) {
    return (healthyTargets ?? 0) > 0 ? { kind: 'switch-listener' } : { kind: 'wait-instances' };
  }
  const stopped = clusters.filter((c) => c.status === 'stopped').map((c) => c.id);
  if (stopped.length > 0) return { kind: 'start-database', clusters: stopped };
  const waiting = clusters.filter((c) => c.status !== 'available');
  if (waiting.length > 0) return { kind: 'wait-database', statuses: waiting.map((c) => c.status) };
  return { kind: 'restore-capacity' };
}

/** The same template and values but those given; a key the stack lacks is left out. */
function update(
  stack: Stack,
  values: Record<string, string | undefined>,
  tags: Record<string, string | undefined>,
): UpdateStackCommandInput {
  const parameters: Parameter[] = (stack.Parameters ?? []).flatMap((p): Parameter[] => {
    const key = p.ParameterKey ?? '';
    if (!Object.hasOwn(values, key)) return [{ ParameterKey: key, UsePreviousValue: true }];
    const value = values[key];
    // No value: the template's default comes back.
    return value === undefined ? [] : [{ ParameterKey: key, ParameterValue: value }];
  });
  return {
    StackName: stack.StackId ?? stack.StackName,
    UsePreviousTemplate: true,
    Parameters: parameters,
    Capabilities: stack.Capabilities,
    // No RoleARN: CloudFormation runs the update as the stack's own service role, which the
    // function has no right to pass (iam:PassRole) and so cannot swap for another.
    Tags: withTags(stack.Tags ?? [], tags),
  };
}

/**
 * The first update: the remembered capacity (without one, the template's defaults), the
 * listeners still on the page; the stack is `waking`, and the idle clock restarts. Pure.
 */
export function restoreCapacityUpdate(stack: Stack, now: Date): UpdateStackCommandInput {
  const remembered = sleepStateOf(stack).awakeCapacity;
  const capacity = Object.fromEntries(CAPACITY_PARAMETERS.map((key) => [key, remembered[key]]));
  return update(stack, capacity, {
    [SLEEP_TAG.state]: SLEEP_STATE.waking,
    [SLEEP_TAG.activeAt]: isoSeconds(now),
    [SLEEP_TAG.wokeOnVisit]: isoSeconds(now),
  });
}

/** The second: the listeners back to the app, which answers; the sleep tags go. Pure. */
export function switchListenerUpdate(stack: Stack): UpdateStackCommandInput {
  return update(
    stack,
    { [ASLEEP_PARAMETER]: 'false' },
    { [SLEEP_TAG.state]: undefined, [SLEEP_TAG.awakeCapacity]: undefined },
  );
}
