/**
 * The resource dependency graph of a CloudFormation template: which resources each resource
 * waits for. CloudFormation orders creation by exactly these edges:
 *
 * - `Ref: X` and `Fn::GetAtt: [X, attr]` / `"X.attr"`;
 * - `Fn::Sub` variables, in both forms: `${X}` and `${X.Attr}` in the string (not `${!X}`, not
 *   the names bound by the variables map of `[string, {variables}]`, whose values are walked);
 * - `DependsOn: X | [X, ...]`.
 *
 * Both branches of `Fn::If` count: either may be taken at deploy time. Only edges to resources
 * are kept (parameters and pseudo parameters are not nodes).
 */
import type { CfnTemplate } from '../../src/template/cfn-yaml.js';
import { getAttTarget, intrinsicName, subVariables } from './cfn-spec.js';

export type DependencyKind = 'Ref' | 'GetAtt' | 'Sub' | 'DependsOn';

export interface DependencyEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: DependencyKind;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The resources `logicalId` depends on directly, one edge per reference found. */
export function directDependencies(template: CfnTemplate, logicalId: string): DependencyEdge[] {
  const resource = template.Resources[logicalId];
  if (!resource) throw new Error(`${logicalId} is not a resource of the template`);
  const resources = template.Resources;
  const edges: DependencyEdge[] = [];
  const add = (to: string, kind: DependencyKind) => {
    if (Object.hasOwn(resources, to)) edges.push({ from: logicalId, to, kind });
  };

  const walk = (value: unknown, locals: ReadonlySet<string>): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item, locals);
      return;
    }
    if (!isRecord(value)) return;
    const intrinsic = intrinsicName(value);
    const args = intrinsic ? value[intrinsic] : undefined;
    if (intrinsic === 'Ref') {
      if (typeof args === 'string' && !locals.has(args)) add(args, 'Ref');
      return;
    }
    if (intrinsic === 'Fn::GetAtt') {
      const target = getAttTarget(args);
      if (target) {
        add(target[0], 'GetAtt');
        walk(target[1], locals);
      }
      return;
    }
    if (intrinsic === 'Fn::Sub') {
      let text = args;
      let bound = locals;
      if (Array.isArray(args)) {
        const [body, variables] = args as [unknown, unknown];
        text = body;
        if (isRecord(variables)) {
          walk(variables, locals);
          bound = new Set([...locals, ...Object.keys(variables)]);
        }
      }
      if (typeof text === 'string') {
        for (const [name] of subVariables(text)) if (!bound.has(name)) add(name, 'Sub');
      }
      return;
    }
    for (const child of Object.values(value)) walk(child, locals);
  };

  const dependsOn = resource.DependsOn;
  for (const target of dependsOn === undefined ? [] : [dependsOn].flat()) {
    add(target, 'DependsOn');
  }
  for (const section of [
    resource.Properties,
    resource.Metadata,
    resource.CreationPolicy,
    resource.UpdatePolicy,
  ]) {
    walk(section, new Set());
  }
  return edges;
}

/** Every resource's direct dependencies. */
export function dependencyGraph(template: CfnTemplate): Map<string, DependencyEdge[]> {
  return new Map(
    Object.keys(template.Resources).map((id) => [id, directDependencies(template, id)]),
  );
}

/** Every resource `logicalId` waits for, directly or through others. */
export function transitiveDependencies(template: CfnTemplate, logicalId: string): Set<string> {
  const graph = dependencyGraph(template);
  const seen = new Set<string>();
  const queue = [logicalId];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const edge of graph.get(current) ?? []) {
      if (!seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return seen;
}

/**
 * The shortest chain of edges from `logicalId` to a resource matching `isTarget`, or undefined
 * when there is none. Use it to explain a forbidden dependency.
 */
export function findDependencyPath(
  template: CfnTemplate,
  logicalId: string,
  isTarget: (id: string) => boolean,
): DependencyEdge[] | undefined {
  const graph = dependencyGraph(template);
  const via = new Map<string, DependencyEdge>();
  const queue = [logicalId];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const current = queue.shift() as string;
    for (const edge of graph.get(current) ?? []) {
      if (seen.has(edge.to)) continue;
      seen.add(edge.to);
      via.set(edge.to, edge);
      if (isTarget(edge.to)) {
        const path: DependencyEdge[] = [];
        for (let step = via.get(edge.to); step; step = via.get(step.from)) {
          path.unshift(step);
          if (step.from === logicalId) break;
        }
        return path;
      }
      queue.push(edge.to);
    }
  }
  return undefined;
}

/** Renders a path as `A -(Sub)-> B -(Ref)-> C`. */
export function formatDependencyPath(path: readonly DependencyEdge[]): string {
  if (path.length === 0) return '';
  return path.reduce((text, edge) => `${text} -(${edge.kind})-> ${edge.to}`, path[0]!.from);
}

/** Logical IDs of the resources of one type. */
export function resourcesOfType(template: CfnTemplate, type: string): string[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}

/** The resource types of the web tier: what serves the URL, and the bastion beside it. */
export const WEB_TIER_TYPES = new Set([
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::EC2::LaunchTemplate',
  'AWS::AutoScaling::AutoScalingGroup',
  'AWS::AutoScaling::ScalingPolicy',
  'AWS::EC2::Instance',
]);

/**
 * What the web tier is made of besides its own resources: its roles, profiles and groups, and
 * the wake page's function behind its listeners.
 */
const SUPPORT_TYPES = new Set([
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::IAM::Role',
  'AWS::IAM::InstanceProfile',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
]);

const POLICY_TYPES = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::RolePolicy',
]);

/**
 * Policies on a web-tier role that wait for the database on purpose: the wake page may start the
 * cluster only once there is one. Nothing may wait on them (the graph test checks it).
 */
export const AFTER_THE_DATABASE = new Set(['WakeDatabasePolicy']);

/** The roles a policy resource attaches to (`Roles: [Ref]` or `RoleName: Ref`). */
function policyRoles(resource: { Properties?: Record<string, unknown> }): string[] {
  const props = resource.Properties ?? {};
  const refs = [props.Roles, props.RoleName].flat().filter(isRecord);
  return refs.map((ref) => ref.Ref).filter((id): id is string => typeof id === 'string');
}

/**
 * The web tier's resources: those of WEB_TIER_TYPES, the roles, instance profiles and security
 * groups they use (directly or not), and every policy resource attached to one of those roles.
 * A policy points at its role, not the other way round: it must be looked up.
 */
export function webTierResources(template: CfnTemplate): string[] {
  const seeds = Object.keys(template.Resources).filter((id) =>
    WEB_TIER_TYPES.has(template.Resources[id]!.Type),
  );
  const tier = new Set(seeds);
  for (const id of seeds) {
    for (const dep of transitiveDependencies(template, id)) {
      if (SUPPORT_TYPES.has(template.Resources[dep]?.Type ?? '')) tier.add(dep);
    }
  }
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (AFTER_THE_DATABASE.has(id)) continue;
    if (POLICY_TYPES.has(resource.Type) && policyRoles(resource).some((role) => tier.has(role))) {
      tier.add(id);
    }
  }
  return [...tier];
}
