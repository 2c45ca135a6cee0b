import {
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DescribeChangeSetCommand,
  ExecuteChangeSetCommand,
  type Change,
  type CloudFormationClient,
  type Parameter,
  type Tag,
} from '@aws-sdk/client-cloudformation';
import { systemClock, type Clock } from '../clock.js';
import { withContext } from '../errors.js';
import type { PollPolicy } from './watch.js';

/** Where CloudFormation reads the template from: inline, or an S3 URL past 51,200 bytes. */
export type TemplateSource =
  | { TemplateBody: string }
  | { TemplateURL: string }
  /** An update that changes parameters only (the scrub's gate). */
  | { UsePreviousTemplate: true };

export interface ChangeSetRequest {
  stackName: string;
  type: 'CREATE' | 'UPDATE';
  name: string;
  template: TemplateSource;
  parameters: Parameter[];
  tags: Tag[];
  roleArn?: string;
  description?: string;
}

export type ChangeSetOutcome =
  | { kind: 'ready'; id: string; stackId: string; changes: Change[] }
  | { kind: 'empty'; id: string; stackId: string }
  | { kind: 'failed'; id: string; stackId: string; reason: string };

// The template creates IAM roles and may use transforms.
const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** "No changes" is how CloudFormation says an update has nothing to do: a success. */
export function isNoChangeReason(reason: string | undefined): boolean {
  return /didn't contain changes|No updates are to be performed/i.test(reason ?? '');
}

/** Creates a change set and waits until CloudFormation has worked out what it would change. */
export async function prepareChangeSet(
  cfn: CloudFormationClient,
  request: ChangeSetRequest,
  { deadline, poll, clock = systemClock }: { deadline: number; poll: PollPolicy; clock?: Clock },
): Promise<ChangeSetOutcome> {
  let created;
  try {
    created = await cfn.send(
      new CreateChangeSetCommand({
        StackName: request.stackName,
        ChangeSetName: request.name,
        ChangeSetType: request.type,
        ...request.template,
        Parameters: request.parameters,
        Tags: request.tags,
        RoleARN: request.roleArn,
        Capabilities: [...CAPABILITIES],
        Description: request.description,
      }),
    );
  } catch (error) {
    throw withContext(`Could not create change set for stack "${request.stackName}"`, error);
  }
  const id = created.Id ?? request.name;
  const stackId = created.StackId ?? request.stackName;
  let interval = poll.fastMs;
  for (;;) {
    const described = await cfn.send(
      new DescribeChangeSetCommand({
        ChangeSetName: id,
        StackName: stackId,
        IncludePropertyValues: true,
      }),
    );
    if (described.Status === 'CREATE_COMPLETE') {
      return { kind: 'ready', id, stackId, changes: await allChanges(cfn, id, stackId, described) };
    }
    if (described.Status === 'FAILED') {
      const reason = described.StatusReason ?? 'no reason given';
      return isNoChangeReason(reason)
        ? { kind: 'empty', id, stackId }
        : { kind: 'failed', id, stackId, reason };
    }
    if (clock.now() >= deadline) {
      throw new Error(
        `Timed out waiting for change set "${request.name}" of stack "${request.stackName}": its last status was ${described.Status}`,
      );
    }
    await clock.sleep(interval);
    interval = Math.min(interval * 2, poll.slowMs);
  }
}

async function allChanges(
  cfn: CloudFormationClient,
  id: string,
  stackId: string,
  first: { Changes?: Change[]; NextToken?: string },
): Promise<Change[]> {
  const changes = [...(first.Changes ?? [])];
  let nextToken = first.NextToken;
  while (nextToken) {
    const page = await cfn.send(
      new DescribeChangeSetCommand({
        ChangeSetName: id,
        StackName: stackId,
        NextToken: nextToken,
        IncludePropertyValues: true,
      }),
    );
    changes.push(...(page.Changes ?? []));
    nextToken = page.NextToken;
  }
  return changes;
}

export async function executeChangeSet(
  cfn: CloudFormationClient,
  outcome: { id: string; stackId: string },
  token: string,
): Promise<void> {
  await cfn.send(
    new ExecuteChangeSetCommand({
      ChangeSetName: outcome.id,
      StackName: outcome.stackId,
      ClientRequestToken: token,
    }),
  );
}

/** Removes a change set that will not be executed, so none piles up on the stack. */
export async function deleteChangeSet(
  cfn: CloudFormationClient,
  outcome: { id: string; stackId: string },
): Promise<void> {
  await cfn.send(
    new DeleteChangeSetCommand({ ChangeSetName: outcome.id, StackName: outcome.stackId }),
  );
}
