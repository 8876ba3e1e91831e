import type { OktaKind } from '../kind.js';
import { adminRoles } from './admin-roles.js';
import { apiTokens } from './api-tokens.js';
import { appAssignments } from './app-assignments.js';
import { factors } from './factors.js';
import { grants } from './grants.js';
import { groups } from './groups.js';
import { sessions } from './sessions.js';
import { suspend } from './suspend.js';
import { user } from './user.js';

/** In canonical order: `all` expands to these. Credentials first, the account last. */
export const oktaKinds: OktaKind[] = [sessions, grants, apiTokens, factors, groups, adminRoles, appAssignments, suspend, user];
