import type { StackEvent } from '@aws-sdk/client-cloudformation';

/** Waiting on a stack ran out of time: the run stops, the stack's own operation goes on. */
export class WatchTimeoutError extends Error {
  constructor(
    readonly stackName: string,
    readonly lastStatus: string,
    readonly events: StackEvent[],
  ) {
    super(`Timed out waiting for stack "${stackName}": its last status was ${lastStatus}`);
    this.name = 'WatchTimeoutError';
  }
}
