import type { GitHubKind } from '../kind.js';
import { codespaces } from './codespaces.js';
import { copilotSeat } from './copilot-seat.js';
import { invitations } from './invitations.js';
import { orgMembership } from './org-membership.js';
import { outsideCollaborator } from './outside-collaborator.js';
import { patGrants } from './pat-grants.js';
import { repoCollaborator } from './repo-collaborator.js';
import { ssoAuthorizations } from './sso-authorizations.js';

/** In the order `all` runs them: credentials, then access, then membership. */
export const githubKinds: GitHubKind[] = [ssoAuthorizations, patGrants, codespaces, copilotSeat, invitations, outsideCollaborator, repoCollaborator, orgMembership];
