// `command: plan`: what a deploy would do, shown in the comment, the job summary and the outputs,
// with nothing changed: the change set is deleted, and so is the review stack a CREATE leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequestEvent, workflowDispatchEvent } from '../fixtures/events.js';
import {
  CLUSTER,
  OWNER,
  REPO,
  REPOSITORY,
  errors,
  runAction,
  sha,
  startWorld,
  type World,
  stackOf,
} from './harness.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplate } from '../../src/template/cfn-yaml.js';

let world: World;
let snapshotArn = '';

beforeAll(async () => {
  world = await startWorld({ quotas: { 'AWS::EC2::VPC': 2 } });
  snapshotArn = world.aws.addSnapshot({
    cluster: CLUSTER,
    id: 'rds:prod-db-2026-11-22-03-00',
    createdAt: new Date(Date.now() - 3_600_000),
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
  }).arn;
});
afterAll(async () => world?.stop());

const comment = (pr: number) => world.gh.comments(OWNER, REPO, pr)[0]?.body ?? '';
const TEMPLATE = readFileSync(
  fileURLToPath(new URL('../../templates/environment.yml', import.meta.url)),
  'utf8',
);
/** Whatever a plan must never leave: an executed change set, a change set, a stack. */
const executions = () => world.aws.calls.filter((c) => c.action === 'ExecuteChangeSet');

describe('plan', () => {
  it('shows what a push would modify on an existing stack, and deletes its change set', async () => {
    const parameters = {
      EnvironmentName: stackOf(12),
      PullRequestNumber: '12',
      AppVersion: sha(120),
      DBSnapshotIdentifier: snapshotArn,
      DBEngine: 'aurora-postgresql',
      DBEngineVersion: '16.4',
      DBCloneSourceCluster: '',
      DBCloneRestoreTime: '',
      DBCloneClusterName: '',
      DBMasterUsername: 'postgres',
    };
    world.aws.seedStack({
      name: stackOf(12),
      status: 'CREATE_COMPLETE',
      templateBody: TEMPLATE,
      parameters,
      tags: {
        'pr-env:repository': REPOSITORY,
        'pr-env:pull-request': '12',
        'pr-env:head-sha': sha(120),
      },
    });
    world.aws.clearCalls();
    const run = await runAction(world, {
      eventName: 'pull_request_target',
      payload: pullRequestEvent('synchronize', {
        owner: OWNER,
        repo: REPO,
        number: 12,
        headSha: sha(121),
      }),
      inputs: { 'source-db-cluster': CLUSTER, command: 'plan' },
    });
    expect(errors(run)).toEqual([]);
    const changes = run.outputs['changes-markdown'] ?? '';
    expect(run.outputs['has-changes']).toBe('true');
    expect(changes).toContain(
      '| Modify | `LaunchTemplate` | AWS::EC2::LaunchTemplate | False | LaunchTemplateData (from parameter AppVersion) |',
    );
    expect(changes).not.toContain('| Add |');
    // The new head-sha stack tag reaches every taggable resource: those are one line, not rows.
    expect(changes).not.toContain('| Modify | `DBCluster`');
    expect(changes).toMatch(
      /\nAnd \d+ resource\(s\) whose only change is their tags, in place: .*`DBCluster`/,
    );
    expect(comment(12)).toMatch(/\*\*Plan\*\* \(update\): 0 to add, \d+ to modify, 0 to remove/);

    const createdSet = world.aws.calls.find((c) => c.action === 'CreateChangeSet');
    expect(createdSet?.params.ChangeSetType).toBe('UPDATE');
    expect(world.aws.calls.map((c) => c.action)).toContain('DeleteChangeSet');
    expect(executions()).toEqual([]);
    const stack = world.aws.stack(stackOf(12));
    expect(stack?.status).toBe('CREATE_COMPLETE');
    expect(stack?.parameters.AppVersion).toBe(sha(120));
    expect(stack?.changeSets).toEqual([]);
    // An update adds no VPC: the account's quotas are not asked about.
    expect(world.aws.calls.filter((c) => c.service === 'ec2')).toEqual([]);
  });
  it('shows a new stack resource by resource from workflow_dispatch, with the quota a deploy would hit, and leaves no review stack', async () => {
    // The default VPC and PR 12's fill the account's two: a deploy would stop, the plan says so.
    world.aws.ec2.seed({ vpcs: 1 });
    world.aws.clearCalls();
    world.gh.addPullRequest({ owner: OWNER, repo: REPO, number: 11, headSha: sha(11) });
    const run = await runAction(world, {
      eventName: 'workflow_dispatch',
      payload: workflowDispatchEvent({
        owner: OWNER,
        repo: REPO,
        inputs: { 'pr-number': '11', command: 'plan' },
      }),
      inputs: { 'source-db-cluster': CLUSTER, 'pr-number': '11', command: 'plan' },
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);

    // Every resource the template creates under its default parameters (no HTTPS, one NAT, a
    // network of its own).
    const template = parseTemplate(TEMPLATE, 'environment.yml');
    const unconditional = Object.entries(template.Resources).filter(
      ([, r]) => !r.Condition || r.Condition === 'OwnNetwork',
    );
    expect(run.outputs).toMatchObject({
      'has-changes': 'true',
      'changes-count': String(unconditional.length),
      operation: 'none',
    });
    expect(run.outputs['changes-markdown']).toMatch(
      /^\| Action \| Resource \| Type \| Replacement \| Caused by \|\n\|---/,
    );
    expect(run.outputs['changes-markdown']).toContain(
      '| Add | `DBCluster` | AWS::RDS::DBCluster |',
    );

    // The CREATE change set was described with property values, then dropped with its stack.
    const created = world.aws.calls.find((c) => c.action === 'CreateChangeSet');
    expect(created?.params).toMatchObject({ ChangeSetType: 'CREATE', StackName: stackOf(11) });
    expect(
      world.aws.calls.some(
        (c) => c.action === 'DescribeChangeSet' && c.params.IncludePropertyValues === 'true',
      ),
    ).toBe(true);
    expect(executions()).toEqual([]);
    expect(world.aws.stack(stackOf(11))).toBeUndefined();
    expect(world.aws.stacks().filter((s) => s.name === stackOf(11))).toEqual([
      expect.objectContaining({ status: 'DELETE_COMPLETE' }),
    ]);
    // A plan is not a deployment.
    expect(world.gh.deployments(OWNER, REPO)).toEqual([]);

    const body = comment(11);
    expect(body).toContain('📋 pr-env: plan for #11');
    expect(body).toContain(
      `**Plan** (new stack): ${unconditional.length} to add, 0 to modify, 0 to remove`,
    );
    expect(body).toContain('| Add | `VPC` | AWS::EC2::VPC | – | – |');
    expect(body).toContain(
      '⚠️ A deploy would stop before creating anything: VPCs per Region (L-F678F1CE) in us-east-1: 2 of 2 in use, the environment needs 1 more.',
    );
    expect(run.summary).toContain('| Add | `VPC` | AWS::EC2::VPC |');
  });
});
