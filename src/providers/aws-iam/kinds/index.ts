import type { IamKind } from '../kind.js';
import { accessKeys } from './access-keys.js';
import { groups } from './groups.js';
import { inlinePolicies } from './inline-policies.js';
import { loginProfile } from './login-profile.js';
import { managedPolicies } from './managed-policies.js';
import { mfaDevices } from './mfa-devices.js';
import { serviceCredentials } from './service-credentials.js';
import { sessions } from './sessions.js';
import { signingCertificates } from './signing-certificates.js';
import { sshKeys } from './ssh-keys.js';
import { user } from './user.js';

/** Every kind, in the order `all` runs them (the phases inside each order the calls). */
export const iamKinds: IamKind[] = [
  sessions,
  accessKeys,
  loginProfile,
  mfaDevices,
  sshKeys,
  signingCertificates,
  serviceCredentials,
  inlinePolicies,
  managedPolicies,
  groups,
  user,
];
