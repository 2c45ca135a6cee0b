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
  try {
    const { StackResources = [] } = await cfn.send(
      new DescribeStackResourcesCommand({ StackName: stack.StackId ?? stack.StackName }),
    );
    types = StackResources.filter(
      (r) => !/DELETE_COMPLETE|CREATE_FAILED/.test(r.ResourceStatus ?? ''),
    ).map((r) => r.ResourceType ?? '');
  } catch (error) {
    throw withContext(`Could not list the resources of stack "${stack.StackName}"`, error);
  }
  const state = sleepStateOf(stack);
  // Asleep, the stack's capacity is 0; its cost awake is that of the capacity it wakes to.
  const parameters = { ...parametersOf(stack), ...(state.asleep ? state.awakeCapacity : {}) };
  return {
    environment: { state: state.asleep ? 'asleep' : 'awake', expiresAt: state.expiresAt },
    cost: estimateCost({ region, resourceTypes: types, parameters }),
  };
}
