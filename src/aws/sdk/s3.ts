// What pr-env uses of S3, loaded on first use (see ec2.ts for why not the package itself).
export { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
