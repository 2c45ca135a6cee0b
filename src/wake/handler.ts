// The wake page's function: Node.js 22 on Lambda, behind the environment's load balancer while it
// sleeps. Bundled from here, with the action's own sleep state and cluster checks.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { RDSClient, StartDBClusterCommand } from '@aws-sdk/client-rds';
import { stackClusters } from '../stack/clusters.js';
import { sleepStateOf } from '../run/sleep-state.js';
import {
  nextWakeStep,
  restoreCapacityUpdate,
  switchListenerUpdate,
  type WakeStep,
} from './decide.js';
import { healthyCount } from './healthy.js';
import { wakePage } from './page.js';

export interface WakeClients {
  cfn: CloudFormationClient;
  rds: RDSClient;
  elb: ElasticLoadBalancingV2Client;
}

/** Where the stack is: its ID (the function's role is granted that one ARN) and its app's group. */
export interface WakeTarget {
  stackId: string;
  appTargetGroup: string;
}

/** The answer to a visit, in the shape an ALB Lambda target returns. */
export interface AlbResponse {
  statusCode: number;
  statusDescription: string;
  headers: Record<string, string>;
  body: string;
}

/** What AWS answers when the step is already under way: another visit got there first. */
function alreadyUnderWay(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return (
    name === 'InvalidDBClusterStateFault' ||
    (name === 'ValidationError' && /_IN_PROGRESS state and can not be updated/.test(message ?? ''))
  );
}

async function healthyTargets(elb: ElasticLoadBalancingV2Client, group: string): Promise<number> {
  return healthyCount(await elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: group })));
}

/** Takes the wake one step further; returns the step it found. */
export async function wakeStep(
  clients: WakeClients,
  target: WakeTarget,
  now: Date,
): Promise<WakeStep> {
  const { Stacks = [] } = await clients.cfn.send(
    new DescribeStacksCommand({ StackName: target.stackId }),
  );
  const stack = Stacks[0];
  if (!stack) throw new Error(`pr-env wake: stack "${target.stackId}" was not found`);
  const step = nextWakeStep({
    stack,
    // Only clusters whose tags show they are this stack's: a physical ID is only a name.
    clusters: await stackClusters(clients.cfn, clients.rds, stack),
    healthyTargets: sleepStateOf(stack).waking
      ? await healthyTargets(clients.elb, target.appTargetGroup)
      : undefined,
  });
  try {
    if (step.kind === 'start-database') {
      for (const id of step.clusters) {
        await clients.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: id }));
      }
    }
    if (step.kind === 'restore-capacity')
      await clients.cfn.send(new UpdateStackCommand(restoreCapacityUpdate(stack, now)));
    if (step.kind === 'switch-listener')
      await clients.cfn.send(new UpdateStackCommand(switchListenerUpdate(stack)));
  } catch (error) {
    if (!alreadyUnderWay(error)) throw error;
  }
  return step;
}

/** The wake page; a failure still answers the page (and says so in the function's log). */
export async function answerVisit(
  clients: WakeClients,
  env: Record<string, string | undefined>,
  now: Date,
): Promise<AlbResponse> {
  const target = { stackId: env.STACK_ID ?? '', appTargetGroup: env.APP_TARGET_GROUP ?? '' };
  let step: WakeStep = { kind: 'busy', status: 'unknown' };
  try {
    step = await wakeStep(clients, target, now);
    // A Lambda's console is its CloudWatch log.
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ stack: target.stackId, step }));
  } catch (error) {
    console.error(`pr-env wake of "${target.stackId}" failed: ${(error as Error).message}`);
  }
  return {
    // A page, not the load balancer's bare 503; never cached, for it changes as the wake goes on.
    statusCode: 200,
    statusDescription: '200 OK',
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: wakePage(env.ENVIRONMENT_NAME ?? 'This environment', step),
  };
}

let clients: WakeClients | undefined;
export async function handler(): Promise<AlbResponse> {
  clients ??= {
    cfn: new CloudFormationClient({}),
    rds: new RDSClient({}),
    elb: new ElasticLoadBalancingV2Client({}),
  };
  return answerVisit(clients, process.env, new Date());
}
