import type { CloudFormationClient, StackEvent } from '@aws-sdk/client-cloudformation';
import type { Clock } from '../clock.js';
import type { Owner } from './describe.js';
import { findRootCause, formatRootCause, type RootCause } from './root-cause.js';
import type { PollPolicy } from './watch.js';

/** The stack a run works on, and the limits it works within. */
export interface StackTarget {
  cfn: CloudFormationClient;
  /** For the watcher's polls, without SDK retries (AwsClients.cloudFormationPolls); else cfn. */
  pollCfn?: CloudFormationClient;
  stackName: string;
  owner: Owner;
  /** Epoch milliseconds after which the run stops waiting. */
  deadline: number;
  roleArn?: string;
  runId?: string;
  poll: PollPolicy;
  clock: Clock;
  onEvent?: (event: StackEvent) => void;
  /** CloudFormation reads others make while the watcher waits (the progress feed's). */
  sideReads?: { count: number };
}

/** A stack operation that ended in anything but its success status. */
export class StackOperationError extends Error {
  readonly rootCause?: RootCause;
  constructor(
    readonly stackName: string,
    readonly operation: string,
    readonly status: string,
    readonly events: StackEvent[],
    readonly stackId?: string,
  ) {
    const rootCause = findRootCause(events);
    super(
      `Stack "${stackName}" ${operation} failed with status ${status}` +
        (rootCause ? `: ${formatRootCause(rootCause)}` : ''),
    );
    this.name = 'StackOperationError';
    this.rootCause = rootCause;
  }
}
