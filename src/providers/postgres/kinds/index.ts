import type { PostgresKind } from '../kind.js';
import { login } from './login.js';
import { memberships } from './memberships.js';
import { password } from './password.js';
import { role } from './role.js';
import { sessions } from './sessions.js';

/** In the order `all` runs them: NOLOGIN, sessions, password and memberships, the role. */
export const postgresKinds: PostgresKind[] = [login, sessions, password, memberships, role];
