// What pr-env uses of SSM, loaded on first use (see ec2.ts for why not the package itself).
export { GetCommandInvocationCommand, SSMClient, SendCommandCommand } from '@aws-sdk/client-ssm';
