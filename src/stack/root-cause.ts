import type { StackEvent } from '@aws-sdk/client-cloudformation';

export interface RootCause {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string;
}

// Knock-on failures CloudFormation reports for resources it stopped because another one failed.
const KNOCK_ON = /^Resource (creation|update|deletion) cancelled\.?$/i;

/**
 * The first resource that failed in an operation: the reason everything else rolled back. Events
 * come in any order; ties in time keep the order given. Pure.
 */
export function findRootCause(events: StackEvent[]): RootCause | undefined {
  const ordered = events
    .map((event, index) => ({ event, index }))
    .sort(
      (a, b) =>
        (a.event.Timestamp?.getTime() ?? 0) - (b.event.Timestamp?.getTime() ?? 0) ||
        a.index - b.index,
    )
    .map(({ event }) => event);
  const failed = ordered.filter((e) => e.ResourceStatus?.endsWith('_FAILED'));
  const resourceFailure = failed.find(
    (e) => !isStackEvent(e) && !KNOCK_ON.test(e.ResourceStatusReason ?? ''),
  );
  // Without a failed resource (a template error found at execution, say), the stack's own
  // rollback event carries the reason.
  const cause =
    resourceFailure ??
    failed.find((e) => !KNOCK_ON.test(e.ResourceStatusReason ?? '')) ??
    ordered.find((e) => isStackEvent(e) && /ROLLBACK_IN_PROGRESS$/.test(e.ResourceStatus ?? ''));
  if (!cause) return undefined;
  return {
    logicalId: cause.LogicalResourceId ?? '',
    resourceType: cause.ResourceType ?? '',
    status: cause.ResourceStatus ?? '',
    reason: cause.ResourceStatusReason ?? 'no reason given',
  };
}

export function isStackEvent(event: StackEvent): boolean {
  return (
    event.ResourceType === 'AWS::CloudFormation::Stack' &&
    event.LogicalResourceId === event.StackName
  );
}

export function formatRootCause(cause: RootCause): string {
  return `${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason}`;
}
