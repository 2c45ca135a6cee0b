/**
 * Side effects and refusals of the services behind CloudFormation resources: an Aurora cluster a
 * stack creates shows up in RDS (and must restore from a snapshot that exists, with its engine),
 * a deleted cluster leaves a final snapshot unless its policy says Delete, a bucket must be empty
 * to go, a gateway cannot be detached while public addresses are mapped, and quotas hold.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { isLive } from './changes.js';
import type { KmsService } from './kms.js';
import type { RdsService } from './rds.js';
import type { S3Service } from './s3.js';
import type { ResourceState, StackRecord } from './stack-model.js';

/** CloudFormation's message shape for a failure reported by a resource handler. */
function handlerFailure(message: string, service: string, status: number, code: string): string {
  return (
    `Resource handler returned message: "${message} (Service: ${service}, Status Code: ${status}, Request ID: ${randomUUID()})" ` +
    `(RequestToken: ${randomUUID()}, HandlerErrorCode: ${code})`
  );
}

/** DBCluster defaults to Snapshot; everything else to Delete. */
export function effectivePolicy(type: string, policy: string | undefined): string {
  if (policy) return policy;
  return type === 'AWS::RDS::DBCluster' ? 'Snapshot' : 'Delete';
}

const QUOTA_MESSAGES: Record<string, string> = {
  'AWS::EC2::VPC': 'The maximum number of VPCs has been reached.',
  'AWS::EC2::EIP': 'The maximum number of addresses has been reached.',
  'AWS::EC2::InternetGateway': 'The maximum number of internet gateways has been reached.',
  'AWS::EC2::NatGateway': 'The maximum number of NAT gateways has been reached.',
};

/** Resources that map a public address into the VPC, which blocks detaching its gateway. */
function mapsPublicAddress(resource: ResourceState): boolean {
  const props = resource.properties;
  switch (resource.type) {
    case 'AWS::EC2::EIP':
      return true;
    case 'AWS::EC2::NatGateway':
      return props.ConnectivityType !== 'private';
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return props.Scheme !== 'internal';
    case 'AWS::EC2::Instance':
      return JSON.stringify(props.NetworkInterfaces ?? []).includes(
        '"AssociatePublicIpAddress":true',
      );
    default:
      return false;
  }
}

export class ResourceProvider {
  constructor(
    private readonly rds: RdsService,
    private readonly s3: S3Service,
    private readonly stacks: () => StackRecord[],
    /** Live resources allowed per type across all stacks, e.g. `{ 'AWS::EC2::VPC': 5 }`. */
    private readonly quotas: Record<string, number> = {},
    private readonly kms?: KmsService,
  ) {}

  /**
   * RDS's refusal of data encrypted with a key this account may not use (a snapshot or cluster
   * another account shares, whose key policy does not name this account).
   */
  private keyRefusal(keyId: string | undefined): string | undefined {
    if (!keyId || !this.kms?.keys.has(keyId) || this.kms.usable(keyId)) return undefined;
    return handlerFailure(
      `The specified KMS key [${keyId}] does not exist, is not enabled or you do not have permissions to access it.`,
      'Rds',
      400,
      'InvalidRequest',
    );
  }

  /** Returns why the service refuses to create the resource, if it does. */
  create(resource: ResourceState): string | undefined {
    const quota = this.quotas[resource.type];
    if (quota !== undefined && this.liveCount(resource) >= quota) {
      const message =
        QUOTA_MESSAGES[resource.type] ?? `Limit exceeded for resource type ${resource.type}`;
      return handlerFailure(message, 'Ec2', 400, 'ServiceLimitExceeded');
    }
    if (resource.type === 'AWS::RDS::DBCluster') return this.createCluster(resource);
    if (resource.type === 'AWS::RDS::DBInstance') this.joinCluster(resource);
    if (resource.type === 'AWS::S3::Bucket') this.s3.createBucket(resource.physicalId ?? '');
    return undefined;
  }

  /**
   * The tags CloudFormation puts on a resource it creates: its own `aws:cloudformation:*` tags
   * (what pr-env checks before stopping or starting a cluster) and the stack's tags.
   */
  private stackTagsOf(resource: ResourceState): Record<string, string> {
    const stack = this.stacks().find((s) => s.resources.get(resource.logicalId) === resource);
    if (!stack) return {};
    return {
      ...Object.fromEntries(stack.tags.map((t) => [t.Key, t.Value])),
      'aws:cloudformation:stack-name': stack.name,
      'aws:cloudformation:stack-id': stack.stackId,
      'aws:cloudformation:logical-id': resource.logicalId,
    };
  }

  private liveCount(except: ResourceState): number {
    return this.stacks()
      .flatMap((s) => [...s.resources.values()])
      .filter(
        (r) => r !== except && r.type === except.type && isLive(r) && r.status !== 'CREATE_FAILED',
      ).length;
  }

  /** A DB instance shows in its cluster's DBClusterMembers (the first one is the writer). */
  private joinCluster(resource: ResourceState): void {
    const cluster = this.rds.clusters.get(String(resource.properties.DBClusterIdentifier ?? ''));
    if (cluster && !cluster.members.includes(resource.physicalId ?? '')) {
      cluster.members.push(resource.physicalId ?? '');
    }
  }

  /**
   * RestoreDBClusterToPointInTime, as CloudFormation calls it for a DBCluster with
   * SourceDBClusterIdentifier: a copy-on-write clone joins the source's clone group; either way
   * the source must exist and be available, or RDS refuses.
   */
  private cloneCluster(resource: ResourceState, sourceId: string): string | undefined {
    const props = resource.properties;
    try {
      const seed = {
        id: resource.physicalId ?? '',
        port: props.Port === undefined ? undefined : Number(props.Port),
        tags: this.stackTagsOf(resource),
      };
      const refused = this.keyRefusal(this.rds.cluster(sourceId, true).kmsKeyId);
      if (refused) return refused;
      if (props.RestoreType === 'copy-on-write') {
        this.rds.clone(sourceId, seed);
      } else {
        const source = this.rds.cluster(sourceId, true);
        this.rds.addCluster({
          ...seed,
          engine: source.engine,
          engineVersion: source.engineVersion,
          masterUsername: source.masterUsername,
          members: [],
        });
      }
      return undefined;
    } catch (error) {
      const { code, message } = error as { code?: string; message: string };
      return code === 'DBClusterNotFoundFault'
        ? handlerFailure(message, 'Rds', 404, 'NotFound')
        : handlerFailure(message, 'Rds', 400, 'InvalidRequest');
    }
  }

  private createCluster(resource: ResourceState): string | undefined {
    const props = resource.properties;
    if (props.SourceDBClusterIdentifier !== undefined) {
      return this.cloneCluster(resource, String(props.SourceDBClusterIdentifier));
    }
    const snapshotId =
      props.SnapshotIdentifier === undefined ? undefined : String(props.SnapshotIdentifier);
    const snapshot = snapshotId ? this.rds.findSnapshot(snapshotId) : undefined;
    if (snapshotId && (!snapshot || snapshot.status !== 'available')) {
      return handlerFailure(`DBClusterSnapshot not found: ${snapshotId}`, 'Rds', 404, 'NotFound');
    }
    const refused = this.keyRefusal(snapshot?.kmsKeyId);
    if (refused) return refused;
    if (snapshot && props.Engine !== undefined && String(props.Engine) !== snapshot.engine) {
      return handlerFailure(
        `The engine name requested for your DB cluster (${String(props.Engine)}) doesn't match the engine name of your snapshot (${snapshot.engine}).`,
        'Rds',
        400,
        'InvalidRequest',
      );
    }
    this.rds.addCluster({
      id: resource.physicalId ?? '',
      engine: String(props.Engine ?? snapshot?.engine ?? 'aurora-postgresql'),
      engineVersion: String(props.EngineVersion ?? snapshot?.engineVersion ?? '16.4'),
      port: props.Port === undefined ? undefined : Number(props.Port),
      tags: this.stackTagsOf(resource),
      masterUsername: snapshot?.masterUsername,
      members: [],
    });
    return undefined;
  }

  /**
   * Why a deletion that starts now will fail. Checked when the deletion starts: with the right
   * DependsOn, whatever blocks it is already gone by then; without, it is still being deleted.
   */
  deletionBlocker(stack: StackRecord, resource: ResourceState): string | undefined {
    if (resource.type !== 'AWS::EC2::VPCGatewayAttachment') return undefined;
    const mapped = [...stack.resources.values()].some(
      (r) => r !== resource && isLive(r) && mapsPublicAddress(r),
    );
    if (!mapped) return undefined;
    const vpc = String(resource.properties.VpcId ?? 'vpc');
    return handlerFailure(
      `Network ${vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
      'Ec2',
      400,
      'GeneralServiceException',
    );
  }

  /** Returns why the service refuses to delete the resource, if it does. */
  delete(stack: StackRecord, resource: ResourceState, policy: string): string | undefined {
    const id = resource.physicalId ?? '';
    if (resource.type === 'AWS::RDS::DBInstance') {
      for (const c of this.rds.clusters.values()) c.members = c.members.filter((m) => m !== id);
    }
    const cluster = resource.type === 'AWS::RDS::DBCluster' ? this.rds.clusters.get(id) : undefined;
    if (cluster) {
      this.rds.clusters.delete(id);
      if (policy === 'Snapshot') {
        this.rds.addSnapshot({
          cluster: id,
          id: `${stack.name}-snapshot-${resource.logicalId.toLowerCase()}-${randomBytes(6).toString('hex')}`,
          type: 'manual',
          engine: cluster.engine,
          engineVersion: cluster.engineVersion,
        });
      }
    }
    if (resource.type === 'AWS::S3::Bucket') {
      const objects = this.s3.buckets.get(id);
      if (objects && objects.size > 0) {
        return handlerFailure(
          'The bucket you tried to delete is not empty',
          'S3',
          409,
          'GeneralServiceException',
        );
      }
      this.s3.buckets.delete(id);
    }
    return undefined;
  }
}
