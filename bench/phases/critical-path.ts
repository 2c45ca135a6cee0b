/**
 * (5) Critical path: from the template's dependency graph and the typical creation times (with
 * their sources), when the URL answers (the ALB listener and the Auto Scaling group, whose
 * instances signal once the app serves) and, beside it, when the data is there: the writer
 * instance answers, then the reader joins, for a snapshot restore and for an Aurora clone.
 */
import type { CfnTemplate } from '../../src/template/cfn-yaml.js';
import { loadTemplate } from '../../src/template/render.js';
import { ROOT } from '../lib/action.js';
import {
  TYPICAL_CLONE,
  TYPICAL_CREATE,
  activeResources,
  schedule,
  typicalSeconds,
  type PathStep,
} from '../lib/timings.js';

/** Issue 13: the URL answers within ten minutes, with typical AWS times. */
export const URL_TARGET_SECONDS = 600;

export interface Milestone {
  name: string;
  /** The resources that must all be complete. */
  needs: string[];
  seconds: number;
  chain: PathStep[];
}

/** The data's own critical path for one data source. */
export interface DataPath {
  source: 'snapshot' | 'clone';
  /** The writer instance is available: the data answers. */
  answers: Milestone;
  /** Every DB instance is available (the reader joins after the writer). */
  complete: Milestone;
}

export interface CriticalPathResult {
  resources: number;
  url: Milestone;
  urlTargetSeconds: number;
  data: DataPath[];
  /** When the URL would answer if the web tier did not wait for the database. */
  urlWithoutDb?: { seconds: number; chain: PathStep[]; edge: string };
  types: { type: string; count: number; seconds: number; sources: string[]; note: string }[];
}

const isDb = (type: string) =>
  type.startsWith('AWS::RDS::DB') && type !== 'AWS::RDS::DBSubnetGroup';

function milestone(name: string, needs: string[], s: ReturnType<typeof schedule>): Milestone {
  const last = needs.reduce((a, b) => (s.finish.get(a)! >= s.finish.get(b)! ? a : b));
  return { name, needs, seconds: s.finish.get(last)!, chain: s.chain(last) };
}

/** Resources of `type`, by logical ID. */
const ofType = (template: CfnTemplate, active: string[], type: string) =>
  active.filter((id) => template.Resources[id]!.Type === type);

/** The DB instance that becomes the writer: the one the others wait for. */
function writerOf(template: CfnTemplate, instances: string[]): string {
  return (
    instances.find(
      (id) => !JSON.stringify(template.Resources[id]!.DependsOn ?? []).includes('DB'),
    ) ?? instances[0]!
  );
}

export function criticalPathPhase(): CriticalPathResult {
  const { template } = loadTemplate(`${ROOT}/templates/environment.yml`);
  const active = activeResources(template);
  const seconds = (type: string) => typicalSeconds(type);
  const s = schedule(template, active, seconds);
  const urlNeeds = [
    ...ofType(template, active, 'AWS::ElasticLoadBalancingV2::Listener'),
    ...ofType(template, active, 'AWS::AutoScaling::AutoScalingGroup'),
  ];
  const instances = ofType(template, active, 'AWS::RDS::DBInstance');
  const url = milestone('URL answers', urlNeeds, s);

  const data: DataPath[] = (['snapshot', 'clone'] as const).map((source) => {
    const cloneActive = activeResources(template, { DBCloneSourceCluster: 'prod-db' });
    const times =
      source === 'clone'
        ? schedule(template, cloneActive, (type) =>
            type === 'AWS::RDS::DBCluster' ? TYPICAL_CLONE.seconds : seconds(type),
          )
        : s;
    const how = source === 'clone' ? 'Aurora clone' : 'snapshot restore';
    return {
      source,
      answers: milestone(`data answers (${how})`, [writerOf(template, instances)], times),
      complete: milestone(`database complete (${how})`, instances, times),
    };
  });

  // Where the web tier's path goes through the database, the edge that makes it so.
  let urlWithoutDb: CriticalPathResult['urlWithoutDb'];
  const firstDb = url.chain.findIndex((step) => isDb(step.type));
  if (firstDb >= 0) {
    const dependent = url.chain[firstDb + 1]!;
    const web = activeResources(template).filter((id) => !isDb(template.Resources[id]!.Type));
    const webOnly = schedule(template, web, seconds);
    const w = milestone('URL answers (web tier alone)', urlNeeds, webOnly);
    urlWithoutDb = {
      seconds: w.seconds,
      chain: w.chain,
      edge: `${dependent.id} → ${url.chain[firstDb]!.id}`,
    };
  }

  const counts = new Map<string, number>();
  for (const id of active) {
    const type = template.Resources[id]!.Type;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const types = [...counts]
    .map(([type, count]) => ({ type, count, ...TYPICAL_CREATE[type]! }))
    .sort((a, b) => b.seconds - a.seconds || a.type.localeCompare(b.type));
  types.push({ type: 'AWS::RDS::DBCluster (clone)', count: 1, ...TYPICAL_CLONE });
  return {
    resources: active.length,
    url,
    urlTargetSeconds: URL_TARGET_SECONDS,
    data,
    urlWithoutDb,
    types,
  };
}
