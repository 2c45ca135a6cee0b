import * as core from '@actions/core';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Clock } from '../clock.js';

/** Run Command's statuses that end an invocation. */
const FINISHED = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

export interface RemoteRun {
  instanceId: string;
  script: string;
  /** Shown in the SSM console's command history (at most 100 characters). */
  comment: string;
  clock: Clock;
  /** Epoch milliseconds when waiting stops (timeout-minutes). */
  deadline: number;
  pollMs: number;
  /** New output, as it comes. */
  onOutput?: (text: string) => void;
}

export interface RemoteResult {
  commandId: string;
  /** Run Command's own: Success, Failed, TimedOut or Cancelled; `Deadline` when pr-env stopped waiting. */
  status: string;
  exitCode?: number;
  stdout: string;
  stderr: string;
}

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? '';
}

/**
 * Runs a shell script on one instance with SSM Run Command (AWS-RunShellScript) and waits for it.
 * A new instance's agent takes a minute or two to register after boot: until then SendCommand
 * answers InvalidInstanceId, and the send is retried until the deadline.
 */
export async function runOnInstance(ssm: SSMClient, run: RemoteRun): Promise<RemoteResult> {
  const { GetCommandInvocationCommand, SendCommandCommand } = await import('../aws/sdk/ssm.js');
  const secondsLeft = () => Math.max(30, Math.floor((run.deadline - run.clock.now()) / 1000));
  let commandId: string | undefined;
  for (let wait = run.pollMs; ; wait = Math.min(wait * 2, 15_000)) {
    try {
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [run.instanceId],
          Comment: run.comment.slice(0, 100),
          TimeoutSeconds: secondsLeft(),
          Parameters: { commands: [run.script], executionTimeout: [String(secondsLeft())] },
        }),
      );
      commandId = sent.Command?.CommandId;
      break;
    } catch (error) {
      if (errorName(error) !== 'InvalidInstanceId' || run.clock.now() + wait >= run.deadline) {
        throw error;
      }
      core.info(`Instance ${run.instanceId} is not registered with SSM yet: retrying`);
      await run.clock.sleep(wait);
    }
  }
  if (!commandId) throw new Error(`SSM SendCommand to ${run.instanceId} returned no CommandId`);

  const shown = { stdout: 0, stderr: 0 };
  let last: RemoteResult = { commandId, status: 'Pending', stdout: '', stderr: '' };
  for (;;) {
    await run.clock.sleep(Math.max(0, Math.min(run.pollMs, run.deadline - run.clock.now())));
    try {
      const invocation = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: run.instanceId }),
      );
      last = {
        commandId,
        status: invocation.Status ?? 'Pending',
        exitCode: invocation.ResponseCode === -1 ? undefined : invocation.ResponseCode,
        stdout: invocation.StandardOutputContent ?? '',
        stderr: invocation.StandardErrorContent ?? '',
      };
    } catch (error) {
      // Right after SendCommand the invocation may not exist yet.
      if (errorName(error) !== 'InvocationDoesNotExist') throw error;
    }
    for (const stream of ['stdout', 'stderr'] as const) {
      const text = last[stream];
      if (text.length > shown[stream]) run.onOutput?.(text.slice(shown[stream]));
      shown[stream] = Math.max(shown[stream], text.length);
    }
    if (FINISHED.has(last.status)) return last;
    if (run.clock.now() >= run.deadline) return { ...last, status: 'Deadline' };
  }
}
