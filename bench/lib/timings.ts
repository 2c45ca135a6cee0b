/**
 * How long CloudFormation takes to create each resource type of the environment template, with
 * where each figure comes from, and the template's critical paths under those times. The same
 * table, scaled down, times the simulated stacks of the benchmark, so their events keep real
 * proportions.
 */
import type { CfnTemplate } from '../../src/template/cfn-yaml.js';
import { dependencyGraph } from '../../test/helpers/template-graph.js';

export interface Source {
  id: string;
  url: string;
  says: string;
}

/** Public reports of real timings; the table cites them by id. */
export const SOURCES: Source[] = [
  {
    id: 'S1',
    url: 'https://github.com/cloudtools/stacker/pull/90',
    says: 'stack event log: VPC, InternetGateway, DHCPOptions in progress at 19:36:52, InternetGateway complete at 19:37:07 (15 s)',
  },
  {
    id: 'S2',
    url: 'https://github.com/widdix/aws-s3-virusscan/issues/39',
    says: 'vpc-2azs stack events: routes and subnet route table associations initiated at 23:37:21, complete at 23:37:35–37 (14–16 s); stack CREATE_COMPLETE 5 s after its last resource',
  },
  {
    id: 'S3',
    url: 'https://github.com/unbounce/iidy/issues/145',
    says: 'AWS::IAM::Role created in 20 s; stack CREATE_COMPLETE 6 s after its last resource',
  },
  {
    id: 'S4',
    url: 'https://github.com/aws/aws-toolkit-azure-devops/issues/100',
    says: 'update: last resource 13:08:48, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS 13:08:50, UPDATE_COMPLETE 13:08:51 (3 s)',
  },
  {
    id: 'S5',
    url: 'https://github.com/hashicorp/terraform/issues/15341',
    says: '"According to AWS there is a hardcoded 2min delay for creating instance profiles"',
  },
  {
    id: 'S6',
    url: 'https://github.com/kubernetes/kops/pull/944',
    says: 'a NAT gateway takes minutes ("up to 5 min", "up to 10 min") from pending to available',
  },
  {
    id: 'S7',
    url: 'https://github.com/kubernetes/kubernetes/issues/44695',
    says: '"when an ELB is first created … it is very normal that it takes > 2 minutes"',
  },
  {
    id: 'S8',
    url: 'https://github.com/hashicorp/terraform/issues/24799',
    says: 'an application load balancer takes "no more than 5 [minutes]" on most CI runs',
  },
  {
    id: 'S9',
    url: 'https://github.com/govuk-paas/paas-cf/pull/445',
    says: '"RDS instances take <10mins to create once the creation starts"',
  },
  {
    id: 'S10',
    url: 'https://repost.aws/knowledge-center/aurora-mysql-slow-snapshot-restore',
    says: 'a snapshot restore builds the cluster volume from S3 before the cluster is available (minutes to hours by size); instances are created only after that',
  },
  {
    id: 'S11',
    url: 'https://github.com/hashicorp/terraform/issues/8051',
    says: 'restoring an aws_rds_cluster from a large snapshot took over 30 minutes',
  },
  {
    id: 'S12',
    url: 'https://github.com/tungbq/aws-lab-with-terraform/issues/100',
    says: 'deleting an Aurora instance took 11m47s, its cluster 1m3s',
  },
  {
    id: 'S13',
    url: 'https://github.com/aws/aws-sam-cli/issues/2671',
    says: '"Cloud Formation rate caps describe-stacks to 5 calls per second"',
  },
  {
    id: 'S14',
    url: 'https://aws.amazon.com/blogs/aws/amazon-aurora-fast-database-cloning/',
    says: 'AWS News Blog: a 2 TB "snapshot restore job that used to take an hour is now ready in about 5 minutes – and most of that time is spent provisioning a new RDS instance"; "It took about 5 minutes and 30 seconds for my clone to become available"',
  },
  {
    id: 'S15',
    url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-secretsmanager-secret.html',
    says: 'a secret with GenerateSecretString is one CreateSecret call (GetRandomPassword, then the secret): no provisioning to wait for',
  },
];

export interface TypicalTime {
  seconds: number;
  /** Source ids; empty for an estimate. */
  sources: string[];
  note: string;
}

/** Typical CREATE time per resource type as CloudFormation reports it (IN_PROGRESS to COMPLETE). */
export const TYPICAL_CREATE: Record<string, TypicalTime> = {
  'AWS::EC2::VPC': { seconds: 15, sources: ['S1'], note: 'with its first peers, 15 s' },
  'AWS::EC2::InternetGateway': { seconds: 15, sources: ['S1'], note: '15 s' },
  'AWS::EC2::VPCGatewayAttachment': { seconds: 15, sources: [], note: 'estimate' },
  'AWS::EC2::Subnet': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::EC2::RouteTable': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::EC2::Route': { seconds: 15, sources: ['S2'], note: '14–16 s' },
  'AWS::EC2::SubnetRouteTableAssociation': { seconds: 15, sources: ['S2'], note: '15–16 s' },
  'AWS::EC2::EIP': { seconds: 10, sources: [], note: 'estimate' },
  // NetworkReady: a handle nothing signals is complete as soon as CloudFormation records it.
  'AWS::CloudFormation::WaitConditionHandle': { seconds: 1, sources: [], note: 'estimate' },
  'AWS::EC2::NatGateway': { seconds: 120, sources: ['S6'], note: 'minutes; 2 min assumed' },
  'AWS::EC2::SecurityGroup': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::IAM::Role': { seconds: 20, sources: ['S3'], note: '20 s' },
  'AWS::IAM::InstanceProfile': { seconds: 120, sources: ['S5'], note: 'fixed 2 min wait' },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    seconds: 180,
    sources: ['S7', 'S8'],
    note: '> 2 min, ≤ 5 min; 3 min assumed',
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::ElasticLoadBalancingV2::Listener': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::EC2::LaunchTemplate': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::AutoScaling::AutoScalingGroup': {
    seconds: 300,
    sources: [],
    note: 'estimate: launch, boot, user data, cfn-signal (CreationPolicy)',
  },
  'AWS::AutoScaling::ScalingPolicy': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::EC2::Instance': { seconds: 45, sources: [], note: 'estimate: until running' },
  'AWS::RDS::DBSubnetGroup': { seconds: 5, sources: [], note: 'estimate' },
  'AWS::RDS::DBCluster': {
    seconds: 900,
    sources: ['S10', 'S11'],
    note: 'restore: size-dependent; 15 min assumed for a small snapshot',
  },
  'AWS::RDS::DBInstance': { seconds: 600, sources: ['S9'], note: '< 10 min once started' },
  'AWS::SecretsManager::Secret': { seconds: 5, sources: ['S15'], note: 'estimate: one API call' },
  'AWS::SecretsManager::SecretTargetAttachment': {
    seconds: 5,
    sources: ['S15'],
    note: 'estimate: one write to the secret',
  },
  'AWS::IAM::Policy': { seconds: 20, sources: ['S3'], note: 'as an IAM role, 20 s' },
  'AWS::Logs::LogGroup': { seconds: 2, sources: [], note: 'estimate: one API call' },
  'AWS::CloudWatch::Dashboard': { seconds: 2, sources: [], note: 'estimate: one API call' },
  'AWS::Lambda::Function': { seconds: 10, sources: [], note: 'estimate: created, then active' },
  'AWS::Lambda::Permission': { seconds: 2, sources: [], note: 'estimate: one API call' },
};

/**
 * An Aurora copy-on-write clone's cluster (data-source: clone): the clone itself is ready in about
 * a minute whatever the size; of S14's 5.5 min, most is the instance, timed as any other (S9).
 */
export const TYPICAL_CLONE: TypicalTime = {
  seconds: 60,
  sources: ['S14'],
  note: 'clone: size-independent; 1 min assumed (S14: 5.5 min with its instance, mostly the instance)',
};

/** Deleting differs most for the restored cluster (S12); the rest delete about as they create. */
export const TYPICAL_DELETE_OVERRIDES: Record<string, TypicalTime> = {
  'AWS::RDS::DBCluster': { seconds: 60, sources: ['S12'], note: '1m3s' },
};

/**
 * Updating on a push: the head-SHA stack tag changes, so every taggable resource is updated (tags
 * only: quick), and the new launch template version rolls through the Auto Scaling group.
 */
export const TYPICAL_UPDATE: Record<string, TypicalTime> = {
  '*': { seconds: 5, sources: [], note: 'estimate: a tag-only update' },
  'AWS::AutoScaling::AutoScalingGroup': {
    seconds: 300,
    sources: [],
    note: 'estimate: rolling replacement, one instance at a time, each waiting for its signal',
  },
};

/** The pause between an operation's last resource and the stack's own event (S2, S3, S4). */
export const STACK_SETTLE_S: [number, number] = [3, 6];

type Condition = unknown;

/** Evaluates the template's conditions for the given parameter values (defaults otherwise). */
function conditionValues(
  template: CfnTemplate,
  parameters: Record<string, string>,
): Map<string, boolean> {
  const values = new Map<string, boolean>();
  const param = (name: string) =>
    parameters[name] ?? String(template.Parameters?.[name]?.Default ?? '');
  const value = (v: unknown): unknown => {
    if (v && typeof v === 'object' && 'Ref' in v) return param(String((v as { Ref: unknown }).Ref));
    return v;
  };
  const evaluate = (c: Condition): boolean => {
    const node = c as Record<string, unknown[]>;
    if (node['Fn::Equals'])
      return String(value(node['Fn::Equals'][0])) === String(value(node['Fn::Equals'][1]));
    if (node['Fn::Not']) return !evaluate(node['Fn::Not'][0]);
    if (node['Fn::And']) return node['Fn::And'].every(evaluate);
    if (node['Fn::Or']) return node['Fn::Or'].some(evaluate);
    if ('Condition' in (c as object)) return of(String((c as { Condition: unknown }).Condition));
    throw new Error(`unsupported condition ${JSON.stringify(c)}`);
  };
  const of = (name: string): boolean => {
    if (!values.has(name)) values.set(name, evaluate(template.Conditions?.[name]));
    return values.get(name) as boolean;
  };
  for (const name of Object.keys(template.Conditions ?? {})) of(name);
  return values;
}

/** The resources a stack of this template has with these parameters. */
export function activeResources(
  template: CfnTemplate,
  parameters: Record<string, string> = {},
): string[] {
  const conditions = conditionValues(template, parameters);
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Condition === undefined || conditions.get(r.Condition))
    .map(([id]) => id);
}

export interface PathStep {
  id: string;
  type: string;
  seconds: number;
  /** When it finishes, counted from the start of the operation. */
  finish: number;
}

export interface Schedule {
  finish: Map<string, number>;
  /** The longest chain of dependencies that ends at `id`, first resource first. */
  chain(id: string): PathStep[];
}

/** Earliest finish of every resource when each starts as soon as everything it needs is done. */
export function schedule(
  template: CfnTemplate,
  active: string[],
  seconds: (type: string) => number,
): Schedule {
  const graph = dependencyGraph(template);
  const members = new Set(active);
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visit = (id: string): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    let start = 0;
    let before: string | undefined;
    for (const edge of graph.get(id) ?? []) {
      if (!members.has(edge.to) || edge.to === id) continue;
      const end = visit(edge.to);
      if (end > start) [start, before] = [end, edge.to];
    }
    const end = start + seconds(template.Resources[id]!.Type);
    finish.set(id, end);
    via.set(id, before);
    return end;
  };
  for (const id of active) visit(id);
  return {
    finish,
    chain(id) {
      const steps: PathStep[] = [];
      for (let at: string | undefined = id; at; at = via.get(at)) {
        const type = template.Resources[at]!.Type;
        steps.unshift({ id: at, type, seconds: seconds(type), finish: finish.get(at)! });
      }
      return steps;
    },
  };
}

export function typicalSeconds(type: string, table = TYPICAL_CREATE): number {
  const known = table[type];
  if (!known) throw new Error(`no typical time for ${type}: add it to bench/lib/timings.ts`);
  return known.seconds;
}

/**
 * Simulator delays (ms per resource type) that keep the typical proportions while the whole
 * operation takes `targetSeconds`: the longest path is scaled to it.
 */
export function scaledDelays(
  template: CfnTemplate,
  active: string[],
  targetSeconds: number,
  table: Record<string, TypicalTime> = TYPICAL_CREATE,
): { delays: Record<string, number>; factor: number } {
  const longest = Math.max(
    ...schedule(template, active, (t) => typicalSeconds(t, table)).finish.values(),
  );
  const factor = targetSeconds / longest;
  const types = new Set(active.map((id) => template.Resources[id]!.Type));
  const delays: Record<string, number> = {};
  for (const type of types) delays[type] = Math.round(typicalSeconds(type, table) * factor * 1000);
  return { delays, factor };
}
