/** Collaborator permission, with GitHub's legacy `permission` next to the precise `role_name`. */
import type { Router } from '../http.js';
import { userJson } from '../shapes.js';
import type { Permission } from '../store.js';
import { userFor } from '../store.js';
import { reply } from './pulls.js';

/** `permission` keeps the legacy base roles: maintain reads as write, triage as read. */
const LEGACY: Record<Permission, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

const RANK: Permission[] = ['none', 'read', 'triage', 'write', 'maintain', 'admin'];

export function collaboratorRoutes(r: Router): void {
  r.on('GET', '/repos/:owner/:repo/collaborators/:user/permission', ({ params, store, urls }) => {
    const p = store.permission(params.owner!, params.repo!, params.user!);
    const rank = RANK.indexOf(p);
    const permissions = {
      admin: rank >= 5,
      maintain: rank >= 4,
      push: rank >= 3,
      triage: rank >= 2,
      pull: rank >= 1,
    };
    return reply({
      permission: LEGACY[p],
      role_name: p,
      user: { ...userJson(userFor(params.user!), urls), permissions, role_name: p },
    });
  });
}
