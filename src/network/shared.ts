import type { CloudFormationClient, Stack } from '@aws-sdk/client-cloudformation';
import { describeStack, outputsOf } from '../stack/describe.js';
import type { LoadedTemplate } from '../template/render.js';
import { NETWORK_PARAMETERS } from './parameters.js';

export { NETWORK_PARAMETERS };

/** Outputs every pr-env bootstrap stack has: what tells it from any other stack. */
const BOOTSTRAP_OUTPUTS = ['DeployRoleArn', 'ServiceRoleArn', 'TemplateBucketName'];
const FORMS: Record<(typeof NETWORK_PARAMETERS)[number], RegExp> = {
  SharedVpcId: /^vpc-[0-9a-f]{8,17}$/,
  SharedPublicSubnetIds: /^subnet-[0-9a-f]{8,17},subnet-[0-9a-f]{8,17}$/,
  SharedPrivateSubnetIds: /^subnet-[0-9a-f]{8,17},subnet-[0-9a-f]{8,17}$/,
};

/**
 * The shared network's IDs from the bootstrap stack named by network-stack; an error naming the
 * stack and what it lacks otherwise. Pure.
 */
export function sharedNetworkOf(name: string, stack: Stack | undefined): Record<string, string> {
  const expected = `expected the name of the pr-env bootstrap stack (templates/bootstrap.yml) deployed with SharedNetwork=true`;
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    throw new Error(`"network-stack": stack "${name}" does not exist: ${expected}`);
  }
  const outputs = outputsOf(stack);
  const missingBootstrap = BOOTSTRAP_OUTPUTS.filter((key) => !outputs[key]);
  if (missingBootstrap.length > 0) {
    throw new Error(
      `"network-stack": stack "${name}" is not a pr-env bootstrap stack (no ${missingBootstrap.join(', ')} output): ${expected}`,
    );
  }
  const values: Record<string, string> = {};
  for (const key of NETWORK_PARAMETERS) {
    const value = outputs[key];
    if (!value) {
      throw new Error(
        `"network-stack": stack "${name}" has no ${key} output: it was deployed without SharedNetwork=true; update it with SharedNetwork=true, or leave network-stack empty for a network per environment`,
      );
    }
    if (!FORMS[key].test(value)) {
      throw new Error(
        `"network-stack": stack "${name}" has an unexpected ${key} output "${value}": ${expected}`,
      );
    }
    values[key] = value;
  }
  return values;
}

const read = new WeakMap<object, Promise<Record<string, string>>>();

/**
 * The template's Shared* values for this run: empty without network-stack; read once per run
 * (the key is the run's settings object). A template without them cannot use a shared network.
 */
export function sharedNetworkValues(
  key: object,
  networkStack: string | undefined,
  loaded: LoadedTemplate,
  cfn: () => Promise<CloudFormationClient>,
): Promise<Record<string, string>> {
  if (!networkStack) return Promise.resolve({});
  const missing = NETWORK_PARAMETERS.filter((p) => !loaded.declared.has(p));
  if (missing.length > 0) {
    return Promise.reject(
      new Error(
        `"network-stack" is set, but template "${loaded.path}" has no ${missing.join(', ')} parameter: expected the bundled templates/environment.yml or a template with the same shared-network parameters`,
      ),
    );
  }
  let values = read.get(key);
  if (!values) {
    values = cfn().then(async (client) =>
      sharedNetworkOf(networkStack, await describeStack(client, networkStack)),
    );
    read.set(key, values);
  }
  return values;
}
