import * as core from '@actions/core';
import {
  DescribeStackResourceCommand,
  type CloudFormationClient,
  type StackEvent,
} from '@aws-sdk/client-cloudformation';
import { errorMessage } from '../errors.js';
import { formatEvent } from '../stack/event-line.js';
import {
  ProgressTracker,
  progressLine,
  type DataOrigin,
  type ProgressSnapshot,
} from './progress.js';

/** The comment (and the log line) is refreshed at most this often while a stack is built. */
export const PROGRESS_EVERY_MS = 30_000;

/**
 * The first refresh waits this long into the operation: one that ends sooner needs no progress,
 * and its final report must not queue behind a progress edit (GitHub writes are paced).
 */
export const FIRST_PROGRESS_AFTER_MS = 5_000;

export function progressEveryMs(env: NodeJS.ProcessEnv = process.env): number {
  // The override exists for the simulator-backed tests, whose stacks build in seconds.
  const value = Number(env.PR_ENV_PROGRESS_MS);
  return Number.isFinite(value) && value > 0 ? value : PROGRESS_EVERY_MS;
}

/**
 * The metadata key under which a listener carries the environment's URL. A stack's outputs only
 * exist once it is complete; a resource's metadata, with its references resolved, is readable as
 * soon as the resource is (it is how cfn-init reads its configuration).
 */
export const URL_METADATA_KEY = 'pr-env:url';

/**
 * The URL a listener's metadata carries, once it exists; undefined otherwise. `reads` counts the
 * call's attempts: one as it starts (so a watcher deciding meanwhile sees it), the SDK's retries
 * of a throttled call when it ends.
 */
export async function listenerUrl(
  cfn: CloudFormationClient,
  stack: string,
  logicalId: string,
  reads: { count: number } = { count: 0 },
): Promise<string | undefined> {
  reads.count += 1;
  const attemptsOf = (x: unknown) =>
    Math.max(1, (x as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1);
  let output;
  try {
    output = await cfn.send(
      new DescribeStackResourceCommand({ StackName: stack, LogicalResourceId: logicalId }),
    );
  } catch (error) {
    reads.count += attemptsOf(error) - 1;
    throw error;
  }
  reads.count += attemptsOf(output) - 1;
  const { StackResourceDetail } = output;
  const metadata = JSON.parse(StackResourceDetail?.Metadata || '{}') as Record<string, unknown>;
  const url = metadata[URL_METADATA_KEY];
  return typeof url === 'string' && /^https?:\/\//.test(url) ? url : undefined;
}

type Timers = {
  setTimeout: (run: () => void, ms: number) => { unref?: () => void };
  clearTimeout: (timer: never) => void;
};

export interface ProgressFeedOptions {
  cfn: CloudFormationClient;
  stackName: string;
  everyMs: number;
  now(): number;
  /** Edits the comment with the snapshot; never rejects (a GitHub failure is a warning). */
  publish(snapshot: ProgressSnapshot): Promise<void>;
  timers?: Timers;
  /** Shared with the watcher (StackTarget.sideReads): CloudFormation reads made beside it. */
  reads?: { count: number };
}

/**
 * Progress while a stack is built, fed by the watcher's events: a compact line in the job log and
 * an edit of the comment, at the first event and then at most every `everyMs`, until the
 * operation ends. Edits never overlap, and a timer (not the watcher) paces them, so a slow GitHub
 * never holds the watcher up.
 */
export class ProgressFeed {
  private tracker?: ProgressTracker;
  private url?: string;
  private timer?: ReturnType<Timers['setTimeout']>;
  private started = false;
  private stopped = false;
  private lookedUp = new Set<string>();
  private readonly timers: Timers;

  constructor(private readonly options: ProgressFeedOptions) {
    this.timers = options.timers ?? (globalThis as unknown as Timers);
  }

  /**
   * The change set about to run: its operation and size, where the database comes from, and the
   * URL when the stack already has one (an update).
   */
  begin(
    operation: 'create' | 'update',
    total: number,
    { origin, url }: { origin?: DataOrigin; url?: string } = {},
  ): void {
    this.tracker = new ProgressTracker(operation, total, origin);
    this.url = url;
  }

  /** The watcher's onEvent: the event is logged as before, then followed. */
  readonly onEvent = (event: StackEvent): void => {
    core.info(formatEvent(event));
    if (!this.tracker || this.stopped) return;
    this.tracker.onEvent(event);
    if (this.tracker.over) return this.stop();
    if (
      !this.url &&
      event.ResourceType === 'AWS::ElasticLoadBalancingV2::Listener' &&
      event.ResourceStatus?.endsWith('_COMPLETE')
    ) {
      this.lookUpUrl(event.LogicalResourceId ?? '');
    }
    if (!this.started) {
      this.started = true;
      this.schedule(Math.min(FIRST_PROGRESS_AFTER_MS, this.options.everyMs));
    }
  };

  /** No more lines or edits; an edit in flight is the reporter's to cancel. */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.timers.clearTimeout(this.timer as never);
    this.timer = undefined;
  }

  private lookUpUrl(logicalId: string): void {
    if (this.lookedUp.has(logicalId)) return;
    this.lookedUp.add(logicalId);
    // The watcher's read budget counts this read too.
    listenerUrl(this.options.cfn, this.options.stackName, logicalId, this.options.reads).then(
      (url) => (this.url ??= url),
      (error) => core.debug(`No URL from ${logicalId} yet: ${errorMessage(error)}`),
    );
  }

  private tick(): void {
    if (this.stopped || !this.tracker) return;
    const startedAt = this.options.now();
    const snapshot = this.tracker.snapshot(startedAt, this.options.everyMs, this.url);
    // Every resource done and none in progress: the stack's own end is seconds away, and the
    // run's report with it. An edit now would only stand in that report's way.
    if (snapshot.done >= snapshot.total && snapshot.inProgress.length === 0) {
      return this.schedule(this.options.everyMs);
    }
    // The events are grouped; the progress line goes between groups, where it shows folded.
    core.endGroup();
    core.info(progressLine(snapshot));
    core.startGroup(`Stack events: ${this.options.stackName} (continued)`);
    void this.options.publish(snapshot).finally(() => {
      this.schedule(Math.max(0, startedAt + this.options.everyMs - this.options.now()));
    });
  }

  private schedule(wait: number): void {
    if (this.stopped) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, wait);
    // The pacing must never keep the process alive past the run's end.
    this.timer.unref?.();
  }
}
