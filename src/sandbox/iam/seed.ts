import { IAM } from '@aws-sdk/client-iam';
import type { IamSandbox } from './server.js';

export interface DepartingUserSpec {
  accessKeys?: number;
  loginProfile?: boolean;
  virtualMfa?: boolean;
  sshKeys?: number;
  signingCertificates?: number;
  serviceCredentials?: string[];
  groups?: string[];
  managedPolicies?: string[];
  inlinePolicies?: string[];
  permissionsBoundary?: string;
}

/** Everything an employee typically accumulates: one of each credential kind, groups and policies. */
export const FULL_USER: Required<Omit<DepartingUserSpec, 'permissionsBoundary'>> = {
  accessKeys: 2,
  loginProfile: true,
  virtualMfa: true,
  sshKeys: 1,
  signingCertificates: 1,
  serviceCredentials: ['codecommit.amazonaws.com'],
  groups: ['developers', 'oncall', 'deploy'],
  managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'arn:aws:iam::aws:policy/AWSCodeCommitPowerUser'],
  inlinePolicies: ['ci-deploy', 'bucket-access', 'debug-ssm'],
};

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIBsandboxcertificate\n-----END CERTIFICATE-----\n';
const ALLOW_S3 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

/** An IAM client (the real SDK) for the sandbox, signed with the operator's credentials. */
export function sandboxIamClient(sandbox: IamSandbox, credentials = sandbox.operator): IAM {
  return new IAM({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    maxAttempts: 10,
  });
}

/**
 * The AWS settings a revoke run needs to work on the sandbox as its operator. They replace every
 * AWS_* variable of `base`, so a run meant for the sandbox can never reach a real account.
 */
export function sandboxEnvironment(sandbox: IamSandbox, base: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...Object.fromEntries(Object.entries(base).filter(([key]) => !key.startsWith('AWS_'))),
    AWS_ACCESS_KEY_ID: sandbox.operator.accessKeyId,
    AWS_SECRET_ACCESS_KEY: sandbox.operator.secretAccessKey,
    AWS_ENDPOINT_URL_IAM: sandbox.endpoint,
    AWS_ENDPOINT_URL_STS: sandbox.endpoint,
    AWS_ENDPOINT_URL_CLOUDTRAIL: sandbox.endpoint,
    AWS_ENDPOINT_URL_ACCOUNT: sandbox.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Creates a user holding what `spec` says, through the IAM API over HTTP. Groups are created as needed. */
export async function seedUser(iam: IAM, userName: string, spec: DepartingUserSpec = FULL_USER): Promise<void> {
  await iam.createUser({ UserName: userName, ...(spec.permissionsBoundary ? { PermissionsBoundary: spec.permissionsBoundary } : {}) });
  for (let i = 0; i < (spec.accessKeys ?? 0); i++) await iam.createAccessKey({ UserName: userName });
  if (spec.loginProfile) await iam.createLoginProfile({ UserName: userName, Password: 'Sandbox-Passw0rd!' });
  if (spec.virtualMfa) {
    const device = await iam.createVirtualMFADevice({ VirtualMFADeviceName: `${userName}-phone` });
    await iam.enableMFADevice({ UserName: userName, SerialNumber: device.VirtualMFADevice!.SerialNumber!, AuthenticationCode1: '123456', AuthenticationCode2: '654321' });
  }
  for (let i = 0; i < (spec.sshKeys ?? 0); i++) {
    await iam.uploadSSHPublicKey({ UserName: userName, SSHPublicKeyBody: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${i}sandbox ${userName}@laptop` });
  }
  for (let i = 0; i < (spec.signingCertificates ?? 0); i++) await iam.uploadSigningCertificate({ UserName: userName, CertificateBody: CERTIFICATE });
  for (const service of spec.serviceCredentials ?? []) await iam.createServiceSpecificCredential({ UserName: userName, ServiceName: service });
  for (const group of spec.groups ?? []) {
    await iam.createGroup({ GroupName: group }).catch((error: { name?: string }) => {
      if (error.name !== 'EntityAlreadyExistsException') throw error;
    });
    await iam.addUserToGroup({ GroupName: group, UserName: userName });
  }
  for (const arn of spec.managedPolicies ?? []) await iam.attachUserPolicy({ UserName: userName, PolicyArn: arn });
  for (const name of spec.inlinePolicies ?? []) await iam.putUserPolicy({ UserName: userName, PolicyName: name, PolicyDocument: ALLOW_S3 });
}
