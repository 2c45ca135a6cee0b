/**
 * SSM Run Command's SendCommand and GetCommandInvocation, in the JSON 1.1 protocol
 * (`X-Amz-Target: AmazonSSM.SendCommand`), for AWS-RunShellScript only. The script really runs,
 * on this machine, with bash: the instance is any live AWS::EC2::Instance of a stack. On its
 * PATH an `aws` stand-in answers the two CLI calls a scrub makes: `s3 cp s3://bucket/key FILE`
 * (from this simulator's S3) and `secretsmanager get-secret-value --secret-id ARN --query
 * SecretString --output text` (the value a test gave with `ssm.setSecretValue`, for any live
 * AWS::SecretsManager::Secret). Output is cut as SSM cuts it: the first 24,000 characters of
 * stdout and 8,000 of stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonError, jsonReply, type JsonReply } from './service-quotas.js';
import type { StackRecord } from './stack-model.js';

export const SSM_TARGET = 'AmazonSSM';
const STDOUT_LIMIT = 24_000;
const STDERR_LIMIT = 8_000;

interface Invocation {
  commandId: string;
  instanceId: string;
  comment: string;
  status: 'Pending' | 'InProgress' | 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  statusDetails: string;
  responseCode: number;
  stdout: string;
  stderr: string;
  requestedAt: Date;
  startedAt?: Date;
  endedAt?: Date;
  /** The script, as the command's `commands` parameter gave it. */
  script: string;
  child?: ChildProcess;
}

/** The `aws` stand-in: a Node script, for the two calls a scrub makes. */
const AWS_CLI = `#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const fail = (text, code) => { process.stderr.write(text + '\\n'); process.exit(code); };
const option = (name) => { const i = args.indexOf(name); return i < 0 ? undefined : args[i + 1]; };
if (args[0] === 's3' && args[1] === 'cp') {
  const [source, target] = args.slice(2).filter((a) => !a.startsWith('--'));
  const match = /^s3:\\/\\/([^/]+)\\/(.+)$/.exec(source ?? '');
  if (!match || !target) fail('usage: aws s3 cp s3://bucket/key FILE', 252);
  const res = await fetch(process.env.PR_ENV_SIM_URL + '/' + match[1] + '/' + match[2].split('/').map(encodeURIComponent).join('/'));
  if (res.status !== 200) fail('fatal error: An error occurred (' + res.status + ') when calling the HeadObject operation: ' + (res.status === 404 ? 'Not Found' : 'Forbidden'), 1);
  writeFileSync(target, Buffer.from(await res.arrayBuffer()));
} else if (args[0] === 'secretsmanager' && args[1] === 'get-secret-value') {
  const secrets = JSON.parse(readFileSync(process.env.PR_ENV_SIM_SECRETS, 'utf8'));
  const id = option('--secret-id');
  if (!(id in secrets)) fail("An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation: Secrets Manager can't find the specified secret.", 254);
  process.stdout.write(secrets[id] + '\\n');
} else {
  fail('aws (pr-env simulator): unsupported command: ' + args.join(' '), 2);
}
`;

export class SsmService {
  private readonly invocations = new Map<string, Invocation>();
  private readonly dir = mkdtempSync(path.join(os.tmpdir(), 'pr-env-sim-ssm-'));
  private secretValue?: string;
  /** Directories put before PATH for the scripts (a database's client, for instance). */
  readonly extraPath: string[] = [];
  /** How long after an instance is created its agent answers (InvalidInstanceId before). */
  registrationMs = 0;
  /** InvocationDoesNotExist for this long after SendCommand, as SSM answers at first. */
  invocationDelayMs = 50;

  constructor(
    private readonly options: {
      accountId: string;
      region: string;
      stacks: () => StackRecord[];
      url: () => string;
      shutdown: AbortSignal;
    },
  ) {
    writeFileSync(path.join(this.dir, 'aws'), AWS_CLI);
    chmodSync(path.join(this.dir, 'aws'), 0o755);
    options.shutdown.addEventListener('abort', () => {
      for (const invocation of this.invocations.values()) invocation.child?.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** What `aws secretsmanager get-secret-value` prints on an instance, for the stacks' secrets. */
  setSecretValue(value: string): void {
    this.secretValue = value;
  }

  /** Every command sent, oldest first. */
  commands(): Array<{ commandId: string; instanceId: string; status: string; script: string }> {
    return [...this.invocations.values()].map(({ commandId, instanceId, status, script }) => ({
      commandId,
      instanceId,
      status,
      script,
    }));
  }

  handle(target: string, body: string): JsonReply {
    const action = target.startsWith(`${SSM_TARGET}.`) ? target.slice(SSM_TARGET.length + 1) : '';
    try {
      const input = JSON.parse(body || '{}') as Record<string, unknown>;
      if (action === 'SendCommand') return jsonReply(200, this.sendCommand(input));
      if (action === 'GetCommandInvocation') return jsonReply(200, this.getInvocation(input));
      return jsonReply(400, { __type: 'UnknownOperationException' }, 'UnknownOperationException');
    } catch (error) {
      if (error instanceof JsonError)
        return jsonReply(400, { __type: error.type, Message: error.message }, error.type);
      throw error;
    }
  }

  private liveResources(type: string) {
    return this.options
      .stacks()
      .flatMap((stack) =>
        [...stack.resources.values()].filter(
          (r) =>
            r.type === type &&
            r.physicalId &&
            /_COMPLETE$/.test(r.status) &&
            !r.status.startsWith('DELETE'),
        ),
      );
  }

  private sendCommand(input: Record<string, unknown>) {
    const documentName = String(input.DocumentName ?? '');
    if (documentName !== 'AWS-RunShellScript') {
      throw new JsonError('InvalidDocument', `Document with name ${documentName} does not exist.`);
    }
    const instanceIds = (input.InstanceIds as string[] | undefined) ?? [];
    const parameters = (input.Parameters as Record<string, string[]> | undefined) ?? {};
    const commands = parameters.commands ?? [];
    if (commands.length === 0) {
      throw new JsonError('InvalidParameters', 'Parameter "commands" is required.');
    }
    const instances = this.liveResources('AWS::EC2::Instance');
    const ready = (id: string) =>
      instances.some(
        (r) => r.physicalId === id && r.timestamp.getTime() + this.registrationMs <= Date.now(),
      );
    if (instanceIds.length !== 1 || !ready(instanceIds[0]!)) {
      throw new JsonError(
        'InvalidInstanceId',
        `Instances [[${instanceIds.join(', ')}]] not in a valid state for account ${this.options.accountId}`,
      );
    }
    const executionTimeout = Number(parameters.executionTimeout?.[0] ?? 3600);
    const invocation: Invocation = {
      commandId: randomUUID(),
      instanceId: instanceIds[0]!,
      comment: String(input.Comment ?? ''),
      status: 'Pending',
      statusDetails: 'Pending',
      responseCode: -1,
      stdout: '',
      stderr: '',
      requestedAt: new Date(),
      script: commands.join('\n'),
    };
    this.invocations.set(invocation.commandId, invocation);
    this.start(invocation, executionTimeout * 1000);
    return {
      Command: {
        CommandId: invocation.commandId,
        DocumentName: documentName,
        DocumentVersion: '$DEFAULT',
        Comment: invocation.comment,
        Parameters: parameters,
        InstanceIds: instanceIds,
        Targets: [],
        RequestedDateTime: invocation.requestedAt.getTime() / 1000,
        Status: 'Pending',
        StatusDetails: 'Pending',
        TimeoutSeconds: Number(input.TimeoutSeconds ?? 3600),
        TargetCount: 1,
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
      },
    };
  }

  private start(invocation: Invocation, timeoutMs: number): void {
    const secretsFile = path.join(this.dir, `${invocation.commandId}.secrets.json`);
    const secrets = Object.fromEntries(
      this.secretValue === undefined
        ? []
        : this.liveResources('AWS::SecretsManager::Secret').map((r) => [
            r.physicalId,
            this.secretValue,
          ]),
    );
    writeFileSync(secretsFile, JSON.stringify(secrets));
    const child = spawn('bash', ['-c', invocation.script], {
      cwd: this.dir,
      env: {
        PATH: [this.dir, ...this.extraPath, path.dirname(process.execPath), process.env.PATH].join(
          path.delimiter,
        ),
        HOME: os.tmpdir(),
        LANG: 'C.UTF-8',
        PR_ENV_SIM_URL: this.options.url(),
        PR_ENV_SIM_SECRETS: secretsFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    invocation.child = child;
    invocation.status = 'InProgress';
    invocation.statusDetails = 'InProgress';
    invocation.startedAt = new Date();
    child.stdout.on('data', (chunk: Buffer) => {
      invocation.stdout = (invocation.stdout + chunk.toString('utf8')).slice(0, STDOUT_LIMIT);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      invocation.stderr = (invocation.stderr + chunk.toString('utf8')).slice(0, STDERR_LIMIT);
    });
    const timer = setTimeout(() => {
      invocation.status = 'TimedOut';
      invocation.statusDetails = 'ExecutionTimedOut';
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(secretsFile, { force: true });
      invocation.endedAt = new Date();
      invocation.responseCode = code ?? -1;
      if (invocation.status === 'TimedOut') return;
      invocation.status = code === 0 ? 'Success' : 'Failed';
      invocation.statusDetails = invocation.status;
    });
  }

  private getInvocation(input: Record<string, unknown>) {
    const invocation = this.invocations.get(String(input.CommandId ?? ''));
    if (
      !invocation ||
      invocation.instanceId !== input.InstanceId ||
      Date.now() - invocation.requestedAt.getTime() < this.invocationDelayMs
    ) {
      throw new JsonError('InvocationDoesNotExist', '');
    }
    const iso = (date?: Date) => date?.toISOString() ?? '';
    return {
      CommandId: invocation.commandId,
      InstanceId: invocation.instanceId,
      Comment: invocation.comment,
      DocumentName: 'AWS-RunShellScript',
      DocumentVersion: '$DEFAULT',
      PluginName: 'aws:runShellScript',
      ResponseCode: invocation.responseCode,
      ExecutionStartDateTime: iso(invocation.startedAt),
      ExecutionEndDateTime: iso(invocation.endedAt),
      Status: invocation.status,
      StatusDetails: invocation.statusDetails,
      StandardOutputContent: invocation.stdout,
      StandardOutputUrl: '',
      StandardErrorContent: invocation.stderr,
      StandardErrorUrl: '',
      CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
    };
  }
}
