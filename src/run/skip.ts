import type { Intent } from '../intent.js';

/** What the PR comment says when nothing was deployed, and how to deploy anyway. Pure. */
export function skipNote(intent: Extract<Intent, { kind: 'skip' }>): string | undefined {
  const pr = intent.prNumber;
  switch (intent.because) {
    case 'fork':
      return [
        `${intent.reason}. Environments are not deployed automatically for forks: the workflow runs with AWS credentials, and the PR's code is not reviewed yet.`,
        '',
        `A maintainer can deploy it after reviewing the change: **Actions → pr-env → Run workflow**, with \`pr-number: ${pr}\` (workflow_dispatch).`,
      ].join('\n');
    case 'label':
      return `${intent.reason}. Add the label to deploy an environment; removing it destroys the environment.`;
    case 'build':
      return `${intent.reason}${intent.runUrl ? ` ([the run](${intent.runUrl}))` : ''}: the build did not succeed, so the environment was not updated${pr !== undefined ? ' and still runs the build deployed before' : ''}. A push that fixes the build deploys again.`;
    case 'event':
      return undefined;
  }
}
