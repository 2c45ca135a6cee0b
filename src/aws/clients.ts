import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { STSClient } from '@aws-sdk/client-sts';

/**
 * The AWS clients a run may need, each built on first use: a destroy never loads RDS or S3, and
 * only a create loads EC2, Service Quotas and ELB (the preflight's account checks).
 */
export interface AwsClients {
  region: string;
  /**
   * Settles once any of these clients has had its first answer from AWS (or its first error):
   * what can wait (GitHub's bookkeeping) starts then, not before the first AWS call.
   */
  firstAnswer: Promise<void>;
  cloudFormation(): Promise<CloudFormationClient>;
  /**
   * The watcher's client for its DescribeStackEvents polls: one attempt a call, so that every
   * read is one the watcher's budget chose (the SDK's retries of a throttled poll would spend
   * reads the budget never granted); the watcher's next poll is the retry.
   */
  cloudFormationPolls(): Promise<CloudFormationClient>;
  rds(): Promise<RDSClient>;
  s3(): Promise<S3Client>;
  ec2(): Promise<EC2Client>;
  serviceQuotas(): Promise<ServiceQuotasClient>;
  /** Only for the preflight's count of load balancers (a create into a shared network). */
  elasticLoadBalancing(): Promise<ElasticLoadBalancingV2Client>;
  /** Only to check that this account may use the key of a snapshot shared with it. */
  kms(): Promise<KMSClient>;
  /** Only to tell whether a cluster named by ARN is in another account. */
  sts(): Promise<STSClient>;
  /** Only for an `app-image` in ECR, resolved to its digest. */
  ecr(): Promise<ECRClient>;
  /** Only to run the scrub (scrub-sql) on the environment's bastion. */
  ssm(): Promise<SSMClient>;
  /** Only for the sweeper's look at a load balancer's requests (sleep-after-idle-minutes). */
  cloudWatch(): Promise<CloudWatchClient>;
}

// Many PRs polling at once draw "Rate exceeded": ten attempts with jittered backoff ride out a
// burst. The standard mode rather than the adaptive one: the adaptive mode's client-side rate
// limiter, after a throttled call, holds a run's next calls for seconds (bench/, issue 14: with
// half of the reads throttled, the end of a stack was seen up to 55 s late), and a run makes too
// few calls for it to learn the account's rate; the watcher paces its own reads.
const MAX_ATTEMPTS = 10;
const USER_AGENT: [string, string][] = [['pr-env', '0.1.0']];

export function resolveRegion(env: NodeJS.ProcessEnv = process.env): string {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new Error(
      'No AWS region: set AWS_REGION (aws-actions/configure-aws-credentials sets it from its aws-region input)',
    );
  }
  return region;
}

function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

interface WithMiddleware {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

export function createAwsClients(region: string, env: NodeJS.ProcessEnv = process.env): AwsClients {
  let answered!: () => void;
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  // Around the whole call, its retries included: settles when the call does.
  const noticingAnswers = <C>(client: C): C => {
    (client as WithMiddleware).middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } finally {
          answered();
        }
      },
      { step: 'initialize', name: 'prEnvFirstAnswer' },
    );
    return client;
  };
  const common = {
    region,
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
    customUserAgent: USER_AGENT,
  };
  return {
    region,
    firstAnswer,
    cloudFormation: lazy(async () => {
      const { CloudFormationClient } = await import('./sdk/cloudformation.js');
      return noticingAnswers(new CloudFormationClient(common));
    }),
    cloudFormationPolls: lazy(async () => {
      const { CloudFormationClient } = await import('./sdk/cloudformation.js');
      return noticingAnswers(new CloudFormationClient({ ...common, maxAttempts: 1 }));
    }),
    rds: lazy(async () => {
      const { RDSClient } = await import('./sdk/rds.js');
      return noticingAnswers(new RDSClient(common));
    }),
    s3: lazy(async () => {
      const { S3Client } = await import('./sdk/s3.js');
      // A custom endpoint (a local simulator, LocalStack, a VPC endpoint by IP) has no bucket
      // subdomains: address buckets by path.
      const forcePathStyle = Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
      return noticingAnswers(new S3Client({ ...common, forcePathStyle }));
    }),
    ec2: lazy(async () => {
      const { EC2Client } = await import('./sdk/ec2.js');
      return noticingAnswers(new EC2Client(common));
    }),
    serviceQuotas: lazy(async () => {
      const { ServiceQuotasClient } = await import('./sdk/service-quotas.js');
      return noticingAnswers(new ServiceQuotasClient(common));
    }),
    elasticLoadBalancing: lazy(async () => {
      const { ElasticLoadBalancingV2Client } = await import('./sdk/elastic-load-balancing-v2.js');
      return noticingAnswers(new ElasticLoadBalancingV2Client(common));
    }),
    kms: lazy(async () => {
      const { KMSClient } = await import('./sdk/kms.js');
      return noticingAnswers(new KMSClient(common));
    }),
    sts: lazy(async () => {
      const { STSClient } = await import('./sdk/sts.js');
      return noticingAnswers(new STSClient(common));
    }),
    ecr: lazy(async () => {
      const { ECRClient } = await import('./sdk/ecr.js');
      return noticingAnswers(new ECRClient(common));
    }),
    cloudWatch: lazy(async () => {
      const { CloudWatchClient } = await import('./sdk/cloudwatch.js');
      return noticingAnswers(new CloudWatchClient(common));
    }),
    ssm: lazy(async () => {
      const { SSMClient } = await import('./sdk/ssm.js');
      return noticingAnswers(new SSMClient(common));
    }),
  };
}
