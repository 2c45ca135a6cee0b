/**
 * Change-set previews: which resources a new template and parameters add, modify (and whether
 * that replaces them) or remove, described the way DescribeChangeSet does.
 */
import { topologicalOrder } from './dependency-graph.js';
import { unknownSources, unknownValue, type Evaluator } from './intrinsics.js';
import { replacementRule, type ReplacementRule, type ResourceSpec } from './resource-spec.js';
import type { ResourceChange, ResourceChangeDetail, ResourceState } from './stack-model.js';
import { collectReferences, dependenciesOf, type Template } from './template.js';
import { validationError } from './query-protocol.js';

/** Canonical JSON in which `5432` and `"5432"` agree, as they do for CloudFormation. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : String(value));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export interface PropertyChange {
  name: string;
  before: unknown;
  after: unknown;
  rule: ReplacementRule;
}

export function changedProperties(
  spec: ResourceSpec,
  type: string,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): PropertyChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names
    .filter((name) => !sameValue(before[name], after[name]))
    .map((name) => ({
      name,
      before: before[name],
      after: after[name],
      rule: replacementRule(spec, type, name),
    }));
}

/** Whether applying `changes` replaces the resource; "maybe" counts, as the safe assumption. */
export function replaces(changes: PropertyChange[]): boolean {
  return changes.some((c) => c.rule !== 'Never');
}

export function isLive(resource: ResourceState): boolean {
  return (
    resource.physicalId !== undefined &&
    resource.status !== 'DELETE_COMPLETE' &&
    resource.status !== 'DELETE_SKIPPED'
  );
}

export interface PreviewInput {
  spec: ResourceSpec;
  previousTemplate: Template;
  previousParameters: Record<string, string>;
  nextTemplate: Template;
  nextParameters: Record<string, string>;
  resources: Map<string, ResourceState>;
  tagsChanged: boolean;
  includeValues: boolean;
  /** An evaluator of the next template whose resource lookups go through `resolver`. */
  evaluator(resolver: {
    ref(id: string): unknown;
    getAtt(id: string, attribute: string): unknown;
  }): Evaluator;
  attribute(resource: ResourceState, attribute: string): unknown;
}

function text(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function detailFor(change: PropertyChange, input: PreviewInput, id: string): ResourceChangeDetail {
  const sources = unknownSources(change.after);
  const values = input.includeValues
    ? {
        BeforeValue: text(change.before),
        AfterValue: text(change.after),
        AttributeChangeType:
          change.before === undefined ? 'Add' : change.after === undefined ? 'Remove' : 'Modify',
      }
    : {};
  const target = {
    Attribute: 'Properties',
    Name: change.name,
    RequiresRecreation: change.rule,
    ...values,
  };
  if (sources.length > 0) {
    const source = sources[0] ?? '';
    return {
      Target: target,
      Evaluation: 'Dynamic',
      ChangeSource: source.includes('.') ? 'ResourceAttribute' : 'ResourceReference',
      CausingEntity: source,
    };
  }
  const rawBefore = input.previousTemplate.Resources[id]?.Properties?.[change.name];
  const rawAfter = input.nextTemplate.Resources[id]?.Properties?.[change.name];
  if (sameValue(rawBefore, rawAfter)) {
    const parameter = [...collectReferences(rawAfter).refs].find(
      (ref) => input.previousParameters[ref] !== input.nextParameters[ref],
    );
    return {
      Target: target,
      Evaluation: 'Static',
      ChangeSource: 'ParameterReference',
      CausingEntity: parameter,
    };
  }
  return { Target: target, Evaluation: 'Static', ChangeSource: 'DirectModification' };
}

function replacementOf(details: ResourceChangeDetail[]): 'True' | 'False' | 'Conditional' {
  const recreating = details.filter((d) => d.Target.RequiresRecreation !== 'Never');
  if (recreating.some((d) => d.Target.RequiresRecreation === 'Always' && d.Evaluation === 'Static'))
    return 'True';
  return recreating.length > 0 ? 'Conditional' : 'False';
}

/** The resource changes of applying the next template and parameters to a deployed stack. */
export function previewChanges(input: PreviewInput): ResourceChange[] {
  const live = (id: string) => {
    const resource = input.resources.get(id);
    return resource && isLive(resource) ? resource : undefined;
  };
  // Resources whose Ref will change (added or replaced); attributes of those, and attributes
  // that mirror a property changed in place (a Subnet's CidrBlock), are unknown until execution.
  // A tag change alone changes no attribute, or every push would ripple through the stack.
  const newIdentity = new Set<string>();
  const changedInPlace = new Map<string, Set<string>>();
  const evaluator = input.evaluator({
    ref: (id) => (newIdentity.has(id) ? unknownValue(id) : live(id)?.physicalId),
    getAtt: (id, attribute) => {
      const resource = live(id);
      const unknown = !resource || newIdentity.has(id) || changedInPlace.get(id)?.has(attribute);
      return unknown ? unknownValue(id, attribute) : input.attribute(resource, attribute);
    },
  });
  const active = evaluator.activeResources();
  const changes: ResourceChange[] = [];
  for (const id of topologicalOrder(active, (r) => dependenciesOf(input.nextTemplate, r))) {
    const declaration = input.nextTemplate.Resources[id];
    if (!declaration) continue;
    const old = live(id);
    if (!old) {
      // Evaluated only to surface template errors now rather than during execution.
      evaluator.evaluate(declaration.Properties ?? {});
      newIdentity.add(id);
      changes.push({
        Action: 'Add',
        LogicalResourceId: id,
        ResourceType: declaration.Type,
        Scope: [],
        Details: [],
      });
      continue;
    }
    if (old.type !== declaration.Type) {
      throw validationError(
        `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${id}]`,
      );
    }
    const after = evaluator.evaluate(declaration.Properties ?? {}) as Record<string, unknown>;
    const changed = changedProperties(input.spec, old.type, old.properties, after);
    const details = changed.map((c) => detailFor(c, input, id));
    const scope = details.length > 0 ? ['Properties'] : [];
    if (input.tagsChanged && input.spec.get(old.type)?.taggable !== false) {
      details.push({
        Target: { Attribute: 'Tags', RequiresRecreation: 'Never' },
        Evaluation: 'Static',
        ChangeSource: 'DirectModification',
      });
      scope.push('Tags');
    }
    if (details.length === 0) continue;
    const replacement = replacementOf(details);
    if (replacement !== 'False') newIdentity.add(id);
    changedInPlace.set(id, new Set(changed.map((c) => c.name)));
    changes.push({
      Action: 'Modify',
      LogicalResourceId: id,
      PhysicalResourceId: old.physicalId,
      ResourceType: old.type,
      Replacement: replacement,
      Scope: scope,
      Details: details,
      ...(input.includeValues
        ? {
            BeforeContext: JSON.stringify({ Properties: old.properties }),
            AfterContext: JSON.stringify({ Properties: after }),
          }
        : {}),
    });
  }
  for (const [id, resource] of input.resources) {
    if (isLive(resource) && !active.includes(id)) {
      changes.push({
        Action: 'Remove',
        LogicalResourceId: id,
        PhysicalResourceId: resource.physicalId,
        ResourceType: resource.type,
        Scope: [],
        Details: [],
      });
    }
  }
  return changes;
}
