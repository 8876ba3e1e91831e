import type { EntraKind } from '../kind.js';
import { account } from './account.js';
import { appRoles } from './app-roles.js';
import { authMethods } from './auth-methods.js';
import { consents } from './consents.js';
import { devices } from './devices.js';
import { directoryRoles } from './directory-roles.js';
import { groups } from './groups.js';
import { sessions } from './sessions.js';
import { user } from './user.js';

/** In the order `all` runs them: contain, credentials, access, then the user. */
export const entraKinds: EntraKind[] = [account, sessions, authMethods, groups, directoryRoles, appRoles, consents, devices, user];
