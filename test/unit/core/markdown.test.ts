import { describe, expect, it } from 'vitest';
import {
  COMMENT_MARKER,
  formatAge,
  formatDuration,
  renderComment,
  renderReport,
} from '../../../src/report/markdown.js';
import { isSecretOutputKey, publicOutputs, type RunReport } from '../../../src/report/report.js';

const STARTED = new Date('2026-02-01T10:00:00.000Z');

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    intent: 'deploy',
    outcome: 'success',
    repository: 'acme/shop',
    prNumber: 12,
    stackName: 'pr-env-shop-pr-12',
    stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/pr-env-shop-pr-12/1',
    operation: 'create',
    status: 'CREATE_COMPLETE',
    environmentUrl: 'https://pr-12.preview.example.com',
    outputs: {},
    headSha: '0123456789abcdef0123456789abcdef01234567',
    startedAt: STARTED,
    finishedAt: new Date(STARTED.getTime() + 754_400),
    runUrl: 'https://github.com/acme/shop/actions/runs/99',
    ...overrides,
  };
}

describe('renderComment', () => {
  it('starts with the hidden marker and ends with the report', () => {
    const body = renderComment(report());
    expect(body.startsWith(`${COMMENT_MARKER}\n### `)).toBe(true);
    expect(body).toBe(`${COMMENT_MARKER}\n${renderReport(report())}\n`);
    expect(COMMENT_MARKER).toMatch(/^<!--.*-->$/);
  });
});

describe('renderReport', () => {
  it('reports a ready environment with its facts', () => {
    const text = renderReport(report());
    expect(text.split('\n')[0]).toBe('### ✅ pr-env: environment ready for #12');
    expect(text).toContain('| **URL** | https://pr-12.preview.example.com |');
    expect(text).toContain('| **Stack** | `pr-env-shop-pr-12` · CREATE_COMPLETE · create |');
    expect(text).toContain('| **Version** | `0123456789ab` |');
    expect(text).toContain('| **Duration** | 12 min 34 s |');
    expect(text).toContain(
      '| **Run** | [workflow run](https://github.com/acme/shop/actions/runs/99) |',
    );
    expect(text).toContain('| **Updated** | 2026-02-01T10:12:34Z |');
    expect(text).not.toContain('Root cause');
  });

  it('says an unchanged environment is up to date', () => {
    expect(renderReport(report({ operation: 'none', status: 'UPDATE_COMPLETE' }))).toMatch(
      /^### ✅ pr-env: environment up to date for #12/,
    );
  });

  it('shows the root cause of a failed deployment', () => {
    const text = renderReport(
      report({
        outcome: 'failure',
        status: 'ROLLBACK_COMPLETE',
        error: 'Stack failed',
        rootCause: {
          logicalId: 'Database',
          resourceType: 'AWS::RDS::DBCluster',
          status: 'CREATE_FAILED',
          reason: 'DBClusterSnapshot not found',
        },
      }),
    );
    expect(text).toMatch(/^### ❌ pr-env: deployment failed for #12/);
    expect(text).toContain(
      '**Root cause**\n\n```\nDatabase (AWS::RDS::DBCluster) CREATE_FAILED: DBClusterSnapshot not found\n```',
    );
    // The root cause says it better than the generic error.
    expect(text).not.toContain('**Error**');
  });

  it('shows the error of a failure without a root cause', () => {
    const text = renderReport(
      report({ outcome: 'failure', error: 'No AWS region: set AWS_REGION' }),
    );
    expect(text).toContain('**Error**\n\n```\nNo AWS region: set AWS_REGION\n```');
  });

  it('reports a destroyed environment, and a failed teardown', () => {
    const destroyed = renderReport(
      report({ intent: 'destroy', operation: 'delete', status: 'DELETE_COMPLETE' }),
    );
    expect(destroyed).toMatch(/^### 🧹 pr-env: environment destroyed for #12/);
    expect(destroyed).toContain('the database included');

    const nothing = renderReport(report({ intent: 'destroy', operation: 'none' }));
    expect(nothing).toMatch(/^### 🧹 pr-env: no environment to destroy for #12/);
    expect(nothing).not.toContain('the database included');

    const failed = renderReport(
      report({ intent: 'destroy', outcome: 'failure', operation: 'delete', error: 'x' }),
    );
    expect(failed).toMatch(/^### ❌ pr-env: teardown failed for #12/);
    expect(failed).not.toContain('the database included');
  });

  it('reports a skipped run with its note', () => {
    const text = renderReport(
      report({
        intent: 'skip',
        outcome: 'skipped',
        operation: 'skipped',
        stackName: undefined,
        status: undefined,
        environmentUrl: undefined,
        note: 'PR #12 comes from a fork.',
      }),
    );
    expect(text).toMatch(/^### ⏸️ pr-env: not deployed for #12\n\nPR #12 comes from a fork\.\n/);
    expect(text).not.toContain('**Stack**');
    expect(text).not.toContain('**URL**');
  });

  it('leaves secret-looking outputs out, and lists the others (where a secret lives among them)', () => {
    const text = renderReport(
      report({
        outputs: {
          EnvironmentUrl: 'https://pr-12.preview.example.com',
          DBPassword: 'hunter2',
          DatabaseSecretArn: 'arn:aws:secretsmanager:x',
          ApiKey: 'k-123',
          GitHubToken: 'ghs_abc',
          BastionId: 'i-0123',
        },
      }),
    );
    expect(text).toContain('<details><summary>Stack outputs (3)</summary>');
    expect(text).toContain('| EnvironmentUrl | `https://pr-12.preview.example.com` |');
    expect(text).toContain('| BastionId | `i-0123` |');
    expect(text).toContain('| DatabaseSecretArn | `arn:aws:secretsmanager:x` |');
    for (const secret of ['hunter2', 'DBPassword', 'k-123', 'ghs_abc']) {
      expect(text).not.toContain(secret);
    }
  });

  it('has no outputs section when there are none to show', () => {
    expect(renderReport(report({ outputs: { MasterPassword: 'x' } }))).not.toContain('<details>');
  });

  it('escapes pipes and newlines inside table cells', () => {
    const text = renderReport(
      report({
        environmentUrl: 'https://x.example.com/?a|b',
        outputs: { Routes: 'a|b\nc', Cmd: 'echo `x`' },
      }),
    );
    expect(text).toContain('| **URL** | https://x.example.com/?a\\|b |');
    expect(text).toContain('| Routes | `a\\|b c` |');
    expect(text).toContain("| Cmd | `echo 'x'` |");
    // Every table row still has exactly its two cells.
    for (const line of text.split('\n').filter((l) => l.startsWith('| '))) {
      expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(4);
    }
  });

  it('describes the snapshot and its age', () => {
    const finishedAt = new Date(STARTED.getTime() + 60_000);
    const text = renderReport(
      report({
        finishedAt,
        snapshot: {
          arn: 'arn:aws:rds:eu-west-1:1:cluster-snapshot:rds:prod-1',
          identifier: 'rds:prod-1',
          engine: 'aurora-postgresql',
          engineVersion: '16.4',
          createdAt: new Date(finishedAt.getTime() - 5.25 * 3_600_000),
          source: 'newest',
        },
      }),
    );
    expect(text).toContain(
      '| **Database** | `rds:prod-1` (the newest available snapshot, taken 5.3 h ago) |',
    );
  });

  it('describes a pinned snapshot of unknown age without an age', () => {
    const text = renderReport(
      report({
        snapshot: {
          arn: 'a',
          identifier: 'kept',
          engine: 'e',
          engineVersion: 'v',
          source: 'pinned',
        },
      }),
    );
    expect(text).toContain('| **Database** | `kept` (kept from the environment’s creation) |');
  });

  it('leaves out the PR number when there is none', () => {
    expect(renderReport(report({ prNumber: undefined }))).toMatch(
      /^### ✅ pr-env: environment ready\n/,
    );
  });
});

describe('formatDuration / formatAge', () => {
  it.each([
    [0, '0 s'],
    [-5_000, '0 s'],
    [1_400, '1 s'],
    [59_400, '59 s'],
    [59_600, '1 min 0 s'],
    [125_000, '2 min 5 s'],
    [3_723_000, '62 min 3 s'],
  ])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([
    [0, '0 min'],
    [29 * 60_000, '29 min'],
    [90 * 60_000, '1.5 h'],
    [47.9 * 3_600_000, '47.9 h'],
    [72 * 3_600_000, '3.0 days'],
  ])('formatAge(%i) = %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('isSecretOutputKey / publicOutputs', () => {
  it.each([
    'DBPassword',
    'MasterUserPassword',
    'AdminPass',
    'ClientSecret',
    'AuthToken',
    'AwsCredentials',
    'PrivateKey',
    'private_key',
    'ApiKey',
    'API_KEY',
  ])('%s is secret', (key) => {
    expect(isSecretOutputKey(key)).toBe(true);
  });

  it.each([
    'EnvironmentUrl',
    'BastionInstanceId',
    'DBEndpoint',
    'VpcId',
    // Where a secret lives, not the secret: people need it to fetch the secret.
    'DBSecretArn',
    'ApiKeyParameterName',
    'db_secret_arn',
  ])('%s is public', (key) => {
    expect(isSecretOutputKey(key)).toBe(false);
  });

  it('filters outputs by key', () => {
    expect(publicOutputs({ DBEndpoint: 'db', DBPassword: 'pw' })).toEqual({ DBEndpoint: 'db' });
  });
});

describe('the database in the comment', () => {
  const SECRET =
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:pr-env-shop-pr-12-db-0f1e2d3c-AbCdEf';
  const clone = {
    source: 'prod-db',
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    masterUsername: 'postgres',
    restoreTime: new Date(STARTED.getTime() - 2 * 3_600_000),
    clusterName: 'pr-env-shop-pr-12-20261122t0310',
    how: 'new' as const,
  };

  it('says which cluster was cloned, and when its data is from', () => {
    const text = renderReport(report({ clone }));
    expect(text).toMatch(
      /\| \*\*Database\*\* \| Aurora clone of `prod-db` \(cloned now, data as of \d{4}-\d\d-\d\dT\d\d:\d\dZ \(2\.2 h ago\)\) \|/,
    );
    expect(renderReport(report({ clone: { ...clone, how: 'pinned' } }))).toContain(
      'kept from the environment’s creation',
    );
  });

  it('says how to fetch the password and open a tunnel, and never holds the password', () => {
    const outputs = {
      DBSecretArn: SECRET,
      BastionInstanceId: 'i-0123456789abcdef0',
      DBClusterEndpoint: 'db.cluster-c0abc.eu-west-1.rds.amazonaws.com',
      DBPort: '5432',
      DBPassword: 'hunter2',
    };
    const text = renderReport(report({ outputs }));
    expect(text).toContain('<details><summary>Connect to the database</summary>');
    expect(text).toContain(
      `aws secretsmanager get-secret-value --region eu-west-1 --secret-id ${SECRET} --query SecretString --output text`,
    );
    expect(text).toContain(
      'aws ssm start-session --region eu-west-1 --target i-0123456789abcdef0 --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters host=db.cluster-c0abc.eu-west-1.rds.amazonaws.com,portNumber=5432,localPortNumber=5432',
    );
    expect(text).toContain('connect to `localhost:5432`');
    expect(text).not.toContain('hunter2');
    // Not after a failure or a teardown: there is nothing to connect to.
    expect(renderReport(report({ outputs, outcome: 'failure' }))).not.toContain('Connect to');
    expect(renderReport(report({ outputs, intent: 'destroy' }))).not.toContain('Connect to');
  });

  it('heads a comment in progress as such, with the URL once it is known', () => {
    const text = renderReport(
      report({
        operation: undefined,
        environmentUrl: undefined,
        progress: {
          operation: 'update',
          done: 3,
          total: 9,
          inProgress: [],
          failed: [],
          url: 'http://lb.eu-west-1.elb.amazonaws.com',
          everyMs: 30_000,
        },
      }),
    );
    expect(text.startsWith('### ⏳ pr-env: updating the environment for #12')).toBe(true);
    expect(text).toContain('| **URL** | http://lb.eu-west-1.elb.amazonaws.com |');
  });
});

const OBSERVE = {
  LogGroupName: '/pr-env/pr-env-shop-pr-12/app',
  DashboardName: 'pr-env-shop-pr-12',
};

describe('the report: logs and metrics', () => {
  it('shows the logs, the tail command and the dashboard', () => {
    const text = renderReport(report({ outputs: OBSERVE }));
    expect(text).toContain(
      '| **Logs** | [/pr-env/pr-env-shop-pr-12/app](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fpr-env$252Fpr-env-shop-pr-12$252Fapp) · `aws logs tail /pr-env/pr-env-shop-pr-12/app --follow --region eu-west-1` |',
    );
    expect(text).toContain(
      '| **Metrics** | [dashboard pr-env-shop-pr-12](https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/pr-env-shop-pr-12) |',
    );
  });

  it('leaves them out once the environment is destroyed', () => {
    const text = renderReport(report({ intent: 'destroy', operation: 'delete', outputs: OBSERVE }));
    expect(text).not.toContain('**Logs**');
    expect(text).not.toContain('**Metrics**');
  });
});

describe('the report: a wake a visit caused', () => {
  it('says when a visit woke the environment', () => {
    expect(renderReport(report({ wokeOnVisit: '2026-12-03T16:00:00Z' }))).toContain(
      '| **Woken** | by a visit to its URL at 2026-12-03T16:00:00Z |',
    );
    expect(renderReport(report())).not.toContain('**Woken**');
  });
});
