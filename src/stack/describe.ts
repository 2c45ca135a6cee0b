import {
  DescribeStacksCommand,
  type CloudFormationClient,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { withContext } from '../errors.js';
import { TAG } from '../naming.js';

/** A stack by name or ID; undefined when there is none (a missing stack is not an error). */
export async function describeStack(
  cfn: CloudFormationClient,
  nameOrId: string,
): Promise<Stack | undefined> {
  try {
    const result = await cfn.send(new DescribeStacksCommand({ StackName: nameOrId }));
    return result.Stacks?.[0];
  } catch (error) {
    if (isMissingStackError(error)) return undefined;
    throw withContext(`Could not describe stack "${nameOrId}"`, error);
  }
}

export function isMissingStackError(error: unknown): boolean {
  const { name, message } = error as { name?: string; message?: string };
  return name === 'ValidationError' && /does not exist/.test(message ?? '');
}

export function tagsOf(stack: Stack): Record<string, string> {
  return Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

export function parametersOf(stack: Stack): Record<string, string> {
  return Object.fromEntries(
    (stack.Parameters ?? []).map((p) => [
      p.ParameterKey ?? '',
      p.ResolvedValue ?? p.ParameterValue ?? '',
    ]),
  );
}

export function outputsOf(stack: Stack): Record<string, string> {
  return Object.fromEntries(
    (stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
  );
}

export interface Owner {
  repository: string;
  pr: number;
}

/**
 * Refuses a stack that pr-env did not create for this PR: a stack of the same name without the
 * matching ownership tags belongs to someone else and is never updated or deleted. Pure.
 */
export function assertOwnedBy(stack: Stack, owner: Owner): void {
  const tags = tagsOf(stack);
  const repository = tags[TAG.repository];
  const pr = tags[TAG.pullRequest];
  if (repository === owner.repository && pr === String(owner.pr)) return;
  const found = [TAG.repository, TAG.pullRequest]
    .map((key) => `${key}=${tags[key] === undefined ? '(missing)' : `"${tags[key]}"`}`)
    .join(', ');
  throw new Error(
    `Stack "${stack.StackName}" was not created by pr-env for ${owner.repository}#${owner.pr}: its tags are ${found}. It is left untouched; delete or rename it, or choose another stack-prefix.`,
  );
}
