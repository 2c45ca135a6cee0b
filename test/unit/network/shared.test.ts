import type { Stack } from '@aws-sdk/client-cloudformation';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { getSettings } from '../../../src/inputs.js';
import { sharedNetworkOf } from '../../../src/network/shared.js';

const outputs = (values: Record<string, string>): Stack => ({
  StackName: 'pr-env-setup-shop',
  StackStatus: 'UPDATE_COMPLETE',
  CreationTime: new Date(),
  Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
});
const BOOTSTRAP = { DeployRoleArn: 'arn:r1', ServiceRoleArn: 'arn:r2', TemplateBucketName: 'b' };
const SHARED = {
  SharedVpcId: 'vpc-0a1b2c3d4e5f60718',
  SharedPublicSubnetIds: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2',
  SharedPrivateSubnetIds: 'subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2',
};

describe('sharedNetworkOf', () => {
  it('reads the three IDs off a bootstrap stack deployed with SharedNetwork=true', () => {
    expect(sharedNetworkOf('pr-env-setup-shop', outputs({ ...BOOTSTRAP, ...SHARED }))).toEqual(
      SHARED,
    );
  });
  it('refuses a missing, deleted, foreign or networkless stack, or an odd output', () => {
    expect(() => sharedNetworkOf('x', undefined)).toThrow(/stack "x" does not exist/);
    expect(() =>
      sharedNetworkOf('x', {
        ...outputs({ ...BOOTSTRAP, ...SHARED }),
        StackStatus: 'DELETE_COMPLETE',
      }),
    ).toThrow(/does not exist/);
    expect(() => sharedNetworkOf('x', outputs(SHARED))).toThrow(/is not a pr-env bootstrap stack/);
    expect(() => sharedNetworkOf('x', outputs(BOOTSTRAP))).toThrow(/has no SharedVpcId output/);
    expect(() =>
      sharedNetworkOf(
        'x',
        outputs({ ...BOOTSTRAP, ...SHARED, SharedPrivateSubnetIds: 'subnet-0bbbbbbbbbbbbbbb1' }),
      ),
    ).toThrow(/unexpected SharedPrivateSubnetIds output "subnet-0bbbbbbbbbbbbbbb1"/);
  });
});

describe('the network-stack input', () => {
  const problems = (inputs: Record<string, string>): string[] => {
    try {
      getSettings((name) => inputs[name] ?? '', '/home/runner/work/shop/shop');
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      return (error as InputError).problems;
    }
    return [];
  };
  it('is a stack name', () => {
    expect(problems({ 'network-stack': 'pr-env-setup-shop' })).toEqual([]);
    expect(problems({ 'network-stack': 'arn:aws:cloudformation:x' })).toEqual([
      expect.stringMatching(
        /"network-stack": "arn:aws:cloudformation:x" is not valid: expected the name of the pr-env bootstrap stack/,
      ),
    ]);
  });
  it('sets the Shared* parameters itself', () => {
    expect(
      problems({
        'network-stack': 'pr-env-setup-shop',
        parameters: 'SharedVpcId=vpc-0a1b2c3d4e5f60718',
      }),
    ).toEqual([expect.stringMatching(/"parameters": SharedVpcId is set by pr-env/)]);
  });
});
