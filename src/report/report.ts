import type { RootCause } from '../stack/root-cause.js';
import type { SnapshotChoice } from '../snapshot.js';
import type { PlannedChange } from '../stack/plan.js';

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
  /** What a change set would do: for `plan`, and for a deploy the replacement guard stopped. */
  plan?: { type: 'CREATE' | 'UPDATE'; changes: PlannedChange[]; blocked: PlannedChange[] };
  /** What a sweep found and did, one entry per environment of the repository. */
  sweep?: SweepEntry[];
}

export interface SweepEntry {
  stackName: string;
  pr: number;
  action: 'delete' | 'keep';
  reason: string;
  outcome: 'kept' | 'pending' | 'deleted' | 'failed';
  error?: string;
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
