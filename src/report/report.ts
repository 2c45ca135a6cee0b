import type { RootCause } from '../stack/root-cause.js';
import type { SnapshotChoice } from '../snapshot.js';

export type Operation = 'create' | 'update' | 'none' | 'delete' | 'skipped';

/** Everything a run tells people about itself: the comment, the summary and the outputs. */
export interface RunReport {
  intent: 'deploy' | 'destroy' | 'plan' | 'sweep' | 'skip';
  outcome: 'success' | 'failure' | 'skipped';
  repository: string;
  prNumber?: number;
  stackName?: string;
  stackId?: string;
  operation?: Operation;
  status?: string;
  environmentUrl?: string;
  outputs: Record<string, string>;
  snapshot?: SnapshotChoice;
  headSha?: string;
  startedAt: Date;
  finishedAt: Date;
  runUrl?: string;
  rootCause?: RootCause;
  error?: string;
  /** Why nothing was done, and what a maintainer can do about it. */
  note?: string;
}

// Stack outputs are public to anyone who can read the PR. Whatever looks like a credential is
// masked in the log and left out of the comment and summary.
const SECRET_KEY = /pass(word)?|secret|token|credential|private.?key|api.?key/i;

export function isSecretOutputKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function publicOutputs(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).filter(([key]) => !isSecretOutputKey(key)));
}
