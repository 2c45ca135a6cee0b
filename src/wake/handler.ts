// The wake page's function: Node.js 22 on Lambda, behind the environment's load balancer while it
// sleeps. Bundled from here, with the action's own sleep state and cluster checks.
import {
  CloudFormationClient,
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { RDSClient, StartDBClusterCommand } from '@aws-sdk/client-rds';
import { stackClusters } from '../stack/clusters.js';
import { nextWakeStep, wakeUpdate, type WakeStep } from './decide.js';
import { wakePage } from './page.js';

export interface WakeClients {
  cfn: CloudFormationClient;
  rds: RDSClient;
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

/** Takes the wake one step further; returns the step it found. */
export async function wakeStep(
  clients: WakeClients,
  stackName: string,
  now: Date,
): Promise<WakeStep> {
  const { Stacks = [] } = await clients.cfn.send(
    new DescribeStacksCommand({ StackName: stackName }),
  );
  const stack = Stacks[0];
  if (!stack) throw new Error(`pr-env wake: stack "${stackName}" was not found`);
  // Only clusters whose tags show they are this stack's: a physical ID is only a name.
  const step = nextWakeStep(stack, await stackClusters(clients.cfn, clients.rds, stack));
  try {
    if (step.kind === 'start-database') {
      for (const id of step.clusters) {
        await clients.rds.send(new StartDBClusterCommand({ DBClusterIdentifier: id }));
      }
    }
    if (step.kind === 'update-stack')
      await clients.cfn.send(new UpdateStackCommand(wakeUpdate(stack, now)));
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
  // The stack's ID, not its name: the function's role is granted that one stack's ARN.
  const stackName = env.STACK_ID ?? '';
  let step: WakeStep = { kind: 'busy', status: 'unknown' };
  try {
    step = await wakeStep(clients, stackName, now);
    // A Lambda's console is its CloudWatch log.
    // eslint-disable-next-line no-console
    console.log(JSON.stringify({ stack: stackName, step }));
  } catch (error) {
    console.error(`pr-env wake of "${stackName}" failed: ${(error as Error).message}`);
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
  clients ??= { cfn: new CloudFormationClient({}), rds: new RDSClient({}) };
  return answerVisit(clients, process.env, new Date());
}
