import { toWorkflowRunInfo, type WorkflowRunInfo } from './workflow-run-event.js';

/** A pull request as far as pr-env cares: from the webhook payload or the REST API. */
export interface PullRequestInfo {
  number: number;
  headSha: string;
  /** `owner/repo` of the head; differs from the base for forks. */
  headRepository?: string;
  baseRepository: string;
  state: 'open' | 'closed';
  labels: string[];
  htmlUrl?: string;
}

/** The triggering event, reduced to what the intent decision reads. */
export interface EventInfo {
  name: string;
  action?: string;
  /** `owner/repo` the workflow runs in. */
  repository: string;
  pullRequest?: PullRequestInfo;
  /** The label added or removed, for labeled/unlabeled. */
  label?: string;
  /** The build run that finished, for workflow_run; its PR is looked up into `pullRequest`. */
  workflowRun?: WorkflowRunInfo;
  /** The PR the event is about, for messages: a PR event's, or a PR comment's issue. */
  subject?: { number: number; title?: string; url?: string };
}

type Json = Record<string, unknown>;

const obj = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads a pull request from a webhook payload or an API response (same shape). */
export function toPullRequestInfo(raw: unknown): PullRequestInfo | undefined {
  const pr = obj(raw);
  if (typeof pr.number !== 'number') return undefined;
  const head = obj(pr.head);
  const base = obj(pr.base);
  return {
    number: pr.number,
    headSha: str(head.sha) ?? '',
    headRepository: str(obj(head.repo).full_name),
    baseRepository: str(obj(base.repo).full_name) ?? '',
    state: pr.state === 'closed' ? 'closed' : 'open',
    labels: Array.isArray(pr.labels) ? pr.labels.map((l) => str(obj(l).name) ?? '') : [],
    htmlUrl: str(pr.html_url),
  };
}

export function toEventInfo(name: string, payload: unknown, repository: string): EventInfo {
  const body = obj(payload);
  return {
    name,
    action: str(body.action),
    repository,
    pullRequest: toPullRequestInfo(body.pull_request),
    label: str(obj(body.label).name),
    workflowRun:
      name === 'workflow_run' ? toWorkflowRunInfo(body.workflow_run, repository) : undefined,
    subject: subjectOf(body),
  };
}

function subjectOf(body: Json): EventInfo['subject'] {
  const pr = obj(body.pull_request);
  const issue = obj(body.issue);
  const source = typeof pr.number === 'number' ? pr : issue.pull_request ? issue : undefined;
  if (!source || typeof source.number !== 'number') return undefined;
  return { number: source.number, title: str(source.title), url: str(source.html_url) };
}

/**
 * A PR whose head lives in another repository: its code is a stranger's. A head repository that
 * is gone (a deleted fork) counts as a fork too: what cannot be checked is not trusted.
 */
export function isFork(pr: PullRequestInfo): boolean {
  return pr.headRepository !== pr.baseRepository;
}
