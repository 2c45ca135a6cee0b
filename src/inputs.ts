import * as core from '@actions/core';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAppParameter } from './app/build.js';
import { parseArtifactInput, parseImageInput, type BuildSource } from './app/source.js';
import { InputError } from './errors.js';
import { isSecretOutputKey } from './report/report.js';
import { parseWebhookUrl } from './notify/url.js';
import { parseTemplate, type CfnTemplate } from './template/cfn-yaml.js';
import { DATA_SOURCES, type DataSource } from './data/parameters.js';
import { parseBoolean, parseKeyValueLines, parseKeyValueLinesOrMap, parseNumber } from './parse.js';
import { parseScrubInput, type ScrubSql } from './scrub/source.js';
import { SCRUB_PARAMETERS } from './scrub/state.js';
import { NETWORK_PARAMETERS } from './network/parameters.js';

export const COMMANDS = ['auto', 'deploy', 'destroy', 'plan', 'sweep'] as const;
export type Command = (typeof COMMANDS)[number];

/** Every input of action.yml, parsed and validated once. */
export interface Settings {
  /** Token for comments and deployments; empty when none was given (reporting is then skipped). */
  githubToken: string;
  /** `auto` derives the command from the event. */
  command: Command;
  /** The PR for events that carry none (workflow_dispatch, schedule). */
  prNumber?: number;
  /** Production Aurora cluster whose newest available snapshot seeds the environment. */
  sourceDbCluster?: string;
  /** An explicit snapshot identifier or ARN; skips resolution. */
  snapshotIdentifier?: string;
  /** Refuse a snapshot older than this; 0 means no limit. */
  maxSnapshotAgeHours: number;
  /** On update, move to the newest snapshot instead of keeping the stack's. */
  refreshData: boolean;
  stackPrefix: string;
  /** Absolute path of the template to render. */
  templatePath: string;
  /** Parameter overrides, checked against the template's declarations at render time. */
  parameters: Record<string, string>;
  templateBucket?: string;
  roleArn?: string;
  /** Extra stack tags. */
  tags: Record<string, string>;
  timeoutMinutes: number;
  /** 0 means the environment never expires. */
  ttlHours: number;
  /** The sweeper puts an environment to sleep after this many hours without a push; 0 = never. */
  sleepAfterHours: number;
  /** The sweeper puts an environment to sleep after this many minutes without a visit; 0 = never. */
  sleepAfterIdleMinutes: number;
  requireLabel?: string;
  comment: boolean;
  deployment: boolean;
  allowForks: boolean;
  /** Let a deploy replace or remove the VPC, a subnet or the database without refresh-data. */
  allowReplacement: boolean;
  /** What a new environment's database (or refresh-data) starts from: a snapshot, or a clone. */
  dataSource: DataSource;
  /** The PR's build (app-artifact): an S3 object, a workspace path or a run's artifact. */
  appArtifact?: BuildSource;
  /** The PR's container image (app-image), instead of a tarball. */
  appImage?: BuildSource;
  /** How long to wait for the build to appear; 0 checks once. */
  appWaitMinutes: number;
  /** The largest artifact (zip and contents) pr-env accepts from a run. */
  appArtifactMaxMb: number;
  /** The SQL that masks the data before the app may reach it (scrub-sql). */
  scrubSql?: ScrubSql;
  /** `/pr-env scrub`: run the scrub again on this deploy. */
  scrubRequested?: boolean;
  /** The bootstrap stack whose shared network the environments use (network-stack). */
  networkStack?: string;
  /** The team's incoming webhook (notify-webhook-url), told of each change of state. */
  notifyWebhookUrl?: URL;
}

type ReadInput = (name: string) => string;

const TEMPLATE_FORM =
  'expected a CloudFormation template in YAML or JSON: a mapping with a "Resources" section';

/**
 * A user's template is read and parsed here, with the other inputs, so that a typo or a broken
 * file is reported with every other problem and before anything is sent to AWS. The bundled
 * template is the action's own and is tested with it.
 */
function checkTemplateFile(
  raw: string,
  file: string,
  workspace: string,
): { problem?: string; template?: CfnTemplate } {
  const shown = raw || file;
  if (!existsSync(file)) {
    return {
      problem: `"template": "${shown}" does not exist: expected a path to a CloudFormation template, relative to the workspace (${workspace})`,
    };
  }
  if (!statSync(file).isFile()) {
    return { problem: `"template": "${shown}" is not a file: ${TEMPLATE_FORM}` };
  }
  if (!raw) return {};
  try {
    return { template: parseTemplate(readFileSync(file, 'utf8'), file) };
  } catch (error) {
    // parseTemplate keeps js-yaml's error (with line and column) as the cause of a syntax error.
    const { cause } = error as Error;
    const why =
      cause instanceof Error
        ? `is not valid YAML (${cause.message.split('\n')[0]})`
        : 'is not a CloudFormation template';
    return { problem: `"template": "${shown}" ${why}: ${TEMPLATE_FORM}` };
  }
}

/**
 * Masks parameter values that are secrets: those the template declares NoEcho and those whose
 * name says so. CloudFormation hides NoEcho values itself, but the log is the runner's.
 */
function maskSecretParameters(parameters: Record<string, string>, template?: CfnTemplate): void {
  for (const [key, value] of Object.entries(parameters)) {
    const noEcho = String(template?.Parameters?.[key]?.NoEcho ?? '').toLowerCase() === 'true';
    if (value && (noEcho || isSecretOutputKey(key))) core.setSecret(value);
  }
}

const defaultReadInput: ReadInput = (name) => core.getInput(name);

/**
 * The bundled template: `templates/` beside `src/`. The bundler copies it into `dist/` and
 * rewrites this path to the copy, so the bundle carries the template it was built with.
 */
export function bundledTemplatePath(): string {
  return path.join(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    'templates',
    'environment.yml',
  );
}

const CLUSTER_ID = /^[A-Za-z][A-Za-z0-9-]{0,62}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster:[A-Za-z][A-Za-z0-9-]{0,62}$/;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:cluster-snapshot:[A-Za-z0-9:-]+$/;
const SNAPSHOT_ID = /^[A-Za-z][A-Za-z0-9:-]{0,254}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PARAMETER_KEY = /^[A-Za-z0-9]{1,255}$/;
const PREFIX = /^[A-Za-z][A-Za-z0-9-]{0,39}$/;

/**
 * Reads every input, validating all of them before returning so that one run reports every
 * problem at once. Throws InputError naming each input, its value and the expected form.
 */
export function getSettings(
  readInput: ReadInput = defaultReadInput,
  workspace = process.env.GITHUB_WORKSPACE ?? process.cwd(),
): Settings {
  const problems: string[] = [];
  const read = (name: string) => readInput(name).trim();
  function parsed<T>(name: string, parse: (raw: string) => T, fallback: T): T {
    try {
      return parse(readInput(name));
    } catch (error) {
      problems.push(`"${name}": ${(error as Error).message}`);
      return fallback;
    }
  }
  function matching(name: string, pattern: RegExp | RegExp[], expected: string) {
    const value = read(name);
    if (value === '') return undefined;
    const patterns = Array.isArray(pattern) ? pattern : [pattern];
    if (!patterns.some((p) => p.test(value))) {
      problems.push(`"${name}": "${value}" is not valid: expected ${expected}`);
    }
    return value;
  }

  const githubToken = read('github-token');
  if (githubToken) core.setSecret(githubToken);
  const notifyWebhookUrl = webhookInput(read('notify-webhook-url'), problems);

  const commandRaw = read('command') || 'auto';
  const command = (COMMANDS as readonly string[]).includes(commandRaw)
    ? (commandRaw as Command)
    : undefined;
  if (!command) {
    problems.push(
      `"command": "${commandRaw}" is not a command: expected one of ${COMMANDS.join(', ')}`,
    );
  }

  const prNumber = read('pr-number')
    ? parsed('pr-number', (raw) => parseNumber(raw, { min: 1, integer: true }), undefined)
    : undefined;

  const sourceDbCluster = matching(
    'source-db-cluster',
    [CLUSTER_ID, CLUSTER_ARN],
    'a DB cluster identifier (a letter, then letters, digits or hyphens, at most 63) or its ARN',
  );
  const snapshotIdentifier = matching(
    'snapshot-identifier',
    [SNAPSHOT_ID, SNAPSHOT_ARN],
    'a DB cluster snapshot identifier (rds:prod-2026-01-01-00-00 or my-snapshot) or its ARN',
  );

  const stackPrefix = read('stack-prefix') || 'pr-env';
  if (!PREFIX.test(stackPrefix)) {
    problems.push(
      `"stack-prefix": "${stackPrefix}" cannot start a stack name: expected a letter, then letters, digits or hyphens (at most 40 characters)`,
    );
  }

  const templateRaw = read('template');
  const templatePath = templateRaw ? path.resolve(workspace, templateRaw) : bundledTemplatePath();
  const checked = checkTemplateFile(templateRaw, templatePath, workspace);
  if (checked.problem) problems.push(checked.problem);

  const parameters = parsed('parameters', parseKeyValueLinesOrMap, {});
  maskSecretParameters(parameters, checked.template);
  for (const key of Object.keys(parameters)) {
    if (!PARAMETER_KEY.test(key)) {
      problems.push(
        `"parameters": "${key}" is not a parameter name: expected letters and digits only`,
      );
    }
  }

  const tags = parsed('tags', parseKeyValueLines, {});
  for (const [key, value] of Object.entries(tags)) {
    if (key.length > 128 || value.length > 256) {
      problems.push(
        `"tags": "${key}" is too long: expected keys of at most 128 and values of at most 256 characters`,
      );
    }
    if (/^(aws|pr-env):/i.test(key)) {
      problems.push(
        `"tags": "${key}" uses a reserved prefix: keys may not start with "aws:" or "pr-env:"`,
      );
    }
  }

  const dataSourceRaw = read('data-source') || 'snapshot';
  const dataSource = (DATA_SOURCES as readonly string[]).includes(dataSourceRaw)
    ? (dataSourceRaw as DataSource)
    : undefined;
  if (!dataSource) {
    problems.push(
      `"data-source": "${dataSourceRaw}" is not a data source: expected one of ${DATA_SOURCES.join(', ')}`,
    );
  }
  if (dataSource === 'clone' && snapshotIdentifier) {
    problems.push(
      `"snapshot-identifier": "${snapshotIdentifier}" names a snapshot, but "data-source" is clone: expected one or the other`,
    );
  }
  const app = appInputs(read, parameters, problems, workspace);
  const scrub = read('scrub-sql') ? parseScrubInput(read('scrub-sql'), workspace) : undefined;
  if (scrub?.problem) problems.push(scrub.problem);
  const networkStack = matching(
    'network-stack',
    /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    'the name of the pr-env bootstrap stack deployed with SharedNetwork=true (a letter, then letters, digits or hyphens)',
  );
  const gate = [
    ...Object.values(SCRUB_PARAMETERS),
    ...(networkStack ? NETWORK_PARAMETERS : []),
  ].filter((key) => key in parameters);
  if (gate.length > 0) {
    problems.push(
      `"parameters": ${gate.join(', ')} ${gate.length === 1 ? 'is' : 'are'} set by pr-env (the scrub's gate, network-stack): expected them left out`,
    );
  }

  const settings: Settings = {
    githubToken,
    command: command ?? 'auto',
    prNumber,
    sourceDbCluster,
    snapshotIdentifier,
    maxSnapshotAgeHours: parsed(
      'max-snapshot-age-hours',
      (raw) => parseNumber(raw || '0', { min: 0 }),
      0,
    ),
    refreshData: parsed('refresh-data', parseBoolean, false),
    stackPrefix,
    templatePath,
    parameters,
    templateBucket: matching(
      'template-bucket',
      BUCKET,
      'an S3 bucket name (3-63 lower-case letters, digits, dots or hyphens)',
    ),
    roleArn: matching(
      'role-arn',
      ROLE_ARN,
      'an IAM role ARN (arn:aws:iam::123456789012:role/name)',
    ),
    tags,
    // Fractions of a minute are allowed: tests and the benchmark use seconds.
    timeoutMinutes: parsed('timeout-minutes', (raw) => parseNumber(raw || '60', { min: 0.01 }), 60),
    ttlHours: parsed('ttl-hours', (raw) => parseNumber(raw || '72', { min: 0 }), 72),
    sleepAfterHours: parsed('sleep-after-hours', (raw) => parseNumber(raw || '0', { min: 0 }), 0),
    sleepAfterIdleMinutes: parsed(
      'sleep-after-idle-minutes',
      (raw) => parseNumber(raw || '0', { min: 0 }),
      0,
    ),
    requireLabel: read('require-label') || undefined,
    comment: parsed('comment', (raw) => parseBoolean(raw || 'true'), true),
    deployment: parsed('deployment', (raw) => parseBoolean(raw || 'true'), true),
    allowForks: parsed('allow-forks', parseBoolean, false),
    allowReplacement: parsed('allow-replacement', parseBoolean, false),
    dataSource: dataSource ?? 'snapshot',
    ...app,
    appWaitMinutes: parsed('app-wait-minutes', (raw) => parseNumber(raw || '20', { min: 0 }), 20),
    appArtifactMaxMb: parsed(
      'app-artifact-max-mb',
      (raw) => parseNumber(raw || '512', { min: 1 }),
      512,
    ),
    scrubSql: scrub?.value,
    networkStack,
    notifyWebhookUrl,
  };
  if (settings.appArtifact && settings.appArtifact.kind !== 's3' && !settings.templateBucket) {
    problems.push(
      `"app-artifact": "${read('app-artifact')}" is uploaded by pr-env: "template-bucket" is required (the bootstrap stack's TemplateBucketName)`,
    );
  }
  if (settings.scrubSql && !settings.templateBucket) {
    problems.push(
      `"scrub-sql": "${read('scrub-sql')}" reaches the bastion through S3: "template-bucket" is required (the bootstrap stack's TemplateBucketName)`,
    );
  }
  if (problems.length > 0) throw new InputError(problems);
  return settings;
}

/** A webhook URL is a credential: masked before anything could print it, and never repeated. */
function webhookInput(raw: string, problems: string[]): URL | undefined {
  if (!raw) return undefined;
  core.setSecret(raw);
  const parsed = parseWebhookUrl(raw);
  if ('url' in parsed) return parsed.url;
  problems.push(`"notify-webhook-url" ${parsed.problem}`);
  return undefined;
}

/** app-artifact and app-image: one of them at most, and not beside the same parameters set by hand. */
function appInputs(
  read: (name: string) => string,
  parameters: Record<string, string>,
  problems: string[],
  workspace: string,
): Pick<Settings, 'appArtifact' | 'appImage'> {
  const artifactRaw = read('app-artifact');
  const imageRaw = read('app-image');
  const artifact = artifactRaw ? parseArtifactInput(artifactRaw, workspace) : undefined;
  const image = imageRaw ? parseImageInput(imageRaw) : undefined;
  for (const result of [artifact, image]) if (result?.problem) problems.push(result.problem);
  if (artifactRaw && imageRaw) {
    problems.push(
      `"app-artifact" and "app-image" are both set: expected one of them, a tarball or an image`,
    );
  }
  const byHand = Object.keys(parameters).filter(isAppParameter);
  if ((artifactRaw || imageRaw) && byHand.length > 0) {
    problems.push(
      `"parameters": ${byHand.join(', ')} ${byHand.length === 1 ? 'is' : 'are'} set by pr-env from "${artifactRaw ? 'app-artifact' : 'app-image'}": expected one or the other`,
    );
  }
  return { appArtifact: artifact?.value, appImage: image?.value };
}
