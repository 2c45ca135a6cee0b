// What pr-env uses of STS, loaded on first use (see ec2.ts for why not the package itself).
export { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
