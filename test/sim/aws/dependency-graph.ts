/**
 * Dependency ordering for stack operations: resources start once everything they reference is
 * done, independent ones run in parallel, and deletions run the graph backwards.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { validationError } from './query-protocol.js';

export type DependsOn = (id: string) => string[];

/** `ids` ordered so that each comes after its dependencies; rejects cycles like CloudFormation. */
export function topologicalOrder(ids: string[], dependsOn: DependsOn): string[] {
  const members = new Set(ids);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = path.slice(path.indexOf(id));
      throw validationError(`Circular dependency between resources: [${cycle.join(', ')}]`);
    }
    state.set(id, 'visiting');
    for (const dep of dependsOn(id)) if (members.has(dep)) visit(dep, [...path, id]);
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of [...ids].sort()) visit(id, []);
  return order;
}

/** Reverses the edges among `ids`: who must be gone before `id` can be deleted. */
export function dependents(ids: string[], dependsOn: DependsOn): DependsOn {
  const reverse = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids) {
    for (const dep of dependsOn(id)) reverse.get(dep)?.push(id);
  }
  return (id) => reverse.get(id) ?? [];
}

export class TaskFailure extends Error {}

export interface GraphResult {
  completed: string[];
  failed: string[];
  /** In flight when another task failed, and stopped ("Resource creation cancelled"). */
  cancelled: string[];
  /** Never started because something they wait on failed. */
  blocked: string[];
}

export interface GraphRun {
  ids: string[];
  dependsOn: DependsOn;
  /** Throws TaskFailure to fail the task; must honour `signal` while waiting. */
  task(id: string, signal: AbortSignal): Promise<void>;
  /** `stop`: the first failure cancels everything in flight (create, update). `continue`: delete. */
  onFailure: 'stop' | 'continue';
  /** Aborted when the simulator shuts down: the run ends without further callbacks. */
  shutdown: AbortSignal;
}

export async function runGraph(run: GraphRun): Promise<GraphResult> {
  const members = new Set(run.ids);
  const waitsOn = (id: string) => run.dependsOn(id).filter((dep) => members.has(dep) && dep !== id);
  const result: GraphResult = { completed: [], failed: [], cancelled: [], blocked: [] };
  const pending = new Set(run.ids);
  const inFlight = new Map<string, Promise<void>>();
  const cancel = new AbortController();
  const signal = AbortSignal.any([cancel.signal, run.shutdown]);
  // Every resource waits on this signal at once; dozens of listeners are expected, not a leak.
  setMaxListeners(0, signal);
  const done = new Set<string>();
  let stopped = false;

  const start = (id: string) => {
    pending.delete(id);
    const promise = run.task(id, signal).then(
      () => {
        done.add(id);
        result.completed.push(id);
      },
      (error: unknown) => {
        if (run.shutdown.aborted) return;
        if (error instanceof TaskFailure) {
          result.failed.push(id);
          if (run.onFailure === 'stop' && !stopped) {
            stopped = true;
            cancel.abort();
          }
        } else if (cancel.signal.aborted) {
          result.cancelled.push(id);
        } else {
          throw error;
        }
      },
    );
    inFlight.set(
      id,
      promise.finally(() => inFlight.delete(id)),
    );
  };

  for (;;) {
    if (!stopped && !run.shutdown.aborted) {
      for (const id of [...pending]) if (waitsOn(id).every((dep) => done.has(dep))) start(id);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }
  result.blocked = [...pending];
  return result;
}

export { sleep };
