// What pr-env uses of ECR, loaded on first use (see ec2.ts for why not the package itself).
export { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
