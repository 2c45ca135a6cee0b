import { withContext } from '../errors.js';
import type { PermissionResponse } from '../chatops/permission.js';
import type { Octokit, Repo } from './client.js';

/**
 * A user's permission on the repository, from the API. A user GitHub does not know as a
 * collaborator (404) has none; any other failure is an error: a command is never run on a guess.
 */
export async function getPermission(
  octokit: Octokit,
  repo: Repo,
  user: string,
): Promise<PermissionResponse> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      ...repo,
      username: user,
    });
    return data;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { permission: 'none' };
    throw withContext(
      `Could not read the permission of @${user} on ${repo.owner}/${repo.repo}`,
      error,
    );
  }
}
