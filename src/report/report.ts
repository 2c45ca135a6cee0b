import type { ResolvedBuild } from '../app/build.js';
import type { CostEstimate } from '../cost/estimate.js';
import type { RootCause } from '../stack/root-cause.js';
import type { CloneChoice } from '../data/clone.js';
import type { SnapshotChoice } from '../data/snapshot.js';
import type { PlannedChange } from '../stack/plan.js';
import type { ProgressSnapshot } from './progress.js';
import type { ScrubReport } from '../scrub/state.js';

export type Operation = 'create' | 'update' | 'none' | 'delete' | 'skipped';

/** Everything a run tells people about itself: the comment, the summary and the outputs. */

export interface RunReport {
  /** `chatops` until a PR comment's command is known; then the command's own. */
  intent:
    'deploy' | 'destroy' | 'plan' | 'sweep' | 'skip' | 'sleep' | 'wake' | 'extend' | 'chatops';
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
  /** The PR's build the environment runs (app-artifact or app-image), once found. */
  build?: ResolvedBuild;
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
  /** The environment after the run: awake or asleep, and until when it lives. */
  environment?: EnvironmentState;
  /** What the environment costs, awake and asleep, from its resources and parameters. */
  cost?: CostEstimate;
  /** The PR comment command the run answered. */
  command?: { text: string; user: string; url?: string };
  /** With data-source clone: the cluster the database was cloned from, and when. */
  clone?: CloneChoice;
  /** While the stack is being built: what is done and what is still in progress. */
  progress?: ProgressSnapshot;
  /** The scrub (scrub-sql): run now, or the record of an earlier one. */
  scrub?: ScrubReport;
  /** A deploy (a push) found the environment asleep and woke it. */
  wokeForDeploy?: boolean;
  /** When a visit to the sleeping URL woke the environment, since the action's last update. */
  wokeOnVisit?: string;
}

export interface EnvironmentState {
  /** `waking`: a visit to its URL is waking it (src/wake/), the page answering meanwhile. */
  state: 'awake' | 'asleep' | 'waking';
  /** `pr-env:expires-at`: an ISO time, or `never`. */
  expiresAt?: string;
  /** The Aurora cluster's status(es) as RDS last reported them, when the run looked. */
  database?: string;
  /** The stack has the wake page's function: asleep, its URL answers a page and a visit wakes it. */
  wakePage?: boolean;
}

export interface SweepEntry {
  stackName: string;
  pr: number;
  action: 'delete' | 'keep' | 'sleep' | 'stop-database' | 'finish-wake';
  reason: string;
  outcome: 'kept' | 'pending' | 'deleted' | 'failed' | 'asleep' | 'stopped' | 'awake';
  error?: string;
}

// Stack outputs are public to anyone who can read the PR. Whatever looks like a credential is
// masked in the log and left out of the comment and summary.
const SECRET_KEY = /pass(word)?|secret|token|credential|private.?key|api.?key/i;
// A key that names where a secret lives (`DBSecretArn`, `ApiKeyParameterName`) holds an address,
// not the secret: masking it would hide the very thing people need to fetch it.
const REFERENCE_KEY = /(Arn|ARN|_arn|Name|_name|Id|ID|_id)$/;

export function isSecretOutputKey(key: string): boolean {
  return SECRET_KEY.test(key) && !REFERENCE_KEY.test(key);
}

// A connection string carries a password under an innocent key (`DatabaseUrl`).
export const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:([^\s@/]+)@/gi;

export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, (url, password: string) =>
    url.replace(`:${password}@`, ':***@'),
  );
}

/** The outputs fit to show on the PR: no secret-named ones, no passwords inside URLs. */
export function publicOutputs(outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(outputs)
      .filter(([key]) => !isSecretOutputKey(key))
      .map(([key, value]) => [key, redactUrlPasswords(value)]),
  );
}
