import * as core from '@actions/core';
import type { Stack } from '@aws-sdk/client-cloudformation';
import { ScrubFailedError } from '../scrub/failure.js';
import { outputsOf, parametersOf } from '../stack/describe.js';
import { deployStack } from '../stack/deploy.js';
import type { StackTarget } from '../stack/target.js';
import type { LoadedTemplate } from '../template/render.js';
import { runOnInstance } from '../scrub/run-command.js';
import { scrubRootCause, scrubScript, type ScrubEngine } from '../scrub/script.js';
import {
  SCRUB_PARAMETERS,
  decideScrub,
  openedValues,
  parseScrubRecord,
  scrubParameterValues,
  scrubSqlKey,
  type ScrubDecision,
} from '../scrub/state.js';
import { isoSeconds } from './sleep-state.js';
import { clusterPollMs } from './sleep-deploy.js';
import { stackClusters } from '../stack/clusters.js';
import type { PlanMode, RunContext } from './context.js';

/** Whether the template has the gate: the bundled one does; a user's may not. */
export function hasScrubGate(loaded: LoadedTemplate): boolean {
  return Object.values(SCRUB_PARAMETERS).every((key) => loaded.declared.has(key));
}

export function checkScrubTemplate(context: RunContext, loaded: LoadedTemplate): void {
  const { scrubSql } = context.settings;
  if (scrubSql && !hasScrubGate(loaded)) {
    throw new Error(
      `"scrub-sql" is set, but template "${loaded.path}" has no scrub gate: expected the parameters ${Object.values(SCRUB_PARAMETERS).join(', ')} (see the bundled templates/environment.yml)`,
    );
  }
  if (context.settings.scrubRequested && !scrubSql) {
    throw new Error(
      '/pr-env scrub: "scrub-sql" is not set in the workflow: expected the path of the SQL file that masks the data',
    );
  }
}

/** The gate's parameters for this deploy; records in the report what was decided. */
export async function scrubGateValues(
  context: RunContext,
  loaded: LoadedTemplate,
  stackName: string,
  existing: Stack | undefined,
  data: Record<string, string>,
  mode: PlanMode,
): Promise<Record<string, string>> {
  if (!hasScrubGate(loaded)) return {};
  const { scrubSql, templateBucket } = context.settings;
  const previous = existing && parametersOf(existing);
  const decision: ScrubDecision = decideScrub({
    sha256: scrubSql?.sha256,
    existing: previous,
    data,
    requested: Boolean(context.settings.scrubRequested),
  });
  if (!scrubSql || !decision.run || mode === 'keep' || !templateBucket) {
    reportKept(context, decision, previous);
    return scrubParameterValues(mode === 'keep' ? keep(decision) : decision, previous, undefined);
  }
  const key = scrubSqlKey(stackName, scrubSql.sha256);
  const at = isoSeconds(new Date(context.clock.now()));
  if (mode === 'deploy') {
    core.info(`Scrub: ${decision.reason}; the database stays closed to the app until it passes`);
    const { PutObjectCommand } = await import('../aws/sdk/s3.js');
    const s3 = await context.aws.s3();
    await s3.send(
      new PutObjectCommand({
        Bucket: templateBucket,
        Key: key,
        Body: scrubSql.content,
        ContentType: 'application/sql',
      }),
    );
  }
  context.report.scrub = { status: 'pending', file: scrubSql.shown, sha256: scrubSql.sha256, at };
  return scrubParameterValues(decision, previous, {
    sha256: scrubSql.sha256,
    at,
    uri: `s3://${templateBucket}/${key}`,
  });
}

/** In keep mode nothing runs: a decision to scrub keeps the stack's values all the same. */
function keep(decision: ScrubDecision): ScrubDecision {
  return decision.run ? { run: false, reason: decision.reason } : decision;
}

function reportKept(
  context: RunContext,
  decision: ScrubDecision,
  previous: Record<string, string> | undefined,
): void {
  const record = parseScrubRecord(previous?.[SCRUB_PARAMETERS.state]);
  if (!record || !context.settings.scrubSql) return;
  context.report.scrub = {
    status: 'kept',
    file: context.settings.scrubSql.shown,
    sha256: record.sha256,
    at: record.at,
    seconds: record.seconds,
    passed: record.status === 'passed',
    sqlChanged: !decision.run && decision.sqlChanged,
  };
}

const ENGINE: Record<string, ScrubEngine> = {
  'aurora-postgresql': 'postgresql',
  'aurora-mysql': 'mysql',
};

/**
 * Runs the scrub the deploy prepared (the database closed to the app; `stack` as the deploy left
 * it), on the bastion, then opens
 * the database with a parameter-only update. A failure leaves it closed and fails the run with
 * the SQL's own error.
 */
export async function runPendingScrub(
  context: RunContext,
  target: StackTarget,
  stack: Stack | undefined,
): Promise<void> {
  const scrub = context.report.scrub;
  if (scrub?.status !== 'pending') return;
  if (!stack) throw new Error(`Stack "${target.stackName}" is gone: the scrub cannot run`);
  const outputs = outputsOf(stack);
  const parameters = parametersOf(stack);
  const instanceId = outputs.BastionInstanceId;
  const secretArn = outputs.DBSecretArn;
  if (!instanceId || !secretArn) {
    throw new Error(
      `Stack "${target.stackName}" has no BastionInstanceId or DBSecretArn output: the scrub runs on the bastion, with the database's secret`,
    );
  }
  const engine = ENGINE[parameters.DBEngine ?? ''] ?? 'postgresql';
  const clusters = await stackClusters(target.cfn, await context.aws.rds(), stack);
  const script = scrubScript({
    engine,
    region: context.aws.region,
    secretArn,
    sqlUri: parameters[SCRUB_PARAMETERS.sqlUri] ?? '',
    database: clusters[0]?.databaseName ?? '',
  });
  const started = context.clock.now();
  core.startGroup(`Scrub: ${scrub.file} (sha256 ${scrub.sha256.slice(0, 12)}…) on ${instanceId}`);
  let result;
  try {
    result = await runOnInstance(await context.aws.ssm(), {
      instanceId,
      script,
      comment: `pr-env scrub of ${target.stackName}`,
      clock: context.clock,
      deadline: context.deadline,
      pollMs: clusterPollMs(),
      onOutput: (text) => core.info(text.replace(/\n$/, '')),
    });
  } finally {
    core.endGroup();
  }
  const seconds = Math.round((context.clock.now() - started) / 1000);
  if (result.status !== 'Success') {
    scrub.status = 'failed';
    scrub.seconds = seconds;
    const why =
      result.status === 'Deadline' || result.status === 'TimedOut'
        ? `did not finish within timeout-minutes (${context.settings.timeoutMinutes} min)`
        : (scrubRootCause(result.stderr, result.stdout) ?? `ended ${result.status}`);
    throw new ScrubFailedError(
      `The scrub "${scrub.file}" failed on the bastion ${instanceId} (command ${result.commandId}): ${why}. The app stays cut off from the database; fix the SQL and comment /pr-env scrub to run it again.`,
      {
        logicalId: 'Bastion',
        resourceType: 'scrub-sql',
        status: `SCRUB_${result.status.toUpperCase()}`,
        reason: why,
      },
    );
  }
  core.info(`Scrub passed in ${seconds} s: opening the database to the app`);
  const opened = openedValues({
    status: 'passed',
    sha256: scrub.sha256,
    at: scrub.at ?? '',
    seconds,
  });
  const outcome = await deployStack(
    { ...target, onEvent: undefined },
    {
      plan: async (existing) => ({
        template: { UsePreviousTemplate: true },
        parameters: Object.keys(parametersOf(existing ?? stack)).map((key) =>
          key in opened
            ? { ParameterKey: key, ParameterValue: opened[key] }
            : { ParameterKey: key, UsePreviousValue: true },
        ),
        tags: existing?.Tags ?? stack.Tags ?? [],
      }),
    },
  );
  scrub.status = 'passed';
  scrub.seconds = seconds;
  if (outcome.stack) {
    context.report.status = outcome.stack.StackStatus;
    context.report.outputs = outputsOf(outcome.stack);
  }
}
