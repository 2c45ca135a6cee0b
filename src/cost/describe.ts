import {
  DescribeStackResourcesCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { withContext } from '../errors.js';
import type { EnvironmentState } from '../report/report.js';
import { parametersOf } from '../stack/describe.js';
import { sleepStateOf } from '../run/sleep-state.js';
import { estimateCost, type CostEstimate } from './estimate.js';

/** The bundled template's wake page function (templates/environment.yml). */
const WAKE_FUNCTION = 'WakeFunction';

/** What the comment says about an environment besides its last operation. */
export interface EnvironmentFacts {
  environment: EnvironmentState;
  cost: CostEstimate;
}

/**
 * The environment's state (from its tags) and cost (from its resources and parameters). The
 * resource list is read from CloudFormation: a resource a condition left out costs nothing.
 */
export async function describeEnvironment(
  cfn: CloudFormationClient,
  region: string,
  stack: Stack,
): Promise<EnvironmentFacts> {
  let types: string[];
  let wakePage: boolean;
  try {
    const { StackResources = [] } = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: stack.StackId ?? stack.StackName }),
    );
    const live = StackResources.filter(
      (r) => !/DELETE_COMPLETE|CREATE_FAILED/.test(r.ResourceStatus ?? ''),
    );
    types = live.map((r) => r.ResourceType ?? '');
    wakePage = live.some((r) => r.LogicalResourceId === WAKE_FUNCTION);
  } catch (error) {
    throw withContext(`Could not list the resources of stack "${stack.StackName}"`, error);
  }
  const state = sleepStateOf(stack);
  // Asleep, the stack's capacity is 0; its cost awake is that of the capacity it wakes to.
  const parameters = { ...parametersOf(stack), ...(state.asleep ? state.awakeCapacity : {}) };
  return {
    environment: {
      state: state.asleep ? 'asleep' : state.waking ? 'waking' : 'awake',
      expiresAt: state.expiresAt,
      ...(wakePage && { wakePage }),
    },
    cost: estimateCost({ region, resourceTypes: types, parameters }),
  };
}
