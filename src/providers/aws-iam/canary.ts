import { IAM } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { Secret, TOTP } from 'otpauth';
import { InvalidInputError } from '../../errors.js';
import { removeWithKinds } from '../canary-removal.js';
import type { Canary, CanaryCredential, CanaryRequest, CleanupLeftover } from '../drill-hooks.js';
import { DEFAULT_RECENT_MS } from '../types.js';
import { awsErrorCode, awsErrorText, isNoSuchEntity, unlessGone } from './aws-errors.js';
import { awsEndpoints } from './client.js';
import type { AwsIamConfig } from './config.js';
import type { IamContext, IamRequest } from './kind.js';
import { iamKinds } from './kinds/index.js';

/**
 * How a drill marks what it creates: the IAM path. A user (or virtual MFA device) under this path
 * was made by `revoke drill`; anything else with the canary's name is someone's and is refused.
 */
export const CANARY_PATH = '/revoke-drill/';
/** The canary's only permission: reading itself, which is what the probes do (an explicit Deny stops it). */
const PROBE_POLICY = 'revoke-drill-probe';
/** New keys and MFA devices take a while to work in AWS (eventual consistency): retry this long. */
const READY_WITHIN_MS = 90_000;

/** What the aws-iam probe needs: an IAM client signed with the canary's credential, and its user name. */
export interface IamProbeSecret {
  iam: IAM;
  user: string;
}

/**
 * The canary on AWS IAM: a user under /revoke-drill/ allowed to read itself, an access key, a
 * virtual MFA device, and a GetSessionToken session made with that MFA (without MFA, such a
 * session may not call IAM at all, so it could not be probed there).
 */
export async function createIamCanary(context: IamContext, request: CanaryRequest): Promise<Canary> {
  const { iam } = context;
  const { user, signal } = request;
  const { region, endpoint, stsEndpoint } = awsEndpoints(request.config as AwsIamConfig, request.env);
  await refuseOrRemoveExisting(context, user);
  const mfaSerial = { value: undefined as string | undefined };
  const cleanup = () => removeIamCanary(context, user, mfaSerial.value);
  try {
    const created = await iam.createUser({ UserName: user, Path: CANARY_PATH }, { abortSignal: signal });
    const arn = created.User!.Arn!;
    await iam.putUserPolicy({ UserName: user, PolicyName: PROBE_POLICY, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: arn }] }) }, { abortSignal: signal });
    const { AccessKey: key } = await iam.createAccessKey({ UserName: user }, { abortSignal: signal });
    const keyCredentials = { accessKeyId: key!.AccessKeyId!, secretAccessKey: key!.SecretAccessKey! };
    const device = await createMfaDevice(iam, user, signal);
    mfaSerial.value = device.serial;
    const first = device.totp.generate({ timestamp: Date.now() - 30_000 });
    const second = device.totp.generate();
    await iam.enableMFADevice({ UserName: user, SerialNumber: device.serial, AuthenticationCode1: first, AuthenticationCode2: second }, { abortSignal: signal });

    const sts = new STSClient({ region, maxAttempts: 1, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}), credentials: keyCredentials });
    // A new key takes a while to work in AWS. AWS refuses a code it has already seen, and accepts
    // the next period's code (it allows for clock drift): that one is not used yet.
    const session = await untilReady(signal, async () => {
      const token = device.totp.generate({ timestamp: Date.now() + 30_000 });
      return (await sts.send(new GetSessionTokenCommand({ SerialNumber: device.serial, TokenCode: token, DurationSeconds: 3600 }), { abortSignal: signal })).Credentials!;
    });
    const probeClient = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) =>
      new IAM({ region, maxAttempts: 1, ...(endpoint ? { endpoint } : {}), credentials });
    const keyId = keyCredentials.accessKeyId;
    const credentials: CanaryCredential[] = [
      { name: 'access-key', label: `access key ${keyId}`, secret: { iam: probeClient(keyCredentials), user } satisfies IamProbeSecret },
      {
        name: 'session',
        label: `GetSessionToken session (MFA) of access key ${keyId}`,
        secret: { iam: probeClient({ accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! }), user } satisfies IamProbeSecret,
      },
    ];
    return { identity: arn, credentials, createdByDrill: true, cleanup };
  } catch (error) {
    await cleanup();
    throw new Error(`creating the canary IAM user ${user}: ${awsErrorText(error)}`);
  }
}

/** An existing user of that name is refused, unless it lives under the drill's path: then it is a leftover, removed first. */
async function refuseOrRemoveExisting(context: IamContext, user: string): Promise<void> {
  let path: string | undefined;
  try {
    path = (await context.iam.getUser({ UserName: user })).User?.Path;
  } catch (error) {
    if (isNoSuchEntity(error)) return;
    throw error;
  }
  if (path !== CANARY_PATH) {
    throw new InvalidInputError(
      `IAM user ${user} already exists and was not made by revoke drill (its path is ${path ?? '/'}, not ${CANARY_PATH}); nothing was changed`,
      'pick a --canary name that does not exist: the drill creates the canary itself and deletes it afterwards',
    );
  }
  const { leftovers } = await removeIamCanary(context, user, undefined);
  if (leftovers.length > 0) throw new Error(`could not remove the previous drill's canary ${user}: ${leftovers.map((l) => l.what).join(', ')}`);
}

async function createMfaDevice(iam: IAM, user: string, signal: AbortSignal): Promise<{ serial: string; totp: TOTP }> {
  const create = () => iam.createVirtualMFADevice({ VirtualMFADeviceName: user, Path: CANARY_PATH }, { abortSignal: signal });
  let created;
  try {
    created = await create();
  } catch (error) {
    if (awsErrorCode(error) !== 'EntityAlreadyExists') throw error;
    // An earlier drill's device, left unattached: its name is ours (same path).
    const serial = (await iam.listVirtualMFADevices({ AssignmentStatus: 'Unassigned' })).VirtualMFADevices?.find((d) => d.SerialNumber?.endsWith(`:mfa${CANARY_PATH}${user}`))?.SerialNumber;
    if (serial) await unlessGone(() => iam.deleteVirtualMFADevice({ SerialNumber: serial }));
    created = await create();
  }
  const seed = Buffer.from(created.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
  return { serial: created.VirtualMFADevice!.SerialNumber!, totp: new TOTP({ secret: Secret.fromBase32(seed), digits: 6, period: 30 }) };
}

/** Retries what a just-made key or MFA code needs time for (InvalidClientTokenId, AccessDenied), up to READY_WITHIN_MS. */
async function untilReady<T>(signal: AbortSignal, attempt: () => Promise<T>): Promise<T> {
  const until = Date.now() + READY_WITHIN_MS;
  for (let wait = 100; ; wait = Math.min(wait * 1.5, 3000)) {
    try {
      return await attempt();
    } catch (error) {
      const code = awsErrorCode(error);
      if ((code !== 'InvalidClientTokenId' && code !== 'AccessDenied') || Date.now() + wait > until || signal.aborted) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/**
 * Removes the canary with the provider's own kinds in delete mode (credentials, MFA, policies,
 * then the user), plus an unattached virtual MFA device. Never throws.
 */
export async function removeIamCanary(context: IamContext, user: string, mfaSerial: string | undefined): Promise<{ removed: string[]; leftovers: CleanupLeftover[] }> {
  const removed: string[] = [];
  const request: IamRequest = { user, mode: 'delete', roles: [], recentMs: DEFAULT_RECENT_MS };
  let problem: string | undefined;
  try {
    // Twice at most: the first pass's deny-all (contain phase) is itself removed with the user.
    for (let round = 0; round < 2 && (await userExists(context, user)); round++) {
      removed.push(...(await removeWithKinds(iamKinds.filter((k) => k.name !== 'sessions'), context, request)));
    }
  } catch (error) {
    problem = awsErrorText(error);
  }
  const leftovers: CleanupLeftover[] = [];
  if (mfaSerial) {
    try {
      if ((await unlessGone(() => context.iam.deleteVirtualMFADevice({ SerialNumber: mfaSerial }))) === 'done') removed.push(`virtual MFA device ${mfaSerial}`);
    } catch (error) {
      leftovers.push({ what: `virtual MFA device ${mfaSerial} (${awsErrorText(error)})`, command: `aws iam deactivate-mfa-device --user-name ${user} --serial-number ${mfaSerial}; aws iam delete-virtual-mfa-device --serial-number ${mfaSerial}` });
    }
  }
  if (await userExists(context, user).catch(() => true)) {
    leftovers.push({
      what: `IAM user ${user}${problem ? ` (${problem})` : ''}`,
      command: `revoke user ${user} -r <a runbook with an aws-iam step in mode: delete, revoke: [all]> --yes   # or: aws iam delete-user --user-name ${user}, after removing its keys, MFA devices and policies`,
    });
  }
  return { removed, leftovers };
}

async function userExists(context: IamContext, user: string): Promise<boolean> {
  try {
    await context.iam.getUser({ UserName: user });
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw error;
  }
}
