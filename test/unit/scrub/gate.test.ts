/**
 * The gate, from the run's side: the parameter-only update that admits the web tier follows a
 * scrub that passed, and nothing else. CloudFormation is the scripted fake of the core tests;
 * SSM and RDS are mocked SDK clients.
 */
import { CreateChangeSetCommand, type Parameter } from '@aws-sdk/client-cloudformation';
import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetCommandInvocationCommand, SSMClient, SendCommandCommand } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { RunContext } from '../../../src/run/context.js';
import { runPendingScrub } from '../../../src/run/scrub.js';
import { ScrubFailedError } from '../../../src/scrub/failure.js';
import { FakeCloudFormation } from '../core/fake-cloudformation.js';
import { fakeClock, ownerTags, REPOSITORY, target, type FakeClock } from '../core/helpers.js';

const SHA = 'c'.repeat(64);
const ssm = new SSMClient({ region: 'eu-west-1' });
const rds = new RDSClient({ region: 'eu-west-1' });
const ssmMock = mockClient(ssm);
const rdsMock = mockClient(rds);
let clock: FakeClock;
let world: FakeCloudFormation;

const PARAMETERS: Parameter[] = [
  { ParameterKey: 'EnvironmentName', ParameterValue: 'pr-env-shop-pr-7' },
  { ParameterKey: 'DBEngine', ParameterValue: 'aurora-postgresql' },
  { ParameterKey: 'DBAppAccess', ParameterValue: 'closed' },
  {
    ParameterKey: 'DBScrubSqlS3Uri',
    ParameterValue: `s3://t/pr-env/pr-env-shop-pr-7/scrub/${SHA}.sql`,
  },
  { ParameterKey: 'DBScrubState', ParameterValue: `pending sha256=${SHA} at=2026-01-15T12:00:00Z` },
];

function context(): RunContext {
  const aws = {
    region: 'eu-west-1',
    cloudFormation: async () => world.client,
    rds: async () => rds,
    ssm: async () => ssm,
  } as unknown as AwsClients;
  return {
    settings: { timeoutMinutes: 30 } as RunContext['settings'],
    repository: REPOSITORY,
    repo: { owner: 'acme', repo: 'shop' },
    aws,
    github: {} as RunContext['github'],
    clock,
    report: {
      intent: 'deploy',
      outcome: 'success',
      repository: REPOSITORY,
      outputs: {},
      startedAt: new Date(clock.now()),
      finishedAt: new Date(clock.now()),
      scrub: { status: 'pending', file: 'scrub.sql', sha256: SHA, at: '2026-01-15T12:00:00Z' },
    },
    deadline: clock.now() + 30 * 60_000,
  };
}

beforeEach(() => {
  clock = fakeClock();
  world = new FakeCloudFormation(clock);
  world.seed('CREATE_COMPLETE', {
    Parameters: PARAMETERS,
    Tags: ownerTags(),
    Outputs: [
      { OutputKey: 'BastionInstanceId', OutputValue: 'i-0123456789abcdef0' },
      {
        OutputKey: 'DBSecretArn',
        OutputValue: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x',
      },
    ],
  });
  world.execute = { final: 'UPDATE_COMPLETE' };
  ssmMock.reset();
  rdsMock.reset();
  rdsMock.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  ssmMock.on(SendCommandCommand).resolves({ Command: { CommandId: 'c-1' } });
});

describe('runPendingScrub', () => {
  it('opens the database with a parameter-only update once the scrub passed', async () => {
    ssmMock.on(GetCommandInvocationCommand).resolves({ Status: 'Success', ResponseCode: 0 });
    const ctx = context();
    await runPendingScrub(ctx, target(world.client, clock), world.live());
    const [update] = world.inputs(CreateChangeSetCommand);
    expect(update).toMatchObject({ ChangeSetType: 'UPDATE', UsePreviousTemplate: true });
    const values = Object.fromEntries(
      (update!.Parameters ?? []).map((p) => [
        p.ParameterKey,
        p.UsePreviousValue ? 'previous' : p.ParameterValue,
      ]),
    );
    expect(values).toEqual({
      EnvironmentName: 'previous',
      DBEngine: 'previous',
      DBScrubSqlS3Uri: 'previous',
      DBAppAccess: 'open',
      DBScrubState: expect.stringMatching(
        new RegExp(`^passed sha256=${SHA} at=2026-01-15T12:00:00Z seconds=\\d+$`),
      ),
    });
    expect(ctx.report.scrub?.status).toBe('passed');
  });

  it.each([
    ['Failed', 'psql:/tmp/s.sql:3: ERROR:  column "phone" does not exist'],
    ['TimedOut', 'did not finish within timeout-minutes (30 min)'],
  ] as const)(
    'keeps the database closed when the scrub ends %s, naming why',
    async (status, why) => {
      ssmMock.on(GetCommandInvocationCommand).resolves({
        Status: status,
        ResponseCode: status === 'Failed' ? 3 : -1,
        StandardErrorContent: status === 'Failed' ? `${why}\nLINE 1: …\n` : '',
      });
      const ctx = context();
      const error = await runPendingScrub(ctx, target(world.client, clock), world.live()).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ScrubFailedError);
      expect((error as ScrubFailedError).rootCause.reason).toBe(why);
      expect(world.inputs(CreateChangeSetCommand)).toEqual([]);
      expect(ctx.report.scrub?.status).toBe('failed');
    },
  );

  it('does nothing when no scrub is pending', async () => {
    const ctx = context();
    ctx.report.scrub = undefined;
    await runPendingScrub(ctx, target(world.client, clock), world.live());
    expect(ssmMock.commandCalls(SendCommandCommand)).toHaveLength(0);
    expect(world.mutations()).toEqual([]);
  });
});
