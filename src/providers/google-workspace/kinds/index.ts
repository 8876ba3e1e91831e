import type { GoogleKind } from '../kind.js';
import { adminRoles } from './admin-roles.js';
import { appPasswords } from './app-passwords.js';
import { backupCodes } from './backup-codes.js';
import { dataTransfer } from './data-transfer.js';
import { groups } from './groups.js';
import { mobileDevices } from './mobile-devices.js';
import { oauthTokens } from './oauth-tokens.js';
import { password } from './password.js';
import { sessions } from './sessions.js';
import { suspend } from './suspend.js';
import { user } from './user.js';

/** In the order `all` lists them; findings run by phase (see Phase in kind.ts). */
export const googleKinds: GoogleKind[] = [sessions, oauthTokens, appPasswords, backupCodes, password, mobileDevices, groups, adminRoles, dataTransfer, suspend, user];
