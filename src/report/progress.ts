import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { isStackEvent } from '../stack/root-cause.js';
import { isInProgress, isSettled } from '../stack/status.js';

/** What the comment and the log show while a stack is being built. */
export interface ProgressSnapshot {
  operation: 'create' | 'update';
  /** Resources of the change set that have finished (complete, skipped or failed). */
  done: number;
  /** Resources in the change set. */
  total: number;
  /** Still in progress, longest first. */
  inProgress: { what: string; ms: number }[];
  /** Resources that failed so far: a rollback is coming. */
  failed: string[];
  /** The environment's URL, once the load balancer exists. */
  url?: string;
  /** How often the comment is edited at most. */
  everyMs: number;
}

/** Where the database comes from: the cluster's step reads "restoring" or "cloning". */
export type DataOrigin = 'snapshot' | 'clone' | undefined;

/** A resource's step in plain words: `database restoring`, `web servers starting`. Pure. */
export function describeStep(
  logicalId: string,
  type: string,
  operation: 'create' | 'update',
  origin: DataOrigin,
): string {
  const creating = operation === 'create';
  switch (type) {
    case 'AWS::RDS::DBCluster':
      if (!creating) return 'database updating';
      return origin === 'clone' ? 'database cloning' : 'database restoring';
    case 'AWS::RDS::DBInstance':
      return `database instance ${logicalId} ${creating ? 'starting' : 'updating'}`;
    case 'AWS::AutoScaling::AutoScalingGroup':
      return creating ? 'web servers starting' : 'web servers rolling';
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return 'load balancer provisioning';
    case 'AWS::EC2::NatGateway':
      return 'NAT gateway';
    default:
      return logicalId;
  }
}

interface ResourceStep {
  type: string;
  status: string;
  /** When its current step began (its first *_IN_PROGRESS event since it last settled). */
  since: number;
}

/**
 * Follows one operation's resource events, as the watcher passes them on: which resources are
 * done and which are still in progress, since when. Pure state.
 */
export class ProgressTracker {
  private readonly resources = new Map<string, ResourceStep>();
  private ended = false;

  constructor(
    readonly operation: 'create' | 'update',
    /** The change set's resources: the watcher only sees those CloudFormation works on. */
    readonly total: number,
    private readonly origin: DataOrigin = undefined,
  ) {}

  /** Takes one event of the operation. */
  onEvent(event: StackEvent): void {
    const status = event.ResourceStatus ?? '';
    if (isStackEvent(event)) {
      // The operation is over once the stack says so, or is cleaning up or rolling back: the
      // run's own report is moments away, or the resources' progress no longer means much.
      if (isSettled(status) || /_CLEANUP_IN_PROGRESS$|ROLLBACK_IN_PROGRESS$/.test(status)) {
        this.ended = true;
      }
      return;
    }
    const id = event.LogicalResourceId ?? '';
    const at = event.Timestamp?.getTime() ?? 0;
    const known = this.resources.get(id);
    const since = known && isInProgress(known.status) && isInProgress(status) ? known.since : at;
    this.resources.set(id, { type: event.ResourceType ?? '', status, since });
  }

  /** Whether the stack has said its operation is over (or is cleaning up, or rolling back). */
  get over(): boolean {
    return this.ended;
  }

  snapshot(now: number, everyMs: number, url?: string): ProgressSnapshot {
    const steps = [...this.resources];
    const inProgress = steps
      .filter(([, step]) => isInProgress(step.status))
      .sort(([, a], [, b]) => a.since - b.since)
      .map(([id, step]) => ({
        what: describeStep(id, step.type, this.operation, this.origin),
        ms: Math.max(0, now - step.since),
      }));
    const failed = steps.filter(([, s]) => s.status.endsWith('_FAILED')).map(([id]) => id);
    const done = steps.filter(([, s]) => !isInProgress(s.status)).length;
    return {
      operation: this.operation,
      done: Math.min(done, this.total),
      total: this.total,
      inProgress,
      failed,
      url,
      everyMs,
    };
  }
}

/** `12 min`, `45 s`: an age, as short as it stays readable. Pure. */
export function shortAge(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}

function inProgressList(snapshot: ProgressSnapshot, limit: number): string {
  const shown = snapshot.inProgress.slice(0, limit).map((s) => `${s.what}, ${shortAge(s.ms)}`);
  const more = snapshot.inProgress.length - shown.length;
  return [...shown, ...(more > 0 ? [`${more} more`] : [])].join('; ');
}

/** One compact line for the job log: `pr-env: 23/41 done · in progress: database restoring, 12 min`. Pure. */
export function progressLine(snapshot: ProgressSnapshot): string {
  const parts = [`pr-env: ${snapshot.done}/${snapshot.total} resources done`];
  if (snapshot.inProgress.length > 0) parts.push(`in progress: ${inProgressList(snapshot, 3)}`);
  if (snapshot.failed.length > 0) parts.push(`failed: ${snapshot.failed.join(', ')}`);
  if (snapshot.url) parts.push(snapshot.url);
  return parts.join(' · ');
}

/** The comment's progress section. Pure. */
export function progressMarkdown(snapshot: ProgressSnapshot): string[] {
  const width = 20;
  const filled = snapshot.total > 0 ? Math.round((snapshot.done / snapshot.total) * width) : 0;
  const bar = `${'▰'.repeat(filled)}${'▱'.repeat(width - filled)}`;
  const lines = [`**Progress**: ${bar} ${snapshot.done} / ${snapshot.total} resources done`, ''];
  if (snapshot.inProgress.length > 0) {
    lines.push(`**In progress**: ${inProgressList(snapshot, 6)}`, '');
  }
  if (snapshot.failed.length > 0) {
    lines.push(`**Failed**: ${snapshot.failed.map((id) => `\`${id}\``).join(', ')}`, '');
  }
  if (snapshot.url) {
    lines.push(
      `The URL is known: ${snapshot.url} (it answers once the web servers are up; the database may still be on its way).`,
      '',
    );
  }
  lines.push(
    `_This comment is edited as the stack is built, at most every ${shortAge(snapshot.everyMs)}._`,
    '',
  );
  return lines;
}
