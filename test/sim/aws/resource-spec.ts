/**
 * What CloudFormation knows about each resource type: which property changes replace the
 * resource, which attributes Fn::GetAtt may read, and whether the type exists at all.
 *
 * Read from the official specification shipped in `@aws-cdk/aws-service-spec`; when that cannot be
 * loaded, a small table of the types pr-env uses keeps replacement detection working.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

export type ReplacementRule = 'Always' | 'Conditionally' | 'Never';

export interface ResourceTypeSpec {
  replacing: Map<string, ReplacementRule>;
  /** Undefined when the attribute list is unknown: then any attribute is accepted. */
  attributes?: Set<string>;
  taggable: boolean;
}

export interface ResourceSpec {
  /** False when only the fallback table is available, so unknown types must not be rejected. */
  readonly complete: boolean;
  get(type: string): ResourceTypeSpec | undefined;
}

const FALLBACK: Record<string, string[]> = {
  'AWS::RDS::DBCluster': [
    'SnapshotIdentifier',
    'Engine',
    'EngineMode',
    'DBSubnetGroupName',
    'DBClusterIdentifier',
    'StorageEncrypted',
    'KmsKeyId',
    'DatabaseName',
    'AvailabilityZones',
    'SourceDBClusterIdentifier',
  ],
  'AWS::RDS::DBInstance': [
    'DBClusterIdentifier',
    'Engine',
    'DBInstanceIdentifier',
    'DBSubnetGroupName',
  ],
  'AWS::EC2::VPC': ['CidrBlock', 'InstanceTenancy'],
  'AWS::EC2::Subnet': ['CidrBlock', 'AvailabilityZone', 'VpcId'],
  'AWS::EC2::SecurityGroup': ['GroupDescription', 'GroupName', 'VpcId'],
  'AWS::EC2::Instance': ['ImageId', 'SubnetId', 'KeyName', 'AvailabilityZone'],
  'AWS::EC2::NatGateway': ['SubnetId', 'AllocationId'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name', 'Scheme', 'Type'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::IAM::Role': ['RoleName', 'Path'],
};

function fallbackSpec(): ResourceSpec {
  const types = new Map<string, ResourceTypeSpec>();
  for (const [type, props] of Object.entries(FALLBACK)) {
    types.set(type, {
      replacing: new Map(props.map((p) => [p, 'Always' as const])),
      taggable: true,
    });
  }
  return { complete: false, get: (type) => types.get(type) };
}

interface SpecEntity {
  cloudFormationType: string;
  properties?: Record<string, { causesReplacement?: 'yes' | 'maybe' | 'no' }>;
  attributes?: Record<string, unknown>;
  tagInformation?: unknown;
}

/** Per type: replacing properties, GetAtt attributes, taggable. Small enough to cache. */
type CompactSpec = Record<
  string,
  { replacing: Record<string, ReplacementRule>; attributes: string[]; taggable: boolean }
>;

function compact(entities: SpecEntity[]): CompactSpec {
  const out: CompactSpec = {};
  for (const entity of entities) {
    const replacing: Record<string, ReplacementRule> = {};
    for (const [name, prop] of Object.entries(entity.properties ?? {})) {
      if (prop.causesReplacement === 'yes') replacing[name] = 'Always';
      if (prop.causesReplacement === 'maybe') replacing[name] = 'Conditionally';
    }
    out[entity.cloudFormationType] = {
      replacing,
      attributes: Object.keys(entity.attributes ?? {}),
      taggable: entity.tagInformation !== undefined,
    };
  }
  return out;
}

function fromCompact(spec: CompactSpec): ResourceSpec {
  const types = new Map<string, ResourceTypeSpec>(
    Object.entries(spec).map(([type, t]) => [
      type,
      {
        replacing: new Map(Object.entries(t.replacing)),
        attributes: new Set(t.attributes),
        taggable: t.taggable,
      },
    ]),
  );
  return { complete: true, get: (type) => types.get(type) };
}

/**
 * Unpacking the 2.6 MB specification takes about half a second, paid by every test file; the
 * extract is cached under node_modules/.cache, keyed by the package version.
 */
async function loadOfficialSpec(): Promise<ResourceSpec> {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('@aws-cdk/aws-service-spec/package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  const cacheFile = join(
    dirname(manifest),
    '..',
    '..',
    '.cache',
    'pr-env-aws-sim',
    `spec-${version}.json`,
  );
  try {
    return fromCompact(JSON.parse(await readFile(cacheFile, 'utf8')) as CompactSpec);
  } catch {
    // No cache yet (or a damaged one): build it.
  }
  const raw = await promisify(gunzip)(await readFile(join(dirname(manifest), 'db.json.gz')));
  const db = JSON.parse(raw.toString('utf8')) as {
    schema: { resource: { entities: SpecEntity[] } };
  };
  const spec = compact(db.schema.resource.entities);
  try {
    await mkdir(dirname(cacheFile), { recursive: true });
    // Rename makes the write atomic for test workers starting at the same time.
    const partial = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(spec));
    await rename(partial, cacheFile);
  } catch {
    // A read-only node_modules only costs the next run the same half second.
  }
  return fromCompact(spec);
}

let loading: Promise<ResourceSpec> | undefined;

/** Loads the specification once per process (about half a second), falling back to the table. */
export function loadResourceSpec(): Promise<ResourceSpec> {
  loading ??= loadOfficialSpec().catch(() => fallbackSpec());
  return loading;
}

export function replacementRule(
  spec: ResourceSpec,
  type: string,
  property: string,
): ReplacementRule {
  return spec.get(type)?.replacing.get(property) ?? 'Never';
}

/** Custom resources accept any type name and any attribute. */
export function isCustomType(type: string): boolean {
  return type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';
}
