import { fingerprintOf, type Fingerprint } from './fingerprint.js';
import type { LeakedSecret } from './input.js';

/**
 * The secret types revoke knows, each from its vendor's documented format. Anything else is
 * `unrecognised`: reported, never guessed at.
 */
export type SecretType =
  | 'github-token'
  | 'github-installation-token'
  | 'aws-access-key'
  | 'aws-temporary-credentials'
  | 'postgres-url'
  | 'slack-token'
  | 'unrecognised';

export type Classified =
  | { type: 'github-token'; kind: string; token: string }
  | { type: 'github-installation-token'; token: string }
  | { type: 'aws-access-key'; accessKeyId: string; secretAccessKey?: string }
  | { type: 'aws-temporary-credentials'; accessKeyId: string; secretAccessKey?: string; sessionToken?: string }
  | { type: 'postgres-url'; host: string; port: number; database: string; role: string; password: string }
  | { type: 'slack-token'; kind: string; token: string }
  | { type: 'unrecognised'; why: string };

export type ClassifiedSecret = LeakedSecret & { classified: Classified; fingerprint: Fingerprint };

// GitHub: "ghp_" + 36 base62 characters today, length may grow (GitHub documents up to 255).
const GITHUB_KINDS: Record<string, string> = { ghp: 'personal access token (classic)', gho: 'OAuth app token', ghu: 'GitHub App user-to-server token', ghr: 'GitHub App refresh token' };
const GITHUB_TOKEN = /^(ghp|gho|ghu|ghr|ghs)_[A-Za-z0-9]{36,251}$/;
const GITHUB_FINE_GRAINED = /^github_pat_[A-Za-z0-9_]{22,244}$/;
// AWS: access key ids are AKIA (long-term) or ASIA (temporary) + 16 upper-case alphanumerics.
const AWS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
const AWS_SECRET_PART = /^[A-Za-z0-9/+=_-]{16,}$/;
// Slack: xoxb- bot, xoxp- user, xoxa- workspace app tokens.
const SLACK_TOKEN = /^xox([bpa])-[A-Za-z0-9-]{10,}$/;
const SLACK_KINDS: Record<string, string> = { b: 'bot token', p: 'user token', a: 'workspace app token' };

/** Classifies one leaked secret; never throws, never guesses. */
export function classify(secret: LeakedSecret): ClassifiedSecret {
  const classified = classifyValue(secret.value);
  return { ...secret, classified, fingerprint: fingerprintOf(classified.type, secret.value) };
}

export function classifyValue(value: string): Classified {
  const github = GITHUB_TOKEN.exec(value);
  if (github) return github[1] === 'ghs' ? { type: 'github-installation-token', token: value } : { type: 'github-token', kind: GITHUB_KINDS[github[1]!]!, token: value };
  if (GITHUB_FINE_GRAINED.test(value)) return { type: 'github-token', kind: 'fine-grained personal access token', token: value };
  const slack = SLACK_TOKEN.exec(value);
  if (slack) return { type: 'slack-token', kind: SLACK_KINDS[slack[1]!]!, token: value };
  if (/^postgres(ql)?:\/\//.test(value)) return postgresUrl(value);
  const aws = awsCredentials(value);
  if (aws) return aws;
  return { type: 'unrecognised', why: 'matches no documented format revoke knows (GitHub, AWS, PostgreSQL URL, Slack)' };
}

/** "AKIA… secret" or "ASIA… secret session-token", separated by spaces, commas, colons or tabs. */
function awsCredentials(value: string): Classified | undefined {
  const [id, secret, token, ...rest] = value.split(/[\s,:;|]+/).filter(Boolean);
  if (!id || !AWS_KEY_ID.test(id) || rest.length > 0) return undefined;
  if (secret !== undefined && !AWS_SECRET_PART.test(secret)) return undefined;
  if (token !== undefined && !AWS_SECRET_PART.test(token)) return undefined;
  if (id.startsWith('AKIA')) return token === undefined ? { type: 'aws-access-key', accessKeyId: id, ...(secret ? { secretAccessKey: secret } : {}) } : undefined;
  return { type: 'aws-temporary-credentials', accessKeyId: id, ...(secret ? { secretAccessKey: secret } : {}), ...(token ? { sessionToken: token } : {}) };
}

function postgresUrl(value: string): Classified {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { type: 'unrecognised', why: 'starts like a PostgreSQL URL but is not a valid URL' };
  }
  const password = decodeURIComponent(url.password);
  if (!password) return { type: 'unrecognised', why: 'a PostgreSQL URL without a password: nothing secret to revoke' };
  const role = decodeURIComponent(url.username);
  if (!role) return { type: 'unrecognised', why: 'a PostgreSQL URL without a user name' };
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || role;
  return { type: 'postgres-url', host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : 5432, database, role, password };
}
