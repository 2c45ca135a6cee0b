/**
 * Plain snapshots of simulator state for test assertions (not wire formats).
 */
import type { StackRecord } from './stack-model.js';
import type { Template } from './template.js';

export interface ResourceView {
  logicalId: string;
  type: string;
  physicalId?: string;
  status: string;
  statusReason?: string;
  properties: Record<string, unknown>;
}

export interface ChangeSetView {
  id: string;
  name: string;
  type: 'CREATE' | 'UPDATE';
  status: string;
  executionStatus: string;
  statusReason?: string;
}

export interface StackView {
  stackId: string;
  name: string;
  status: string;
  statusReason?: string;
  /** Parameter values as supplied (NoEcho values included). */
  parameters: Record<string, string>;
  tags: Record<string, string>;
  outputs: Record<string, string>;
  resources: ResourceView[];
  template?: Template;
  templateBody?: string;
  changeSets: ChangeSetView[];
  creationTime: Date;
  lastUpdatedTime?: Date;
  deletionTime?: Date;
}

export function stackViewOf(stack: StackRecord): StackView {
  return {
    stackId: stack.stackId,
    name: stack.name,
    status: stack.status,
    statusReason: stack.statusReason,
    parameters: { ...stack.deployed?.parameters.given },
    tags: Object.fromEntries(stack.tags.map((t) => [t.Key, t.Value])),
    outputs: Object.fromEntries(stack.outputs.map((o) => [o.OutputKey, o.OutputValue])),
    resources: [...stack.resources.values()].map((r) => ({
      logicalId: r.logicalId,
      type: r.type,
      physicalId: r.physicalId,
      status: r.status,
      statusReason: r.statusReason,
      properties: r.properties,
    })),
    template: stack.deployed?.template,
    templateBody: stack.deployed?.templateBody,
    changeSets: stack.changeSets.map((cs) => ({
      id: cs.id,
      name: cs.name,
      type: cs.type,
      status: cs.status,
      executionStatus: cs.executionStatus,
      statusReason: cs.statusReason,
    })),
    creationTime: stack.creationTime,
    lastUpdatedTime: stack.lastUpdatedTime,
    deletionTime: stack.deletionTime,
  };
}
