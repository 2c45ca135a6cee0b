import type { Change, ResourceChangeDetail } from '@aws-sdk/client-cloudformation';

/** One row of a plan: what a change set would do to one resource. */
export interface PlannedChange {
  action: 'Add' | 'Modify' | 'Remove' | 'Import' | 'Dynamic' | string;
  logicalId: string;
  resourceType: string;
  /** True, Conditional or False; empty for additions and removals. */
  replacement: string;
  /**
   * The properties whose change causes the replacement (or, failing that, that change), each
   * with the parameter or resource its new value comes from.
   */
  causes: string[];
  /**
   * For a Conditional replacement CloudFormation can only settle at run time (every cause a
   * Dynamic evaluation of another resource's attribute), the resources it hangs on. A tag update
   * of the VPC marks its subnets so on every push; only a replaced cause really replaces them.
   */
  decidedAtRunTimeBy?: string[];
}

/**
 * What a detail of a change says caused it: the property, and where its new value comes from when
 * that is not the template itself (a parameter, or another resource being replaced).
 */
function causesOf(details: ResourceChangeDetail[]): string[] {
  const sources = new Map<string, Set<string>>();
  for (const d of details) {
    const name = d.Target?.Name ?? d.Target?.Attribute;
    if (!name) continue;
    const from = sources.get(name) ?? new Set<string>();
    sources.set(name, from);
    if (d.CausingEntity && d.ChangeSource === 'ParameterReference') {
      from.add(`parameter ${d.CausingEntity}`);
    } else if (d.CausingEntity) {
      from.add(d.CausingEntity);
    }
  }
  return [...sources].map(([name, from]) =>
    from.size > 0 ? `${name} (from ${[...from].join(', ')})` : name,
  );
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
    return [
      {
        action: rc.Action ?? '',
        logicalId: rc.LogicalResourceId ?? '',
        resourceType: rc.ResourceType ?? '',
        replacement: rc.Action === 'Modify' ? (rc.Replacement ?? 'False') : '',
        causes: causesOf(recreating.length > 0 ? recreating : details),
        ...(rc.Replacement === 'Conditional' &&
          recreating.length > 0 &&
          recreating.every((d) => d.Evaluation === 'Dynamic') && {
            decidedAtRunTimeBy: recreating.map((d) => (d.CausingEntity ?? '').split('.')[0] ?? ''),
          }),
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
  const replaced = new Set(changes.filter((c) => c.replacement === 'True').map((c) => c.logicalId));
  return changes.filter((change) => {
    const conditional =
      change.replacement === 'Conditional' &&
      (change.decidedAtRunTimeBy?.some((id) => replaced.has(id)) ?? true);
    const destructive =
      change.action === 'Remove' ||
      (change.action === 'Modify' && (change.replacement === 'True' || conditional));
    if (!destructive) return false;
    // refresh-data asks for a new database, which replaces it; removing it is another matter.
    if (DATA_TYPES.has(change.resourceType)) {
      return change.action === 'Remove' || !options.refreshData;
    }
    return NETWORK_TYPES.has(change.resourceType);
  });
}

/** `replace VPC (AWS::EC2::VPC), because of CidrBlock (from parameter VpcCidr)`. Pure. */
export function describeBlocked(change: PlannedChange): string {
  const verb =
    change.action === 'Remove'
      ? 'remove'
      : change.replacement === 'Conditional'
        ? 'maybe replace'
        : 'replace';
  const why = change.causes.length > 0 ? `, because of ${change.causes.join(', ')}` : '';
  return `${verb} ${change.logicalId} (${change.resourceType})${why}`;
}

/** A deploy the replacement guard stopped: what would have gone, why, and how to allow it. */
export class ReplacementBlockedError extends Error {
  constructor(
    readonly stackName: string,
    readonly blocked: PlannedChange[],
  ) {
    // refresh-data is worth suggesting only when it is the database that would be replaced.
    const database = blocked.some((c) => c.action === 'Modify' && DATA_TYPES.has(c.resourceType));
    super(
      [
        `Stopped before changing stack "${stackName}": its change set would`,
        ...blocked.map((c) => `- ${describeBlocked(c)}`),
        `Nothing was changed. ${
          database
            ? 'Set "refresh-data: true" to accept a new database restored from the newest snapshot, or "allow-replacement: true" to accept every replacement.'
            : 'Set "allow-replacement: true" to accept the replacement.'
        }`,
      ].join('\n'),
    );
    this.name = 'ReplacementBlockedError';
  }
}
