import type { RootCause } from '../stack/root-cause.js';

/** A scrub that did not pass: the SQL's own error is the run's root cause. */
export class ScrubFailedError extends Error {
  constructor(
    message: string,
    readonly rootCause: RootCause,
  ) {
    super(message);
    this.name = 'ScrubFailedError';
  }
}
