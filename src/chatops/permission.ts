/**
 * A collaborator's permission as `GET /repos/{owner}/{repo}/collaborators/{user}/permission`
 * answers it: the legacy `permission` (admin, write, read, none: maintain reads as write, triage
 * as read), the precise `role_name` (which may be a custom role), and `user.permissions`.
 */
export interface PermissionResponse {
  permission?: string;
  role_name?: string;
  user?: { permissions?: { admin?: boolean; maintain?: boolean; push?: boolean } } | null;
}

export interface PermissionVerdict {
  allowed: boolean;
  /** The role to name in a refusal, e.g. `read` or `triage`. */
  role: string;
}

const WRITERS = new Set(['admin', 'maintain', 'write']);

/**
 * Whether a user may run commands: write access or higher. `user.permissions.push` is what a
 * custom role grants, so it decides when present; otherwise the role names do. Never the
 * comment's `author_association`, which says how someone is related to the repository, not what
 * they may do in it. Pure.
 */
export function permissionVerdict(response: PermissionResponse): PermissionVerdict {
  const role = response.role_name || response.permission || 'none';
  const flags = response.user?.permissions;
  if (flags && typeof flags.push === 'boolean') {
    return { allowed: flags.push || !!flags.admin || !!flags.maintain, role };
  }
  return {
    allowed: WRITERS.has(response.role_name ?? '') || WRITERS.has(response.permission ?? ''),
    role,
  };
}
