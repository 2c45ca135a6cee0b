// What pr-env uses of KMS, loaded on first use (see ec2.ts for why not the package itself).
export { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
