/**
 * (6) Wake on visit: from the first visit to a sleeping environment's URL to the URL answering as
 * the app again, modelled step by step (src/wake/decide.ts) with published timings where there
 * are any, the template's own health-check settings, and the page's own reload interval; and,
 * beside each step, the minutes the page promises (src/wake/page.ts), to check it does not
 * promise less than the model.
 */
import type { WakeStep } from '../../src/wake/decide.js';
import { minutesLeft } from '../../src/wake/page.js';
import { loadTemplate } from '../../src/template/render.js';
import { ROOT } from '../lib/action.js';
import { STACK_SETTLE_S, TYPICAL_CREATE, type Source } from '../lib/timings.js';

export const WAKE_SOURCES: Source[] = [
  {
    id: 'S16',
    url: 'https://github.com/ronaldbradford/aws-tutorial/blob/main/rds/start-aurora-cluster.md',
    says: 'start-db-cluster on a stopped Aurora MySQL cluster: `starting` at 16:51:53, `available` at 17:01:13 (9 min 20 s)',
  },
];

/** The page reloads itself this often (its `<meta http-equiv="refresh">`): a step waits for it. */
const REFRESH_S = 20;

export interface WakeModelStep {
  /** The decider's step while this one runs. */
  step: WakeStep['kind'];
  what: string;
  seconds: number;
  sources: string[];
  note: string;
}

export interface WakeResult {
  steps: WakeModelStep[];
  totalSeconds: number;
  /** Per step: what the page promises when a visit finds it, against the model's time left. */
  promises: { step: WakeStep['kind']; promisedMinutes: number; modelMinutes: number }[];
  /** Issue 18 gives no figure: the target is the page's promise holding at every step. */
  honest: boolean;
}

const STEP_OF: Record<WakeStep['kind'], WakeStep> = {
  awake: { kind: 'awake' },
  busy: { kind: 'busy', status: 'UPDATE_IN_PROGRESS' },
  'start-database': { kind: 'start-database', clusters: [] },
  'wait-database': { kind: 'wait-database', statuses: ['starting'] },
  'restore-capacity': { kind: 'restore-capacity' },
  'wait-instances': { kind: 'wait-instances' },
  'switch-listener': { kind: 'switch-listener' },
};

export function wakePhase(): WakeResult {
  const { template } = loadTemplate(`${ROOT}/templates/environment.yml`);
  const group = template.Resources.TargetGroup?.Properties as {
    HealthCheckIntervalSeconds: number;
    HealthyThresholdCount: number;
  };
  const healthy = group.HealthCheckIntervalSeconds * group.HealthyThresholdCount;
  const settle = STACK_SETTLE_S[1];
  const boot = TYPICAL_CREATE['AWS::AutoScaling::AutoScalingGroup']!;
  const steps: WakeModelStep[] = [
    {
      step: 'start-database',
      what: 'First visit: the function starts the stopped cluster (cold start, 4 calls)',
      seconds: 2,
      sources: [],
      note: 'estimate: a 128 MB Node.js cold start and four API calls',
    },
    {
      step: 'wait-database',
      what: 'The cluster starts: `starting` → `available`',
      seconds: 560,
      sources: ['S16'],
      note: '9 min 20 s',
    },
    {
      step: 'wait-database',
      what: 'The next reload of the page finds it available',
      seconds: REFRESH_S,
      sources: [],
      note: `the page reloads every ${REFRESH_S} s: at worst a whole interval`,
    },
    {
      step: 'restore-capacity',
      what: 'First update: the capacity back (the listeners still on the page)',
      seconds: settle,
      sources: ['S2', 'S3', 'S4'],
      note: 'a parameter change of the Auto Scaling group, which does not wait for instances',
    },
    {
      step: 'wait-instances',
      what: 'The web instance launches, boots, runs its user data and serves',
      seconds: boot.seconds,
      sources: boot.sources,
      note: boot.note,
    },
    {
      step: 'wait-instances',
      what: 'It passes the target group’s health checks',
      seconds: healthy,
      sources: [],
      note: `the template: ${group.HealthyThresholdCount} checks ${group.HealthCheckIntervalSeconds} s apart`,
    },
    {
      step: 'wait-instances',
      what: 'The next reload of the page finds it healthy',
      seconds: REFRESH_S,
      sources: [],
      note: `at worst one reload interval (${REFRESH_S} s)`,
    },
    {
      step: 'switch-listener',
      what: 'Second update: the listeners back to the app',
      seconds: 5 + settle,
      sources: ['S4'],
      note: 'estimate: a listener modification, then the stack settles',
    },
  ];
  const totalSeconds = steps.reduce((sum, s) => sum + s.seconds, 0);
  const promises = [...new Set(steps.map((s) => s.step))].map((step) => {
    const from = steps.findIndex((s) => s.step === step);
    const left = steps.slice(from).reduce((sum, s) => sum + s.seconds, 0);
    return {
      step,
      promisedMinutes: minutesLeft(STEP_OF[step]),
      modelMinutes: Math.round((left / 60) * 10) / 10,
    };
  });
  return {
    steps,
    totalSeconds,
    promises,
    honest: promises.every((p) => p.promisedMinutes >= p.modelMinutes),
  };
}
