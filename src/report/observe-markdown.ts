import { shellQuoted } from '../shell.js';
import { code } from './inline.js';

/**
 * Where an environment's logs and metrics are: the stack's log group and dashboard (its
 * LogGroupName and DashboardName outputs) in the console of the stack's own region and partition,
 * and the command that follows the logs from a shell.
 */

export const OBSERVE_OUTPUTS = { logGroup: 'LogGroupName', dashboard: 'DashboardName' } as const;

export interface ObserveLinks {
  logGroup?: { name: string; url?: string; tail: string };
  dashboard?: { name: string; url: string };
}

const CONSOLE_DOMAINS: Record<string, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

/** `arn:<partition>:cloudformation:<region>:…` → the CloudWatch console of that region. */
function cloudWatchConsole(
  stackId: string | undefined,
): { base: string; region: string } | undefined {
  const [, partition = '', , region = ''] = stackId?.split(':') ?? [];
  const domain = CONSOLE_DOMAINS[partition];
  if (!domain || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  return { base: `https://${region}.${domain}/cloudwatch/home?region=${region}`, region };
}

/** The console's own spelling of a log group in its URL fragment: `/` is `$252F`. */
function consoleLogGroup(name: string): string {
  return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, '$');
}

/** Pure. */
export function observeLinks(
  outputs: Record<string, string>,
  stackId: string | undefined,
): ObserveLinks {
  const place = cloudWatchConsole(stackId);
  const links: ObserveLinks = {};
  const logGroup = outputs[OBSERVE_OUTPUTS.logGroup];
  if (logGroup) {
    const region = place ? ` --region ${place.region}` : '';
    links.logGroup = {
      name: logGroup,
      url: place && `${place.base}#logsV2:log-groups/log-group/${consoleLogGroup(logGroup)}`,
      tail: `aws logs tail ${shellQuoted(logGroup)} --follow${region}`,
    };
  }
  const dashboard = outputs[OBSERVE_OUTPUTS.dashboard];
  if (dashboard && place) {
    links.dashboard = {
      name: dashboard,
      url: `${place.base}#dashboards/dashboard/${encodeURIComponent(dashboard)}`,
    };
  }
  return links;
}

/** The report's rows for them: `Logs` and `Metrics`. Pure. */
export function observeFacts(
  outputs: Record<string, string>,
  stackId: string | undefined,
): [string, string | undefined][] {
  const { logGroup, dashboard } = observeLinks(outputs, stackId);
  return [
    [
      'Logs',
      logGroup &&
        `${logGroup.url ? `[${logGroup.name}](${logGroup.url})` : code(logGroup.name)} · ${code(logGroup.tail)}`,
    ],
    ['Metrics', dashboard && `[dashboard ${dashboard.name}](${dashboard.url})`],
  ];
}
