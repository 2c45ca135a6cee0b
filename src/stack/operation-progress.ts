import type { StackEvent } from '@aws-sdk/client-cloudformation';
import { isStackEvent } from './root-cause.js';
import { isInProgress } from './status.js';

/**
 * Resource types CloudFormation takes minutes over (bench/lib/timings.ts cites the figures): a
 * stack with one of these still to start cannot end soon, and once the last of them has started,
 * only it and quick ones stand between the stack and its end. Deleting a cluster takes about a
 * minute once its instances are gone (S12): not slow beside them.
 */
const SLOW_TO_CREATE = new Set([
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::EC2::NatGateway',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::IAM::InstanceProfile',
]);
const SLOW_TO_DELETE = new Set([...SLOW_TO_CREATE].filter((t) => t !== 'AWS::RDS::DBCluster'));

/**
 * Of the shortest time a resource of the same type took earlier in the operation, the share the
 * next one is taken to need at least, and likely at most. A cluster's writer and reader take
 * about as long as each other; the benchmark varies each resource's time by ±20 %, and
 * 0.8 / 1.2 is 0.67, 1.2 / 0.8 is 1.5.
 */
const SAME_TYPE_SHARE = { earliest: 0.6, latest: 1.6 } as const;

/** A resource the operation goes through, as its change set (or the stack, for a delete) lists it. */
export interface ExpectedResource {
  logicalId: string;
  /** Whether it takes minutes: the stack's end waits on it. */
  slow: boolean;
}

export function expectedResource(
  logicalId: string,
  type: string,
  operation: 'create' | 'delete',
): ExpectedResource {
  return { logicalId, slow: (operation === 'create' ? SLOW_TO_CREATE : SLOW_TO_DELETE).has(type) };
}

export interface Progress {
  inFlight: number;
  settled: number;
  /**
   * How many resources the operation goes through, when known exactly: a create's change set, a
   * delete's resources. (An update's change set also lists resources that may not change.)
   */
  expected?: number;
  /** Of the expected resources, the slow ones not started yet. */
  slowNotStarted?: number;
  /** The earliest the stack can end, from what its resources took so far (runner's clock). */
  earliestEndAt?: number;
  /** The latest it is likely to, on the same grounds. */
  latestEndAt?: number;
}

interface Running {
  /** When it started, on AWS's clock (its event's timestamp). */
  startedAt?: number;
  type: string;
}

/**
 * What the events of one operation say about how far it has got: what is in flight, what has
 * settled, which slow resources are still to start, and when the stack can end, from how long
 * resources of the same type took earlier in the operation.
 */
export class OperationProgress {
  private readonly inFlight = new Map<string, Running>();
  private readonly settled = new Set<string>();
  /** The shortest time (ms) a resource of each type took to settle, on AWS's clock. */
  private readonly shortest = new Map<string, number>();
  /** The runner's clock minus AWS's, from the operation's own first event. */
  private offsetMs?: number;

  constructor(
    private readonly expected: ExpectedResource[] | undefined,
    private readonly startedAt: number,
  ) {}

  observe(event: StackEvent): void {
    const at = event.Timestamp?.getTime();
    const status = event.ResourceStatus ?? '';
    if (isStackEvent(event)) {
      // The watch starts as the operation does: its first event dates AWS's clock against ours.
      if (isInProgress(status) && at !== undefined) this.offsetMs ??= this.startedAt - at;
      return;
    }
    const id = event.LogicalResourceId ?? '';
    if (isInProgress(status)) {
      if (!this.inFlight.has(id))
        this.inFlight.set(id, { startedAt: at, type: event.ResourceType ?? '' });
      this.settled.delete(id);
      return;
    }
    const running = this.inFlight.get(id);
    if (running?.startedAt !== undefined && at !== undefined) {
      const took = at - running.startedAt;
      this.shortest.set(running.type, Math.min(this.shortest.get(running.type) ?? took, took));
    }
    this.inFlight.delete(id);
    this.settled.add(id);
  }

  snapshot(): Progress {
    const waiting = (r: ExpectedResource) =>
      !this.settled.has(r.logicalId) && !this.inFlight.has(r.logicalId);
    return {
      inFlight: this.inFlight.size,
      settled: this.settled.size,
      expected: this.expected?.length,
      slowNotStarted: this.expected?.filter((r) => r.slow && waiting(r)).length,
      earliestEndAt: this.endAt('earliest'),
      latestEndAt: this.endAt('latest'),
    };
  }

  /**
   * No stack ends before everything in flight has settled: for each resource in flight whose
   * type has settled before in this operation, its start plus a share of that time. Undefined
   * when nothing in flight has such a time.
   */
  private endAt(bound: keyof typeof SAME_TYPE_SHARE): number | undefined {
    if (this.offsetMs === undefined) return undefined;
    let end: number | undefined;
    for (const running of this.inFlight.values()) {
      const took = this.shortest.get(running.type);
      if (took === undefined || running.startedAt === undefined) continue;
      const done = running.startedAt + this.offsetMs + SAME_TYPE_SHARE[bound] * took;
      end = Math.max(end ?? done, done);
    }
    return end;
  }
}
