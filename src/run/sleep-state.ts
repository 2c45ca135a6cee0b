import type { Parameter, Stack, Tag } from '@aws-sdk/client-cloudformation';
import { TAG } from '../naming.js';
import type { DeployPlan } from '../stack/deploy.js';
import { parametersOf, tagsOf } from '../stack/describe.js';

/**
 * Sleep is recorded on the stack itself, so that CloudFormation stays the one source of truth
 * and any run (a push, the sweeper, a command) can read it:
 * - `pr-env:state` is `asleep` while the environment sleeps, `waking` while a visit wakes it (the
 *   web tier is back, the listeners still on the wake page until an instance is healthy), and
 *   absent otherwise;
 * - `pr-env:awake-capacity` keeps the web tier's capacity parameters to wake back to;
 * - `pr-env:active-at` is when the environment last saw a push (a new head deployed) or a wake:
 *   the sweeper's idle clock (sleep-after-hours);
 * - `pr-env:woke-on-visit` is when a visit to the sleeping URL woke it (the wake page's function),
 *   until the action's next update of the stack, whose report tells of it (and whose tags drop it).
 */
export const SLEEP_TAG = {
  state: 'pr-env:state',
  awakeCapacity: 'pr-env:awake-capacity',
  activeAt: 'pr-env:active-at',
  wokeOnVisit: 'pr-env:woke-on-visit',
} as const;

export const SLEEP_STATE = { asleep: 'asleep', waking: 'waking' } as const;

/** The template parameters sleep sets to 0: the bundled template's Auto Scaling group capacity. */
export const CAPACITY_PARAMETERS = ['MinSize', 'DesiredCapacity'] as const;

export interface SleepState {
  asleep: boolean;
  /** A visit is waking it: capacity back, the wake page still answering (src/wake/). */
  waking: boolean;
  /** The capacity parameters to wake to (empty when none were remembered). */
  awakeCapacity: Record<string, string>;
  activeAt?: string;
  /** When a visit woke it, since the action last updated the stack. */
  wokeOnVisit?: string;
  expiresAt?: string;
  headSha?: string;
}

/** ISO 8601 to the second, as the other pr-env tags are written. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `MinSize=1 DesiredCapacity=1`: tag values allow letters, digits, spaces and `=`. */
export function formatCapacity(capacity: Record<string, string>): string {
  return CAPACITY_PARAMETERS.filter((key) => capacity[key] !== undefined)
    .map((key) => `${key}=${capacity[key]}`)
    .join(' ');
}

/** The inverse of formatCapacity; anything but a known key with a whole number is dropped. */
export function parseCapacity(text: string | undefined): Record<string, string> {
  const capacity: Record<string, string> = {};
  for (const pair of (text ?? '').split(/\s+/)) {
    const [key, value] = pair.split('=');
    if (
      (CAPACITY_PARAMETERS as readonly string[]).includes(key ?? '') &&
      /^\d+$/.test(value ?? '')
    ) {
      capacity[key as string] = value as string;
    }
  }
  return capacity;
}

export function sleepStateOf(stack: Stack): SleepState {
  const tags = tagsOf(stack);
  return {
    asleep: tags[SLEEP_TAG.state] === SLEEP_STATE.asleep,
    waking: tags[SLEEP_TAG.state] === SLEEP_STATE.waking,
    awakeCapacity: parseCapacity(tags[SLEEP_TAG.awakeCapacity]),
    activeAt: tags[SLEEP_TAG.activeAt] || undefined,
    wokeOnVisit: tags[SLEEP_TAG.wokeOnVisit] || undefined,
    expiresAt: tags[TAG.expiresAt] || undefined,
    headSha: tags[TAG.headSha] || undefined,
  };
}

/** The tags with some set (a value) or removed (undefined), keeping the order of the rest. */
export function withTags(tags: Tag[], changes: Record<string, string | undefined>): Tag[] {
  const kept = tags.filter((tag) => !Object.hasOwn(changes, tag.Key ?? ''));
  const added = Object.entries(changes).flatMap(([Key, Value]) =>
    Value === undefined ? [] : [{ Key, Value }],
  );
  return [...kept, ...added];
}

/** The parameters with some values set, replacing the plan's own. */
export function withParameters(
  parameters: Parameter[],
  values: Record<string, string>,
): Parameter[] {
  const kept = parameters.filter((p) => !Object.hasOwn(values, p.ParameterKey ?? ''));
  return [
    ...kept,
    ...Object.entries(values).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    })),
  ];
}

/** Sleep is a parameter change: a template without the capacity parameters cannot sleep. */
export function checkSleepable(declared: Set<string>, templatePath: string): void {
  const missing = CAPACITY_PARAMETERS.filter((name) => !declared.has(name));
  if (missing.length === 0) return;
  throw new Error(
    `Template "${templatePath}" does not declare ${missing.join(' and ')}: sleep scales the web tier to 0 through those parameters (expected the Auto Scaling group's MinSize and DesiredCapacity, as in the bundled template)`,
  );
}

/** The stack's current capacity parameters, remembered so that wake can restore them. */
function rememberedCapacity(existing: Stack): Record<string, string> {
  const state = sleepStateOf(existing);
  if (state.asleep) return state.awakeCapacity;
  const parameters = parametersOf(existing);
  return Object.fromEntries(
    CAPACITY_PARAMETERS.flatMap((key) =>
      parameters[key] === undefined ? [] : [[key, parameters[key]]],
    ),
  );
}

/**
 * The parameter that turns the listeners to the wake page while asleep: set when the template
 * takes it (the plan then carries it), since a template of the user's own may not.
 */
export const ASLEEP_PARAMETER = 'Asleep';

/** A deploy plan turned into the same stack asleep: no web instances, state recorded. Pure. */
export function asleepPlan(plan: DeployPlan, existing: Stack): DeployPlan {
  const takesAsleep = plan.parameters.some((p) => p.ParameterKey === ASLEEP_PARAMETER);
  return {
    ...plan,
    parameters: withParameters(plan.parameters, {
      ...Object.fromEntries(CAPACITY_PARAMETERS.map((key) => [key, '0'])),
      ...(takesAsleep && { [ASLEEP_PARAMETER]: 'true' }),
    }),
    tags: withTags(plan.tags, {
      [SLEEP_TAG.state]: SLEEP_STATE.asleep,
      [SLEEP_TAG.awakeCapacity]: formatCapacity(rememberedCapacity(existing)) || undefined,
      [SLEEP_TAG.activeAt]: sleepStateOf(existing).activeAt,
    }),
  };
}

/**
 * A deploy plan for a stack waking up: the remembered capacity comes back (capacity set in the
 * `parameters` input wins, as on any deploy; neither leaves the template's default), the sleep
 * tags go, and the idle clock restarts. Pure.
 */
export function awakePlan(
  plan: DeployPlan,
  existing: Stack,
  explicit: Record<string, string>,
  now: Date,
): DeployPlan {
  const remembered = sleepStateOf(existing).awakeCapacity;
  const restore = Object.fromEntries(
    Object.entries(remembered).filter(([key]) => explicit[key] === undefined),
  );
  return {
    ...plan,
    parameters: withParameters(plan.parameters, restore),
    tags: withTags(plan.tags, {
      [SLEEP_TAG.state]: undefined,
      [SLEEP_TAG.awakeCapacity]: undefined,
      [SLEEP_TAG.activeAt]: isoSeconds(now),
    }),
  };
}

/**
 * An ordinary deploy (a push, `/pr-env deploy`): a sleeping environment wakes; an awake one
 * restarts its idle clock when the head moved, and keeps it otherwise, so that a re-run with
 * nothing new stays a true no-op. Pure.
 */
export function deployPlanFor(
  plan: DeployPlan,
  existing: Stack | undefined,
  headSha: string,
  explicit: Record<string, string>,
  now: Date,
): DeployPlan {
  if (existing && sleepStateOf(existing).asleep) return awakePlan(plan, existing, explicit, now);
  const state = existing && sleepStateOf(existing);
  const moved = !state || state.headSha !== headSha;
  return {
    ...plan,
    tags: withTags(plan.tags, {
      [SLEEP_TAG.activeAt]: moved ? isoSeconds(now) : state.activeAt,
    }),
  };
}

/** Waking, as the wake page's function left it: capacity back, the listeners on the page. */
function wakingPlan(plan: DeployPlan, existing: Stack): DeployPlan {
  const state = sleepStateOf(existing);
  const takesAsleep = plan.parameters.some((p) => p.ParameterKey === ASLEEP_PARAMETER);
  return {
    ...plan,
    parameters: takesAsleep
      ? withParameters(plan.parameters, { [ASLEEP_PARAMETER]: 'true' })
      : plan.parameters,
    tags: withTags(plan.tags, {
      [SLEEP_TAG.state]: SLEEP_STATE.waking,
      [SLEEP_TAG.awakeCapacity]: formatCapacity(state.awakeCapacity) || undefined,
      [SLEEP_TAG.activeAt]: state.activeAt,
    }),
  };
}

/**
 * The stack as it is, awake, asleep or waking, with only its tags changed (extend). Pure.
 */
export function unchangedStatePlan(
  plan: DeployPlan,
  existing: Stack,
  tags: Record<string, string>,
): DeployPlan {
  const state = sleepStateOf(existing);
  const base = state.asleep
    ? asleepPlan(plan, existing)
    : state.waking
      ? wakingPlan(plan, existing)
      : { ...plan, tags: withTags(plan.tags, { [SLEEP_TAG.activeAt]: state.activeAt }) };
  return { ...base, tags: withTags(base.tags, tags) };
}

/** Since when an environment has been idle: its last push or wake, else its last update. */
export function activeSince(stack: Stack): Date | undefined {
  const tagged = Date.parse(sleepStateOf(stack).activeAt ?? '');
  if (Number.isFinite(tagged)) return new Date(tagged);
  return stack.LastUpdatedTime ?? stack.CreationTime;
}

/**
 * Whether the sweeper puts an awake environment to sleep: sleep-after-hours is on and it has had
 * no push (nor wake) for that long. Pure.
 */
export function idleReason(stack: Stack, now: Date, sleepAfterHours: number): string | undefined {
  if (sleepAfterHours <= 0 || sleepStateOf(stack).asleep) return undefined;
  const since = activeSince(stack);
  if (!since) return undefined;
  const idleHours = (now.getTime() - since.getTime()) / 3_600_000;
  if (idleHours < sleepAfterHours) return undefined;
  return `no push for ${formatHours(idleHours)} (since ${isoSeconds(since)}; sleep-after-hours is ${Number(sleepAfterHours.toPrecision(3))})`;
}

/** `26.0 h`, `12 min`, `40 s`. */
function formatHours(hours: number): string {
  if (hours >= 1) return `${hours.toFixed(1)} h`;
  if (hours >= 1 / 60) return `${Math.round(hours * 60)} min`;
  return `${Math.round(hours * 3600)} s`;
}
