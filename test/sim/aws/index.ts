/**
 * A local AWS (CloudFormation, RDS, S3) for end-to-end tests, demos and benchmarks: one HTTP
 * server on 127.0.0.1 that real SDK clients reach through `AWS_ENDPOINT_URL`.
 *
 *   const sim = await AwsSimulator.start({ resourceDelayMs: 50 });
 *   process.env.AWS_ENDPOINT_URL = sim.url;
 *   …
 *   await sim.stop();
 */
import { setMaxListeners } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudFormationService } from './cloudformation.js';
import { Ec2Service } from './ec2.js';
import { ElbService } from './elbv2.js';
import { CloudWatchService } from './cloudwatch.js';
import { EcrService } from './ecr.js';
import { CallFaults, ResourceFaults } from './faults.js';
import { KmsService, type KmsKey, type KmsKeySeed } from './kms.js';
import type {
  FailResourceOptions,
  HangOptions,
  RateLimitOptions,
  ThrottleOptions,
} from './faults.js';
import {
  RdsService,
  type Cluster,
  type ClusterSeed,
  type Snapshot,
  type SnapshotSeed,
} from './rds.js';
import { ResourceProvider } from './resource-provider.js';
import { loadResourceSpec } from './resource-spec.js';
import { S3Service } from './s3.js';
import { ServiceQuotasService } from './service-quotas.js';
import { SsmService } from './ssm.js';
import { serve, type CallRecord, type Services } from './server.js';
import type { StackEvent, StackRecord } from './stack-model.js';
import { seedStack, type SeedStackOptions } from './stack-seeding.js';
import { stackViewOf, type StackView } from './views.js';

export type {
  FailResourceOptions,
  HangOptions,
  RateLimitOptions,
  ThrottleOptions,
} from './faults.js';
export type { Cluster, ClusterSeed, Snapshot, SnapshotSeed } from './rds.js';
export type { KmsKey, KmsKeySeed } from './kms.js';
export type { CallRecord, Service } from './server.js';
export type { Ec2Seed, Ec2Service } from './ec2.js';
export type { ElbService } from './elbv2.js';
export type { ServiceQuotasService } from './service-quotas.js';
export type { EcrImageRecord, EcrService } from './ecr.js';
export type { SsmService } from './ssm.js';
export type { SeedStackOptions } from './stack-seeding.js';
export type { StackEvent } from './stack-model.js';
export type { ChangeSetView, ResourceView, StackView } from './views.js';

export interface AwsSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Time each resource spends in each *_IN_PROGRESS step (default 20 ms). */
  resourceDelayMs?: number;
  /** Overrides of resourceDelayMs keyed by logical ID or by resource type (`AWS::RDS::DBCluster`). */
  resourceDelays?: Record<string, number>;
  /**
   * Spread of each resource step around its delay, as a fraction: 0.2 makes a step take 80–120 %
   * of its delay, drawn anew each time (default 0: exact delays).
   */
  resourceDelayJitter?: number;
  /**
   * Time between an operation's last resource finishing and the stack's own final event
   * (CREATE_COMPLETE, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, DELETE_COMPLETE…): seconds in real
   * CloudFormation. A number, or `[min, max]` drawn anew per operation. Default 0.
   */
  stackSettleMs?: number | [number, number];
  /** CREATE_PENDING to CREATE_COMPLETE for a change set (default 20 ms). */
  changeSetDelayMs?: number;
  /** RDS cluster stopping/starting duration (default 50 ms). */
  clusterTransitionMs?: number;
  /** How long a web instance stays `initial` in its target group after a capacity change. */
  targetHealthyAfterMs?: number;
  /** DescribeStacks page size without StackName (default 100). */
  describeStacksPageSize?: number;
  /** DescribeStackEvents page size (default 100). */
  stackEventsPageSize?: number;
  /**
   * Live resources allowed per type across all stacks, e.g. the default EC2 quotas
   * `{ 'AWS::EC2::VPC': 5, 'AWS::EC2::EIP': 5, 'AWS::EC2::InternetGateway': 5 }`. Off by default.
   */
  quotas?: Record<string, number>;
}

/** Calls that change something: anything but Describe*, List*, Get*, Validate*, Head*. */
const READ_ONLY = /^(Describe|List|Get|Validate|Head)/;

export class AwsSimulator {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL. */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  /** Every request received, in arrival order. */
  readonly calls: CallRecord[];
  /** EC2's counts (stacks' resources plus `ec2.seed(…)`) and `ec2.deny(action)`. */
  readonly ec2: Ec2Service;
  /** DescribeLoadBalancers over the stacks' load balancers plus `elb.seed(n)`; `elb.deny()`. */
  readonly elb: ElbService;
  /** GetMetricData of a load balancer's RequestCount: `cloudWatch.recordRequests(name, at)`. */
  readonly cloudWatch: CloudWatchService;
  /** GetServiceQuota from the `quotas` option, and `serviceQuotas.deny()`. */
  readonly serviceQuotas: ServiceQuotasService;
  /** ECR's DescribeImages: `ecr.pushImage(repository, tag, digest?)`. */
  readonly ecr: EcrService;
  /** SSM Run Command, running scripts here: `ssm.setSecretValue(json)`, `ssm.extraPath`. */
  readonly ssm: SsmService;

  private constructor(
    private readonly server: Server,
    private readonly shutdown: AbortController,
    private readonly services: Services,
    private readonly resourceFaults: ResourceFaults,
    private readonly delays: { base: number; overrides: Map<string, number> },
    options: { region: string; accountId: string },
  ) {
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.region = options.region;
    this.accountId = options.accountId;
    this.calls = services.calls;
    this.ec2 = services.ec2;
    this.elb = services.elb;
    this.cloudWatch = services.cloudWatch;
    this.serviceQuotas = services.serviceQuotas;
    this.ecr = services.ecr;
    this.ssm = services.ssm;
  }

  static async start(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
    const region = options.region ?? 'us-east-1';
    const accountId = options.accountId ?? '123456789012';
    const delays = {
      base: options.resourceDelayMs ?? 20,
      overrides: new Map(Object.entries(options.resourceDelays ?? {})),
    };
    const jitter = options.resourceDelayJitter ?? 0;
    const [settleMin, settleMax] = [options.stackSettleMs ?? 0].flat() as [number, number?];
    const shutdown = new AbortController();
    // Each running operation, change set and resource wait listens for shutdown.
    setMaxListeners(0, shutdown.signal);
    const rds = new RdsService({
      region,
      accountId,
      transitionMs: options.clusterTransitionMs ?? 50,
      shutdown: shutdown.signal,
    });
    const s3 = new S3Service();
    const kms = new KmsService({ region, accountId });
    const resourceFaults = new ResourceFaults();
    // The provider counts live resources across stacks for quotas; the service owns the stacks.
    const stacks = (): StackRecord[] => cloudformation.allStacks;
    const cloudformation: CloudFormationService = new CloudFormationService(
      {
        region,
        accountId,
        changeSetDelayMs: options.changeSetDelayMs ?? 20,
        describeStacksPageSize: options.describeStacksPageSize ?? 100,
        stackEventsPageSize: options.stackEventsPageSize ?? 100,
        shutdown: shutdown.signal,
        delayFor: (id, type) =>
          (delays.overrides.get(id) ?? delays.overrides.get(type) ?? delays.base) *
          (1 + jitter * (2 * Math.random() - 1)),
        settleDelay: () => settleMin + Math.random() * ((settleMax ?? settleMin) - settleMin),
      },
      await loadResourceSpec(),
      resourceFaults,
      new ResourceProvider(rds, s3, () => stacks(), options.quotas, kms),
      s3,
    );
    const quotas = options.quotas ?? {};
    const services: Services = {
      cloudformation,
      rds,
      s3,
      ec2: new Ec2Service({ region, accountId, stacks, quotas }),
      elb: new ElbService({
        region,
        accountId,
        stacks,
        targetHealthyAfterMs: options.targetHealthyAfterMs,
      }),
      cloudWatch: new CloudWatchService({ accountId }),
      serviceQuotas: new ServiceQuotasService({ region, accountId, quotas }),
      kms,
      accountId,
      ecr: new EcrService({ accountId }),
      ssm: new SsmService({
        accountId,
        region,
        stacks,
        url: () => baseUrl,
        shutdown: shutdown.signal,
      }),
      faults: new CallFaults(),
      calls: [],
    };
    let baseUrl = '';
    const server = createServer((req, res) => void serve(services, baseUrl, req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const simulator = new AwsSimulator(server, shutdown, services, resourceFaults, delays, {
      region,
      accountId,
    });
    baseUrl = simulator.url;
    return simulator;
  }

  /** Stops the server, drops open connections (hung calls included) and cancels running operations. */
  async stop(): Promise<void> {
    this.shutdown.abort();
    this.services.faults.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // CloudFormation

  seedStack(options: SeedStackOptions): StackView {
    return stackViewOf(seedStack(this.services.cloudformation, options));
  }

  /** A stack by name (the current, undeleted one, as DescribeStacks) or by ARN (deleted ones too). */
  stack(nameOrId: string): StackView | undefined {
    const stack = this.record(nameOrId);
    return stack && stackViewOf(stack);
  }

  /** All stacks, deleted ones included, oldest first. */
  stacks(): StackView[] {
    return this.services.cloudformation.allStacks.map(stackViewOf);
  }

  /** A stack's events oldest first (DescribeStackEvents pages them newest first); name or ARN. */
  events(nameOrId: string): StackEvent[] {
    return [...(this.record(nameOrId)?.events ?? [])];
  }

  /** Makes a resource's next create/update (or the given operation) fail with `reason`. */
  failResource(logicalId: string, reason: string, options?: FailResourceOptions): void {
    this.resourceFaults.add(logicalId, reason, options);
  }

  /** Sets how long a resource (by logical ID or type) spends in each step; e.g. long, to test timeouts. */
  setResourceDelay(logicalIdOrType: string, ms: number): void {
    this.delays.overrides.set(logicalIdOrType, ms);
  }

  /** Value of an SSM parameter used by `AWS::SSM::Parameter::Value<…>` template parameters. */
  putSsmParameter(name: string, value: string): void {
    this.services.cloudformation.ssmParameters.set(name, value);
  }

  /**
   * Resolves once the stack's (or every stack's) change sets are computed and running operations
   * have finished. Seeded in-progress stacks without settleAfterMs never finish and are not waited on.
   */
  async settled(nameOrId?: string): Promise<void> {
    const busy = () => {
      const stacks = nameOrId ? [this.record(nameOrId)] : this.services.cloudformation.allStacks;
      const pending = stacks.some((s) =>
        s?.changeSets.some(
          (cs) => cs.status === 'CREATE_PENDING' || cs.status === 'CREATE_IN_PROGRESS',
        ),
      );
      const running = stacks.map((s) => s?.operation).filter((op) => op !== undefined);
      return { pending, running };
    };
    for (;;) {
      const { pending, running } = busy();
      await Promise.all(running);
      if (pending) await new Promise((resolve) => setTimeout(resolve, 5));
      const after = busy();
      const same =
        after.running.length === running.length &&
        after.running.every((op, i) => op === running[i]);
      if (!pending && !after.pending && same) return;
    }
  }

  /**
   * Sets tags on a stack as an update from outside the action leaves them (the wake page's
   * function): the tags only, no operation or event.
   */
  setStackTags(nameOrId: string, tags: Record<string, string>): void {
    const stack = this.record(nameOrId);
    if (!stack) throw new Error(`sim: no stack "${nameOrId}"`);
    const kept = stack.tags.filter((t) => !Object.hasOwn(tags, t.Key ?? ''));
    stack.tags = [...kept, ...Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))];
  }

  private record(nameOrId: string): StackRecord | undefined {
    return this.services.cloudformation.findStack(nameOrId);
  }

  // RDS

  addCluster(seed: ClusterSeed): Cluster {
    return this.services.rds.addCluster(seed);
  }

  addSnapshot(seed: SnapshotSeed): Snapshot {
    return this.services.rds.addSnapshot(seed);
  }

  // KMS

  /** A KMS key, by default this account's; `usableBy` names the other accounts its policy allows. */
  addKmsKey(seed?: KmsKeySeed): KmsKey {
    return this.services.kms.addKey(seed);
  }

  cluster(id: string): Cluster | undefined {
    return this.services.rds.clusters.get(id);
  }

  snapshots(cluster?: string): Snapshot[] {
    return this.services.rds.snapshots.filter((s) => !cluster || s.cluster === cluster);
  }

  // S3

  /** A bucket; `versioned` gives every PutObject a VersionId and keeps the older versions. */
  createBucket(name: string, options: { versioned?: boolean } = {}): void {
    this.services.s3.createBucket(name, options);
  }

  /** Stores an object now; returns its VersionId in a versioned bucket. */
  putObject(
    bucket: string,
    key: string,
    body: string | Buffer,
    contentType?: string,
  ): string | undefined {
    return this.services.s3.putObject(bucket, key, body, contentType).versionId;
  }

  /** Stores an object after `ms`, as CI finishing its upload while a run already waits for it. */
  putObjectLater(bucket: string, key: string, body: string | Buffer, ms: number): void {
    const timer = setTimeout(() => this.putObject(bucket, key, body), ms);
    this.shutdown.signal.addEventListener('abort', () => clearTimeout(timer));
  }

  /** The current object, or one version of it. */
  getObject(bucket: string, key: string, versionId?: string): Buffer | undefined {
    return this.services.s3.getObject(bucket, key, versionId)?.body;
  }

  /** An object's metadata and version, as HeadObject would give them. */
  headObject(bucket: string, key: string) {
    const object = this.services.s3.getObject(bucket, key);
    return object && { versionId: object.versionId, etag: object.etag, metadata: object.metadata };
  }

  // Faults

  /** Answers a fraction of matching calls with `Throttling: Rate exceeded`; null turns it off. */
  throttle(options: ThrottleOptions | null): void {
    this.services.faults.throttle(options);
  }

  /** A token bucket over matching calls; calls beyond it are throttled. null turns it off. */
  rateLimit(options: RateLimitOptions | null): void {
    this.services.faults.rateLimit(options);
  }

  /** Holds matching calls unanswered until the returned function is called (or the simulator stops). */
  hang(actions: string | RegExp, options?: HangOptions): () => void {
    return this.services.faults.hang(actions, options);
  }

  /** Removes resource failures, throttling, rate limits and hangs. */
  clearFaults(): void {
    this.resourceFaults.clear();
    this.services.faults.clear();
  }

  // Observability

  /** Calls that change state: any CloudFormation, RDS or S3 call but Describe/List/Get/Validate/Head. */
  mutatingCalls(): CallRecord[] {
    return this.calls.filter((c) => !READ_ONLY.test(c.action));
  }

  clearCalls(): void {
    this.calls.length = 0;
  }
}
