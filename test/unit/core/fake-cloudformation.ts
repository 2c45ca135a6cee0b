/**
 * A small scripted CloudFormation over aws-sdk-client-mock, whose operations finish the moment
 * they start.
 */
import {
  CloudFormationClient,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  ListChangeSetsCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  type Stack,
  type StackEvent,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import {
  event,
  missingStackError,
  stack,
  STACK_NAME,
  stackArn,
  type FakeClock,
} from './helpers.js';

export type CfnMock = AwsClientStub<CloudFormationClient>;

/** What a scripted operation ends in, and the resource events it produces on the way. */
export interface Outcome {
  final: string;
  resources?: { id: string; status: string; reason?: string; type?: string }[];
}

interface ChangeSetRecord {
  id: string;
  stackId: string;
  type: string;
  status: string;
  reason?: string;
}

/**
 * A CloudFormation account with one stack name, scripted per test. Every mutating call records
 * its events at once (with the call's ClientRequestToken), so a watcher sees a finished operation
 * on its first poll. `changeSet` decides how the next change set turns out; `execute`, `deletes`
 * and `rollback` decide how operations end.
 */
export class FakeCloudFormation {
  readonly mock: CfnMock;
  readonly client: CloudFormationClient;
  /** Every stack ever created, by ID. */
  readonly stacks = new Map<string, Stack>();
  /** Newest first, per stack ID. */
  readonly events = new Map<string, StackEvent[]>();
  readonly changeSets = new Map<string, ChangeSetRecord>();
  changeSet: { status: 'CREATE_COMPLETE' | 'FAILED'; reason?: string } = {
    status: 'CREATE_COMPLETE',
  };
  execute: Outcome = { final: 'CREATE_COMPLETE' };
  /** Outcomes of successive DeleteStack calls; the last one repeats. */
  deletes: Outcome[] = [{ final: 'DELETE_COMPLETE' }];
  rollback: Outcome = { final: 'UPDATE_ROLLBACK_COMPLETE' };
  remaining: StackResource[] = [];
  /** Status changes that happen by themselves once the clock reaches `at`. */
  scheduled: { at: number; status: string }[] = [];
  /** The order of calls, as command names. */
  readonly log: string[] = [];
  /** When each call in `log` was made, by the fake clock. */
  readonly logTimes: number[] = [];
  private stackCount = 0;
  private deleteCount = 0;

  constructor(private readonly clock: FakeClock) {
    this.client = new CloudFormationClient({ region: 'eu-west-1' });
    // The instance, not the class: each test's account is its own.
    this.mock = mockClient(this.client) as unknown as CfnMock;
    this.install();
  }

  /** A stack that exists before the run starts. */
  seed(status: string, extra: Partial<Stack> = {}): Stack {
    this.stackCount += 1;
    const seeded = stack(status, { StackId: stackArn(STACK_NAME, this.stackCount), ...extra });
    this.stacks.set(seeded.StackId!, seeded);
    this.events.set(seeded.StackId!, [
      event({ status: 'CREATE_IN_PROGRESS', token: 'earlier-run', stackId: seeded.StackId }),
    ]);
    return seeded;
  }

  live(): Stack | undefined {
    this.applySchedule();
    return [...this.stacks.values()].find(
      (s) => s.StackName === STACK_NAME && s.StackStatus !== 'DELETE_COMPLETE',
    );
  }

  /** When the first call of this name was made. */
  timeOf(name: string): number | undefined {
    const index = this.log.indexOf(name);
    return index < 0 ? undefined : this.logTimes[index];
  }

  /** Inputs of every call of a command, in order. */
  inputs<T extends object>(command: new (input: T) => unknown): T[] {
    return this.mock
      .commandCalls(command as never)
      .map((c: { args: unknown[] }) => (c.args[0] as { input: T }).input);
  }

  /** Names of the calls that change something. */
  mutations(): string[] {
    const reads = new Set([
      'DescribeStacks',
      'DescribeStackEvents',
      'DescribeChangeSet',
      'DescribeStackResources',
    ]);
    return this.log.filter((name) => !reads.has(name));
  }

  private applySchedule(): void {
    const due = this.scheduled.filter((s) => s.at <= this.clock.now());
    this.scheduled = this.scheduled.filter((s) => s.at > this.clock.now());
    for (const change of due) {
      const current = [...this.stacks.values()].find(
        (s) => s.StackName === STACK_NAME && s.StackStatus !== 'DELETE_COMPLETE',
      );
      if (current) current.StackStatus = change.status as Stack['StackStatus'];
    }
  }

  private run(stackId: string, token: string | undefined, start: string, outcome: Outcome): void {
    const s = this.stacks.get(stackId)!;
    const list = this.events.get(stackId)!;
    const add = (e: StackEvent) => list.unshift(e);
    add(event({ status: start, token, stackId, reason: 'User Initiated' }));
    for (const r of outcome.resources ?? []) {
      add(event({ status: r.status, id: r.id, type: r.type, reason: r.reason, token, stackId }));
    }
    add(event({ status: outcome.final, token, stackId }));
    s.StackStatus = outcome.final as Stack['StackStatus'];
  }

  private install(): void {
    const m = this.mock;
    const logged =
      <I, O>(name: string, fn: (input: I) => O) =>
      (input: I) => {
        this.log.push(name);
        this.logTimes.push(this.clock.now());
        return fn(input);
      };

    m.on(DescribeStacksCommand).callsFake(
      logged('DescribeStacks', (input: { StackName: string }) => {
        const byId = this.stacks.get(input.StackName);
        const found = byId ?? this.live();
        if (!found) throw missingStackError(input.StackName);
        return { Stacks: [structuredClone(found)] };
      }),
    );

    m.on(CreateChangeSetCommand).callsFake(
      logged(
        'CreateChangeSet',
        (input: { ChangeSetName: string; ChangeSetType: string; Tags?: Stack['Tags'] }) => {
          let s = this.live();
          if (input.ChangeSetType === 'CREATE') {
            if (s) throw new Error(`Stack [${STACK_NAME}] already exists`);
            this.stackCount += 1;
            s = stack('REVIEW_IN_PROGRESS', {
              StackId: stackArn(STACK_NAME, this.stackCount),
              Tags: input.Tags,
            });
            this.stacks.set(s.StackId!, s);
            this.events.set(s.StackId!, [
              event({ status: 'REVIEW_IN_PROGRESS', stackId: s.StackId }),
            ]);
          }
          if (!s) throw missingStackError(STACK_NAME);
          const id = `arn:aws:cloudformation:eu-west-1:123456789012:changeSet/${input.ChangeSetName}/1`;
          this.changeSets.set(id, {
            id,
            stackId: s.StackId!,
            type: input.ChangeSetType,
            ...this.changeSet,
          });
          return { Id: id, StackId: s.StackId };
        },
      ),
    );

    // A REVIEW_IN_PROGRESS stack here is always a shell an earlier run left: no change set waits.
    m.on(ListChangeSetsCommand).resolves({ Summaries: [] });

    m.on(DescribeChangeSetCommand).callsFake(
      logged('DescribeChangeSet', (input: { ChangeSetName: string }) => {
        const cs = this.changeSets.get(input.ChangeSetName);
        if (!cs) throw new Error(`ChangeSet [${input.ChangeSetName}] does not exist`);
        return {
          Status: cs.status,
          StatusReason: cs.reason,
          ExecutionStatus: cs.status === 'CREATE_COMPLETE' ? 'AVAILABLE' : 'UNAVAILABLE',
          Changes:
            cs.status === 'CREATE_COMPLETE'
              ? [{ Type: 'Resource', ResourceChange: { Action: 'Add' } }]
              : [],
        };
      }),
    );

    m.on(ExecuteChangeSetCommand).callsFake(
      logged(
        'ExecuteChangeSet',
        (input: { ChangeSetName: string; ClientRequestToken?: string }) => {
          const cs = this.changeSets.get(input.ChangeSetName)!;
          this.run(cs.stackId, input.ClientRequestToken, `${cs.type}_IN_PROGRESS`, this.execute);
          return {};
        },
      ),
    );

    m.on(DeleteChangeSetCommand).callsFake(
      logged('DeleteChangeSet', (input: { ChangeSetName: string }) => {
        this.changeSets.delete(input.ChangeSetName);
        return {};
      }),
    );

    m.on(DeleteStackCommand).callsFake(
      logged('DeleteStack', (input: { StackName: string; ClientRequestToken?: string }) => {
        const outcome = this.deletes[Math.min(this.deleteCount, this.deletes.length - 1)]!;
        this.deleteCount += 1;
        this.run(input.StackName, input.ClientRequestToken, 'DELETE_IN_PROGRESS', outcome);
        return {};
      }),
    );

    m.on(ContinueUpdateRollbackCommand).callsFake(
      logged(
        'ContinueUpdateRollback',
        (input: { StackName: string; ClientRequestToken?: string }) => {
          this.run(
            input.StackName,
            input.ClientRequestToken,
            'UPDATE_ROLLBACK_IN_PROGRESS',
            this.rollback,
          );
          return {};
        },
      ),
    );

    m.on(DescribeStackEventsCommand).callsFake(
      logged('DescribeStackEvents', (input: { StackName: string }) => ({
        StackEvents: [...(this.events.get(input.StackName) ?? [])],
      })),
    );

    m.on(DescribeStackResourcesCommand).callsFake(
      logged('DescribeStackResources', () => ({ StackResources: this.remaining })),
    );
  }
}
