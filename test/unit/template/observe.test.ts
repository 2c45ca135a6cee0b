import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../../src/template/cfn-yaml.js';
import { templateValues, type Values } from '../../helpers/template-values.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../templates/environment.yml', import.meta.url));
const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'), TEMPLATE_PATH);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const resources = template.Resources as Loose;
const { resolve } = templateValues(template);

/** What CloudFormation would give this stack's resources. */
const PHYSICAL: Record<string, string> = {
  'LoadBalancer.LoadBalancerFullName': 'app/pr-env-s-LoadB-1A2B/50dc6c495c0c9188',
  'TargetGroup.TargetGroupFullName': 'targetgroup/pr-env-s-Targe-3C4D/73e2d6bc24d8a067',
  AutoScalingGroup: 'pr-env-shop-pr-7-AutoScalingGroup-5E6F',
  DBCluster: 'pr-env-shop-pr-7-dbcluster-7g8h',
  'AWS::Region': 'eu-west-1',
  'AWS::StackName': 'pr-env-shop-pr-7',
};

/** Fn::GetAtt and the one-string Fn::Sub in the form the value resolver takes. */
function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record['Fn::GetAtt']))
    return PHYSICAL[(record['Fn::GetAtt'] as string[]).join('.')];
  if (typeof record['Fn::Sub'] === 'string') return { 'Fn::Sub': [record['Fn::Sub'], {}] };
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, normalised(v)]));
}

function dashboard(instanceClass: string): Loose {
  const values: Values = { ...PHYSICAL, DBInstanceClass: instanceClass };
  return JSON.parse(
    String(resolve(normalised(resources.Dashboard.Properties.DashboardBody), values)),
  );
}

describe('the environment log group', () => {
  const group = resources.AppLogGroup;

  it('is /pr-env/<stack>/app, kept LogRetentionDays (7 by default), deleted with the stack', () => {
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(group.Properties.LogGroupName).toEqual({ 'Fn::Sub': '/pr-env/${AWS::StackName}/app' });
    expect(group.Properties.RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
    expect(template.Parameters!.LogRetentionDays!.Default).toBe(7);
    expect(group.DeletionPolicy).toBe('Delete');
    expect(group.UpdateReplacePolicy).toBe('Delete');
  });

  it('is the only thing of CloudWatch Logs the web instances may write to', () => {
    const policy = resources.InstanceLogsPolicy.Properties;
    expect(policy.Roles).toEqual([{ Ref: 'InstanceRole' }]);
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: { 'Fn::GetAtt': ['AppLogGroup', 'Arn'] },
      },
    ]);
    // Every other grant of CloudWatch Logs: the wake page's function, into the same group.
    const grants = Object.entries(template.Resources).flatMap(([id, resource]) =>
      logStatements(resource).map((statement) => ({ id, resource: statement.Resource })),
    );
    expect(grants).toEqual([
      { id: 'InstanceLogsPolicy', resource: { 'Fn::GetAtt': ['AppLogGroup', 'Arn'] } },
      { id: 'WakeFunctionRole', resource: { 'Fn::GetAtt': ['AppLogGroup', 'Arn'] } },
    ]);
    // The instances boot only once they may write their boot log.
    expect(resources.AutoScalingGroup.DependsOn).toContain('InstanceLogsPolicy');
  });

  it('is reported, with the dashboard, as stack outputs', () => {
    expect(template.Outputs!.LogGroupName!.Value).toEqual({ Ref: 'AppLogGroup' });
    expect(template.Outputs!.DashboardName!.Value).toEqual({ Ref: 'Dashboard' });
  });
});

/** The IAM statements in a resource (a role's inline policies or a policy) that grant logs: actions. */
function logStatements(resource: unknown): Array<{ Resource: unknown }> {
  const found: Array<{ Resource: unknown }> = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const { Action, Resource } = value as { Action?: unknown; Resource?: unknown };
    if (Action !== undefined && JSON.stringify(Action).includes('"logs:')) found.push({ Resource });
    else Object.values(value).forEach(walk);
  };
  walk(resource);
  return found;
}

describe('the web instances ship their logs', () => {
  const script = (
    resources.LaunchTemplate.Properties.LaunchTemplateData.UserData['Fn::Base64'][
      'Fn::Sub'
    ] as string
  ).replaceAll('${AppLogGroup}', '/pr-env/pr-env-shop-pr-7/app');
  const agentPart = script.slice(
    script.indexOf("cat > /opt/pr-env/cwagent.json <<'EOF'"),
    script.indexOf("logs stay on the instance'") + "logs stay on the instance'".length,
  );

  it('sends the boot log and the app output to the log group, a stream of each per instance', () => {
    const config = JSON.parse(agentPart.split("<<'EOF'\n")[1]!.split('\nEOF\n')[0]!);
    expect(config.logs.logs_collected.files.collect_list).toEqual([
      {
        file_path: '/var/log/cloud-init-output.log',
        log_group_name: '/pr-env/pr-env-shop-pr-7/app',
        log_stream_name: '{instance_id}/boot',
      },
      {
        file_path: '/var/log/pr-env/app.log',
        log_group_name: '/pr-env/pr-env-shop-pr-7/app',
        log_stream_name: '{instance_id}/app',
      },
    ]);
    expect(script).toContain('StandardOutput=append:/var/log/pr-env/app.log\n');
    expect(script).toContain('StandardError=inherit\n');
    // Before the build is fetched: a boot that fails later still leaves its log.
    expect(script.indexOf('amazon-cloudwatch-agent-ctl')).toBeLessThan(script.indexOf('APP_URI='));
  });

  it('boots on when the agent cannot be installed, and says so', () => {
    const run = spawnSync(
      'bash',
      [
        '-c',
        `set -euo pipefail\ntrap 'echo SIGNAL-FAILURE' ERR\ndnf() { return 1; }\n${agentPart.replaceAll('/opt/pr-env/cwagent.json', '/dev/null')}\necho booted`,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      'pr-env: the CloudWatch agent did not start; the logs stay on the instance\nbooted\n',
    );
  });
});

describe('the environment dashboard', () => {
  const metrics = (body: Loose) =>
    Object.fromEntries(
      body.widgets.map((w: Loose) => [w.properties.title, w.properties.metrics]),
    ) as Record<string, string[][]>;

  it('names this stack: its load balancer, target group, Auto Scaling group and cluster', () => {
    const body = dashboard('db.r6g.large');
    const lb = PHYSICAL['LoadBalancer.LoadBalancerFullName']!;
    expect(resources.Dashboard.Properties.DashboardName).toEqual({ Ref: 'AWS::StackName' });
    expect(metrics(body)).toEqual({
      Requests: [['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', lb]],
      '5xx': [
        ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', lb],
        ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', lb],
      ],
      'p95 latency (s)': [['AWS/ApplicationELB', 'TargetResponseTime', 'LoadBalancer', lb]],
      'Healthy hosts': [
        [
          'AWS/ApplicationELB',
          'HealthyHostCount',
          'TargetGroup',
          PHYSICAL['TargetGroup.TargetGroupFullName'],
          'LoadBalancer',
          lb,
        ],
      ],
      'Web CPU (%)': [
        ['AWS/EC2', 'CPUUtilization', 'AutoScalingGroupName', PHYSICAL.AutoScalingGroup],
      ],
      'Database connections': [
        ['AWS/RDS', 'DatabaseConnections', 'DBClusterIdentifier', PHYSICAL.DBCluster],
      ],
      'Database CPU (%)': [
        ['AWS/RDS', 'CPUUtilization', 'DBClusterIdentifier', PHYSICAL.DBCluster],
      ],
    });
    expect(body.widgets.map((w: Loose) => w.properties.stat)).toContain('p95');
    for (const widget of body.widgets) expect(widget.properties.region).toBe('eu-west-1');
  });

  it('adds the capacity in ACUs on Serverless v2', () => {
    expect(metrics(dashboard('db.serverless'))['Database capacity (ACU)']).toEqual([
      ['AWS/RDS', 'ServerlessDatabaseCapacity', 'DBClusterIdentifier', PHYSICAL.DBCluster],
    ]);
    expect(dashboard('db.r6g.large').widgets).toHaveLength(7);
  });
});
