import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { connectionHelp } from '../../../src/data/credentials.js';

const SECRET =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pr-env-shop-pr-7-db-0f1e2d3c-AbCdEf';
const OUTPUTS = {
  DBSecretArn: SECRET,
  BastionInstanceId: 'i-0123456789abcdef0',
  DBClusterEndpoint: 'pr-env-shop-pr-7-dbcluster-x.cluster-c0abc.eu-west-1.rds.amazonaws.com',
  DBPort: '5432',
};

describe('connectionHelp', () => {
  it('fills in the password command and the tunnel through the bastion', () => {
    expect(connectionHelp(OUTPUTS)).toEqual({
      password: `aws secretsmanager get-secret-value --region eu-west-1 --secret-id ${SECRET} --query SecretString --output text`,
      tunnel: `aws ssm start-session --region eu-west-1 --target i-0123456789abcdef0 --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=${OUTPUTS.DBClusterEndpoint},portNumber=5432,localPortNumber=5432`,
      localPort: '5432',
    });
  });

  it('says nothing it cannot fill in', () => {
    expect(connectionHelp({})).toEqual({});
    expect(connectionHelp({ DBSecretArn: SECRET })).toEqual({
      password: expect.stringContaining('--secret-id'),
    });
  });

  it('quotes what a shell would misread, so a pasted command does only what it says', () => {
    const help = connectionHelp({ ...OUTPUTS, BastionInstanceId: "i-1; rm -rf ~ 'x'" });
    const echoed = spawnSync('bash', ['-c', help.tunnel!.replace(/^aws /, 'printf "%s\\n" ')], {
      encoding: 'utf8',
    });
    expect(echoed.stdout.split('\n')).toContain("i-1; rm -rf ~ 'x'");
  });
});
