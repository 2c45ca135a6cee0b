import type { Stack } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import type { DeployPlan } from '../../../src/stack/deploy.js';
import {
  asleepPlan,
  awakePlan,
  deployPlanFor,
  idleReason,
  parseCapacity,
  unchangedStatePlan,
} from '../../../src/run/sleep-state.js';
import { clusterOwnershipProblem } from '../../../src/stack/clusters.js';

const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/pr-env-shop-pr-7/abc';
const now = new Date('2026-11-23T12:00:00Z');

function stack(tags: Record<string, string>, parameters: Record<string, string> = {}): Stack {
  return {
    StackId: STACK_ID,
    StackName: 'pr-env-shop-pr-7',
    StackStatus: 'UPDATE_COMPLETE',
    CreationTime: new Date('2026-11-20T00:00:00Z'),
    Tags: Object.entries({
      'pr-env:repository': 'octo-org/shop',
      'pr-env:pull-request': '7',
      'pr-env:head-sha': 'a'.repeat(40),
      'pr-env:expires-at': '2026-11-26T00:00:00Z',
      ...tags,
    }).map(([Key, Value]) => ({ Key, Value })),
    Parameters: Object.entries({
      MinSize: '2',
      MaxSize: '4',
      DesiredCapacity: '3',
      ...parameters,
    }).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
  };
}

/** What the deploy path would send: no capacity overrides, the ownership tags. */
const plan: DeployPlan = {
  template: { TemplateBody: '{}' },
  parameters: [{ ParameterKey: 'AppVersion', ParameterValue: 'a'.repeat(40) }],
  tags: [
    { Key: 'pr-env:repository', Value: 'octo-org/shop' },
    { Key: 'pr-env:expires-at', Value: '2026-11-26T00:00:00Z' },
  ],
};

const params = (p: DeployPlan) =>
  Object.fromEntries(p.parameters.map((x) => [x.ParameterKey, x.ParameterValue]));
const tags = (p: DeployPlan) => Object.fromEntries(p.tags.map((x) => [x.Key, x.Value]));

describe('sleep and wake as stack updates', () => {
  it('sleeps by capacity 0, remembering the capacity it had and keeping the idle clock', () => {
    const asleep = asleepPlan(plan, stack({ 'pr-env:active-at': '2026-11-22T00:00:00Z' }));
    expect(params(asleep)).toEqual({
      AppVersion: 'a'.repeat(40),
      MinSize: '0',
      DesiredCapacity: '0',
    });
    expect(tags(asleep)).toMatchObject({
      'pr-env:state': 'asleep',
      'pr-env:awake-capacity': 'MinSize=2 DesiredCapacity=3',
      'pr-env:active-at': '2026-11-22T00:00:00Z',
      'pr-env:expires-at': '2026-11-26T00:00:00Z',
    });
  });

  it('turns the listeners to the wake page (Asleep=true) when the template takes it', () => {
    const takes = {
      ...plan,
      parameters: [...plan.parameters, { ParameterKey: 'Asleep', ParameterValue: 'false' }],
    };
    const asleep = asleepPlan(takes, stack({}));
    expect(params(asleep).Asleep).toBe('true');
    // One value per parameter: the deploy's false is replaced, not doubled.
    expect(asleep.parameters.filter((p) => p.ParameterKey === 'Asleep')).toHaveLength(1);
    // A template of the user's own without it is not given one (CloudFormation would refuse it).
    expect(params(asleepPlan(plan, stack({})))).not.toHaveProperty('Asleep');
    // Waking keeps the deploy's own false.
    const sleeping = stack({ 'pr-env:state': 'asleep' }, { MinSize: '0', DesiredCapacity: '0' });
    expect(params(awakePlan(takes, sleeping, {}, now)).Asleep).toBe('false');
  });

  it('extends a waking environment as it is: the page still answering, the state kept', () => {
    const takes = {
      ...plan,
      parameters: [...plan.parameters, { ParameterKey: 'Asleep', ParameterValue: 'false' }],
    };
    const waking = stack(
      {
        'pr-env:state': 'waking',
        'pr-env:awake-capacity': 'MinSize=2 DesiredCapacity=3',
        'pr-env:active-at': '2026-11-23T11:00:00Z',
        'pr-env:woke-on-visit': '2026-11-23T11:00:00Z',
      },
      { MinSize: '2', DesiredCapacity: '3' },
    );
    const extended = unchangedStatePlan(takes, waking, { 'pr-env:expires-at': 'never' });
    expect(params(extended).Asleep).toBe('true');
    expect(tags(extended)).toMatchObject({
      'pr-env:state': 'waking',
      'pr-env:awake-capacity': 'MinSize=2 DesiredCapacity=3',
      'pr-env:active-at': '2026-11-23T11:00:00Z',
      'pr-env:expires-at': 'never',
    });
    // Told of once, by the run that found it.
    expect(tags(extended)).not.toHaveProperty('pr-env:woke-on-visit');
    // A push finishes the wake: the deploy's own Asleep=false and tags, without the state.
    const pushed = deployPlanFor(takes, waking, 'b'.repeat(40), {}, now);
    expect(params(pushed).Asleep).toBe('false');
    expect(tags(pushed)).not.toHaveProperty('pr-env:state');
  });

  it('keeps the remembered capacity when put to sleep again', () => {
    const sleeping = stack(
      { 'pr-env:state': 'asleep', 'pr-env:awake-capacity': 'MinSize=2 DesiredCapacity=3' },
      { MinSize: '0', DesiredCapacity: '0' },
    );
    expect(tags(asleepPlan(plan, sleeping))['pr-env:awake-capacity']).toBe(
      'MinSize=2 DesiredCapacity=3',
    );
  });

  it('wakes to the remembered capacity (inputs win), dropping the sleep tags', () => {
    const sleeping = stack(
      { 'pr-env:state': 'asleep', 'pr-env:awake-capacity': 'MinSize=2 DesiredCapacity=3' },
      { MinSize: '0', DesiredCapacity: '0' },
    );
    const awake = awakePlan(plan, sleeping, {}, now);
    expect(params(awake)).toMatchObject({ MinSize: '2', DesiredCapacity: '3' });
    expect(tags(awake)).not.toHaveProperty('pr-env:state');
    expect(tags(awake)).not.toHaveProperty('pr-env:awake-capacity');
    expect(tags(awake)['pr-env:active-at']).toBe('2026-11-23T12:00:00Z');

    const withInput = awakePlan(
      {
        ...plan,
        parameters: [...plan.parameters, { ParameterKey: 'MinSize', ParameterValue: '1' }],
      },
      sleeping,
      { MinSize: '1' },
      now,
    );
    expect(params(withInput)).toMatchObject({ MinSize: '1', DesiredCapacity: '3' });
  });

  it('wakes a sleeping environment on an ordinary deploy (a push)', () => {
    const sleeping = stack({
      'pr-env:state': 'asleep',
      'pr-env:awake-capacity': 'MinSize=1 DesiredCapacity=1',
    });
    const deploy = deployPlanFor(plan, sleeping, 'b'.repeat(40), {}, now);
    expect(tags(deploy)).not.toHaveProperty('pr-env:state');
    expect(params(deploy)).toMatchObject({ MinSize: '1', DesiredCapacity: '1' });
  });

  it('restarts the idle clock when the head moves, and only then', () => {
    const awake = stack({ 'pr-env:active-at': '2026-11-22T00:00:00Z' });
    expect(tags(deployPlanFor(plan, awake, 'b'.repeat(40), {}, now))['pr-env:active-at']).toBe(
      '2026-11-23T12:00:00Z',
    );
    expect(tags(deployPlanFor(plan, awake, 'a'.repeat(40), {}, now))['pr-env:active-at']).toBe(
      '2026-11-22T00:00:00Z',
    );
    expect(tags(deployPlanFor(plan, undefined, 'a'.repeat(40), {}, now))['pr-env:active-at']).toBe(
      '2026-11-23T12:00:00Z',
    );
    // A stack from before active-at existed: a re-run adds nothing, so it stays a no-op.
    expect(tags(deployPlanFor(plan, stack({}), 'a'.repeat(40), {}, now))).not.toHaveProperty(
      'pr-env:active-at',
    );
  });

  it('extends an asleep environment without waking it', () => {
    const sleeping = stack(
      { 'pr-env:state': 'asleep', 'pr-env:awake-capacity': 'MinSize=2 DesiredCapacity=3' },
      { MinSize: '0', DesiredCapacity: '0' },
    );
    const extended = unchangedStatePlan(plan, sleeping, {
      'pr-env:expires-at': '2026-12-01T00:00:00Z',
    });
    expect(params(extended)).toMatchObject({ MinSize: '0', DesiredCapacity: '0' });
    expect(tags(extended)).toMatchObject({
      'pr-env:state': 'asleep',
      'pr-env:expires-at': '2026-12-01T00:00:00Z',
    });
    const awake = unchangedStatePlan(plan, stack({}), {
      'pr-env:expires-at': '2026-12-01T00:00:00Z',
    });
    expect(params(awake)).not.toHaveProperty('MinSize');
    expect(tags(awake)).not.toHaveProperty('pr-env:state');
  });

  it('reads only known capacity parameters back', () => {
    expect(parseCapacity('MinSize=2 DesiredCapacity=x Other=1')).toEqual({ MinSize: '2' });
  });
});

describe('idleReason', () => {
  it('puts to sleep after sleep-after-hours without a push or wake', () => {
    const idle = stack({ 'pr-env:active-at': '2026-11-22T10:00:00Z' });
    expect(idleReason(idle, now, 24)).toBe(
      'no push for 26.0 h (since 2026-11-22T10:00:00Z; sleep-after-hours is 24)',
    );
    expect(idleReason(idle, now, 27)).toBeUndefined();
    expect(idleReason(stack({ 'pr-env:active-at': '2026-11-23T11:30:00Z' }), now, 0.25)).toBe(
      'no push for 30 min (since 2026-11-23T11:30:00Z; sleep-after-hours is 0.25)',
    );
    expect(idleReason(idle, now, 0)).toBeUndefined();
  });

  it('never sleeps an environment already asleep', () => {
    expect(
      idleReason(
        stack({ 'pr-env:state': 'asleep', 'pr-env:active-at': '2026-11-01T00:00:00Z' }),
        now,
        1,
      ),
    ).toBeUndefined();
  });

  it('falls back to the last update, then the creation, without the tag', () => {
    expect(idleReason(stack({}), now, 24)).toMatch(
      /^no push for 84\.0 h \(since 2026-11-20T00:00:00Z/,
    );
    expect(
      idleReason({ ...stack({}), LastUpdatedTime: new Date('2026-11-23T00:00:00Z') }, now, 24),
    ).toBeUndefined();
  });
});

describe('clusterOwnershipProblem', () => {
  const own = stack({});
  it("accepts CloudFormation's own tags naming this stack", () => {
    expect(
      clusterOwnershipProblem({ 'aws:cloudformation:stack-id': STACK_ID }, own),
    ).toBeUndefined();
  });
  it('accepts the propagated pr-env tags where CloudFormation left its own out', () => {
    expect(
      clusterOwnershipProblem(
        { 'pr-env:repository': 'octo-org/shop', 'pr-env:pull-request': '7' },
        own,
      ),
    ).toBeUndefined();
  });
  it('refuses a cluster of another stack, even with matching pr-env tags', () => {
    expect(
      clusterOwnershipProblem(
        {
          'aws:cloudformation:stack-id': STACK_ID.replace('pr-7', 'pr-8'),
          'pr-env:repository': 'octo-org/shop',
          'pr-env:pull-request': '7',
        },
        own,
      ),
    ).toMatch(/its tags name the stack ".*pr-8.*", not/);
  });
  it('refuses a cluster with no tags tying it to the stack', () => {
    expect(clusterOwnershipProblem({ 'pr-env:repository': 'octo-org/shop' }, own)).toMatch(
      /neither aws:cloudformation:stack-id nor/,
    );
  });
});
