import type { Change } from '@aws-sdk/client-cloudformation';

/** One row of a plan: what a change set would do to one resource. */
export interface PlannedChange {
  action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic' | string;
  logicalId: string;
  resourceType: string;
  /** True, Conditional or False; empty for additions and removals. */
  replacement: string;
  /** The properties whose change causes the replacement (or, failing that, that change). */
  causes: string[];
}

/** Reads a change set's changes into plan rows. Pure. */
export function toPlannedChanges(changes: Change[]): PlannedChange[] {
  return changes.flatMap((change) => {
    const rc = change.ResourceChange;
    if (!rc) return [];
    const details = rc.Details ?? [];
    const recreating = details.filter(
      (d) => d.Target?.RequiresRecreation && d.Target.RequiresRecreation !== 'Never',
    );
    const names = (recreating.length > 0 ? recreating : details)
      .map((d) => d.Target?.Name ?? d.Target?.Attribute ?? '')
      .filter(Boolean);
    return [
      {
        action: rc.Action ?? '',
        logicalId: rc.LogicalResourceId ?? '',
        resourceType: rc.ResourceType ?? '',
        replacement: rc.Action === 'Modify' ? (rc.Replacement ?? 'False') : '',
        causes: [...new Set(names)],
      },
    ];
  });
}

// Replacing or removing these loses the PR's data or takes the whole network down with it.
const DATA_TYPES = new Set(['AWS::RDS::DBCluster', 'AWS::RDS::DBInstance']);
const NETWORK_TYPES = new Set(['AWS::EC2::VPC', 'AWS::EC2::Subnet']);

export interface GuardOptions {
  /** refresh-data: the user asked for a new database, so replacing it is expected. */
  refreshData: boolean;
  /** allow-replacement: the user accepts every replacement. */
  allowReplacement: boolean;
}

/**
 * The changes a deploy must not make on its own: a replacement or removal of the database, a DB
 * instance, the VPC or a subnet. Pure.
 */
export function blockedReplacements(
  changes: PlannedChange[],
  options: GuardOptions,
): PlannedChange[] {
  if (options.allowReplacement) return [];
  return changes.filter((change) => {
    const destructive =
      change.action === 'Remove' ||
      (change.action === 'Modify' &&
        (change.replacement === 'True' || change.replacement === 'Conditional'));
    if (!destructive) return false;
    if (DATA_TYPES.has(change.resourceType)) return !options.refreshData;
    return NETWORK_TYPES.has(change.resourceType);
  });
}

export class ReplacementBlockedError extends Error {
  constructor(
    readonly stackName: string,
    readonly blocked: PlannedChange[],
  ) {
    super(
      `Stopped before changing stack "${stackName}": the change set would ${blocked
        .map(
          (c) =>
            `${c.action === 'Remove' ? 'remove' : 'replace'} ${c.logicalId} (${c.resourceType}${c.causes.length > 0 ? `, because of ${c.causes.join(', ')}` : ''})`,
        )
        .join(
          '; ',
        )}. Nothing was changed. Set "refresh-data: true" to accept a new database, or "allow-replacement: true" to accept any replacement.`,
    );
    this.name = 'ReplacementBlockedError';
  }
}
