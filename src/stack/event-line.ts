import type { StackEvent } from '@aws-sdk/client-cloudformation';

/** One aligned log line per stack event: time, status, resource, reason. Pure. */
export function formatEvent(event: StackEvent): string {
  const time = event.Timestamp ? event.Timestamp.toISOString().slice(11, 19) : '--:--:--';
  const status = (event.ResourceStatus ?? '').padEnd(44);
  const resource = `${event.LogicalResourceId ?? ''} (${event.ResourceType ?? ''})`;
  const reason = event.ResourceStatusReason ? `  ${event.ResourceStatusReason}` : '';
  return `${time}  ${status} ${resource}${reason}`;
}
