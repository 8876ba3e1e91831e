import { createHash } from 'node:crypto';

/** What the sandbox keeps of a console password: its hash, never the password. */
export const passwordHash = (password: string): string => createHash('sha256').update(password).digest('hex');
