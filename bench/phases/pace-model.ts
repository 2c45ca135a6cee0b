/**
 * (1c) The watcher's pace on modelled stacks: the real watcher, on a clock that only moves when
 * slept through, over hundreds of operations of each kind, so that the tail of its detection
 * lag shows where sections 1 and 1b's few dozen spawned runs cannot (bench/lib/pace-model.ts).
 */
import { loadTemplate } from '../../src/template/render.js';
import { ROOT } from '../lib/action.js';
import {
  modelOperation,
  type ModelCase,
  type ModelOperation,
  type ModelSample,
} from '../lib/pace-model.js';
import {
  STACK_SETTLE_S,
  TYPICAL_CREATE,
  TYPICAL_DELETE_OVERRIDES,
  TYPICAL_UPDATE,
  activeResources,
} from '../lib/timings.js';

export interface ModelledCase {
  key: string;
  title: string;
  base: Omit<ModelCase, 'op' | 'seconds' | 'createSeconds'>;
}

export const MODELLED_CASES: ModelledCase[] = [
  {
    key: 'typical',
    title: '~60 s stacks, CloudFormation pausing 3–6 s before its own event (section 1)',
    base: { targetSeconds: 60, settleMs: [STACK_SETTLE_S[0] * 1000, STACK_SETTLE_S[1] * 1000] },
  },
  {
    key: 'quick-end',
    title: '~60 s stacks ending ≤ 1 s after their last resource',
    base: { targetSeconds: 60, settleMs: [100, 1000] },
  },
  {
    key: 'small',
    title: 'stacks settling in ~6 s',
    base: { targetSeconds: 6, settleMs: [100, 1000] },
  },
  {
    key: 'long',
    title: '~10 min stacks, pause 0.1–6 s',
    base: { targetSeconds: 600, settleMs: [100, 6000] },
  },
  {
    key: 'throttled',
    title: '~60 s stacks, 50 % of reads throttled',
    base: { targetSeconds: 60, settleMs: [3000, 6000], throttleRate: 0.5 },
  },
];

const create = (type: string) => TYPICAL_CREATE[type]!.seconds;
const SECONDS: Record<ModelOperation, (type: string) => number> = {
  create,
  update: (type) => (TYPICAL_UPDATE[type] ?? TYPICAL_UPDATE['*']!).seconds,
  destroy: (type) => (TYPICAL_DELETE_OVERRIDES[type] ?? TYPICAL_CREATE[type]!).seconds,
};

export interface ModelledResult extends ModelledCase {
  op: ModelOperation;
  samples: ModelSample[];
}

export async function paceModelPhase(operations = 300): Promise<ModelledResult[]> {
  const { template } = loadTemplate(`${ROOT}/templates/environment.yml`);
  const active = activeResources(template);
  const results: ModelledResult[] = [];
  await withoutWorkflowCommands(async () => {
    for (const [c, modelled] of MODELLED_CASES.entries()) {
      for (const op of ['create', 'update', 'destroy'] as const) {
        const samples: ModelSample[] = [];
        for (let i = 0; i < operations; i++) {
          const model = { ...modelled.base, op, seconds: SECONDS[op], createSeconds: create };
          samples.push(await modelOperation(template, active, model, 1 + c * 100_000 + i * 7919));
        }
        results.push({ ...modelled, op, samples });
      }
    }
  });
  return results;
}

/** The watcher groups its log lines (`::group::`): none of that belongs on the bench's output. */
async function withoutWorkflowCommands(run: () => Promise<void>): Promise<void> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
    String(chunk).startsWith('::') ? true : write(chunk, ...rest)) as typeof process.stdout.write;
  try {
    await run();
  } finally {
    process.stdout.write = write;
  }
}
