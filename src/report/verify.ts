import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { InvalidInputError } from '../errors.js';
import { dirname, join } from 'node:path';
import { IN_TOTO_PAYLOAD_TYPE, pae, PLAN_PAYLOAD_TYPE, type DsseEnvelope } from './dsse.js';
import { readJournal, sha256Hex } from './journal.js';
import { algorithmOf, keyIdOf } from './signer.js';
import { drillVerdict } from './render-drill.js';
import { AUDIT_PREDICATE_TYPE, DRILL_PREDICATE_TYPE, PREDICATE_TYPE, SECRET_PREDICATE_TYPE, STATEMENT_TYPE, WATCH_PREDICATE_TYPE, type Statement } from './statement.js';
import { RESTORE_PREDICATE_TYPE } from '../restore/predicate.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verification {
  valid: boolean;
  checks: Check[];
  statement?: Statement;
}

export interface EnvelopeVerification {
  valid: boolean;
  checks: Check[];
  /** The signed payload bytes, only when every check passed. */
  payload?: Buffer;
}

/**
 * The one DSSE verifier, for run/audit/watch reports and plans alike: the file is a JSON DSSE
 * envelope of `payloadType` with exactly its three fields, the key is a PEM public key revoke
 * uses, the payload and signature are canonical standard base64, and a signature naming this
 * key's keyid (and carrying nothing else) verifies over the PAE. Never throws.
 */
const parsedKeys = new Map<string, KeyObject>();
/** The key a PEM holds, parsed once per process: one key often verifies many files (watch reads every restore report beside the original). */
function publicKeyOf(pem: string): KeyObject {
  let key = parsedKeys.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    if (parsedKeys.size >= 16) parsedKeys.clear();
    parsedKeys.set(pem, key);
  }
  return key;
}

export function verifyEnvelope(path: string, publicKeyPem: string, payloadType: string): EnvelopeVerification {
  const checks: Check[] = [];
  const done = (payload?: Buffer): EnvelopeVerification => ({ valid: checks.every((c) => c.ok), checks, ...(payload && checks.every((c) => c.ok) ? { payload } : {}) });
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    return ok;
  };

  let envelope: DsseEnvelope;
  try {
    envelope = JSON.parse(readFileSync(path, 'utf8')) as DsseEnvelope;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    check('envelope', false, code ? `cannot read ${path}: ${code}` : `not a JSON DSSE envelope: ${(error as Error).message}`);
    return done();
  }
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    check('envelope', false, 'not a JSON DSSE envelope: not an object');
    return done();
  }
  if (!check('envelope', envelope.payloadType === payloadType && typeof envelope.payload === 'string' && Array.isArray(envelope.signatures), `payloadType ${String(envelope.payloadType)}${envelope.payloadType === payloadType ? '' : `, expected ${payloadType}`}`)) return done();
  const extraKeys = Object.keys(envelope).filter((k) => !['payloadType', 'payload', 'signatures'].includes(k));
  if (!check('envelope fields', extraKeys.length === 0, extraKeys.length === 0 ? 'payloadType, payload, signatures' : `unexpected ${extraKeys.join(', ')}`)) return done();

  let key: KeyObject;
  try {
    key = publicKeyOf(publicKeyPem);
  } catch {
    check('public key', false, 'not a PEM public key');
    return done();
  }
  const algorithm = algorithmOf(key);
  if (!check('public key', algorithm !== undefined, algorithm ? `${algorithm}, keyid ${keyIdOf(key).slice(0, 16)}…` : `${key.asymmetricKeyType} keys are not used by revoke`)) return done();

  const payload = strictBase64(envelope.payload);
  if (!payload) {
    check('signature', false, 'payload is not canonical standard base64');
    return done();
  }
  const message = pae(envelope.payloadType, payload);
  const keyid = keyIdOf(key);
  // Strict on purpose: the signature must name this key, and carry nothing else.
  const valid = envelope.signatures.some((s) => {
    if (typeof s !== 'object' || s === null || Object.keys(s).some((k) => k !== 'keyid' && k !== 'sig') || s.keyid !== keyid) return false;
    const sig = strictBase64(s.sig);
    if (!sig) return false;
    try {
      return algorithm === 'ed25519' ? verify(null, message, key, sig) : verify('sha256', message, { key, dsaEncoding: 'der' }, sig);
    } catch {
      return false;
    }
  });
  check('signature', valid, valid ? `valid ${algorithm} signature over the DSSE PAE by keyid ${keyid.slice(0, 16)}…` : 'no signature in the envelope is by this key and verifies');
  return done(payload);
}

/** A public key file for --key: unreadable or not a PEM public key is bad input (exit 2), never a crash. */
export function readPublicKeyFile(path: string, whose: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`cannot read public key ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, `pass the public key of ${whose}`);
  }
  try {
    createPublicKey(pem);
  } catch {
    throw new InvalidInputError(`${path} is not a PEM public key`, `pass the public key (.pub.pem) of ${whose}, not a private key or a certificate`);
  }
  return pem;
}

/**
 * Checks a report the way a third party would: the envelope (verifyEnvelope), the statement
 * and predicate types, each subject journal's sha256, and each journal's hash chain.
 */
export function verifyReport(reportPath: string, publicKeyPem: string, journalDir = dirname(reportPath)): Verification {
  const envelope = verifyEnvelope(reportPath, publicKeyPem, IN_TOTO_PAYLOAD_TYPE);
  const checks: Check[] = [...envelope.checks];
  const done = (statement?: Statement): Verification => ({ valid: checks.every((c) => c.ok), checks, ...(statement ? { statement } : {}) });
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    return ok;
  };
  const payload = envelope.payload;
  if (!payload) return done();

  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    check('statement', false, 'payload is not JSON');
    return done();
  }
  check('statement', statement._type === STATEMENT_TYPE && [PREDICATE_TYPE, AUDIT_PREDICATE_TYPE, WATCH_PREDICATE_TYPE, RESTORE_PREDICATE_TYPE, SECRET_PREDICATE_TYPE, DRILL_PREDICATE_TYPE].includes(statement.predicateType as string), `${statement._type}, predicate ${statement.predicateType}`);

  for (const subject of statement.subject ?? []) {
    const path = join(journalDir, subject.name);
    if (!check(`journal ${subject.name}`, existsSync(path), existsSync(path) ? path : `not found next to the report (${path})`)) continue;
    const bytes = readFileSync(path);
    const digest = sha256Hex(bytes);
    if (!check(`journal ${subject.name} sha256`, digest === subject.digest?.sha256, digest === subject.digest?.sha256 ? digest : `is ${digest}, the report says ${subject.digest?.sha256}`)) continue;
    const reading = readJournal(path);
    const chainDetail = reading.broken
      ? `breaks at record ${reading.broken.line}: ${reading.broken.reason}`
      : `${reading.records.length} records chained from the first${reading.tornTail ? ' (a torn last line, as a crash leaves, is ignored)' : ''}`;
    check(`journal ${subject.name} chain`, !reading.broken, chainDetail);
  }
  const runStarted = readJournalIfPresent(journalDir, statement.subject?.[0]?.name)?.records[0];
  if (runStarted) {
    const journalRun = (runStarted as { runId?: string }).runId;
    check('run id', journalRun !== undefined && journalRun === statement.predicate?.runId, `journal run ${journalRun ?? '?'}, report run ${statement.predicate?.runId}`);
  }
  return done(statement);
}

/** Decodes standard padded base64 only if it is the one canonical encoding of its bytes. */
function strictBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function readJournalIfPresent(dir: string, name: string | undefined) {
  if (!name) return undefined;
  const path = join(dir, name);
  return existsSync(path) ? readJournal(path) : undefined;
}

/**
 * `revoke verify` on any file revoke signs: a plan is checked as a plan envelope, everything
 * else as a report (run, audit or watch statement with its journals).
 */
export function verifySignedFile(path: string, publicKeyPem: string, journalDir?: string): Verification & { plan?: PlanSummary } {
  if (payloadTypeOf(path) !== PLAN_PAYLOAD_TYPE) return verifyReport(path, publicKeyPem, journalDir);
  const envelope = verifyEnvelope(path, publicKeyPem, PLAN_PAYLOAD_TYPE);
  const checks = [...envelope.checks];
  if (!envelope.payload) return { valid: false, checks };
  let plan: PlanSummary | undefined;
  try {
    plan = JSON.parse(envelope.payload.toString('utf8')) as PlanSummary;
  } catch {
    // reported below
  }
  const ok = plan?.planVersion === 1 && Array.isArray(plan.steps);
  checks.push({ name: 'plan', ok, detail: ok ? `version 1, ${plan!.steps.length} steps` : 'payload is not a version 1 revoke plan' });
  return { valid: checks.every((c) => c.ok), checks, ...(ok ? { plan: plan! } : {}) };
}

/** The parts of a saved plan `revoke verify` names (the full type lives in src/plan). */
interface PlanSummary {
  planVersion: number;
  user: string;
  createdAt: string;
  expiresAt?: string;
  runbook: { name: string };
  actors?: Array<{ provider: string; actor: string }>;
  steps: Array<{ findings: unknown[] }>;
}

/** One line saying what was verified, worded for its predicate type (or plan). */
export function describeVerified(result: Verification & { plan?: PlanSummary }, now = new Date()): string {
  if (result.plan) {
    const p = result.plan;
    const findings = p.steps.reduce((n, s) => n + s.findings.length, 0);
    const expired = p.expiresAt !== undefined && new Date(p.expiresAt) <= now;
    const against = (p.actors ?? []).map((a) => `${a.provider}: ${a.actor}`).join('; ') || 'no recorded systems';
    return `plan for ${p.user} with runbook ${p.runbook.name} (${findings} finding${findings === 1 ? '' : 's'} in ${p.steps.length} step${p.steps.length === 1 ? '' : 's'}), made ${p.createdAt} against ${against}; ${p.expiresAt ? `${expired ? 'expired' : 'expires'} ${p.expiresAt}` : 'no expiry recorded (apply refuses it)'}`;
  }
  const statement = result.statement;
  if (!statement) return 'nothing';
  const predicate = statement.predicate as unknown as Record<string, any>;
  const incomplete = predicate.complete === false ? ', incomplete' : '';
  switch (statement.predicateType as string) {
    case AUDIT_PREDICATE_TYPE: {
      const summary = predicate.summary ?? {};
      return `audit of ${summary.users} user${summary.users === 1 ? '' : 's'} from ${predicate.input?.source ?? '?'} with runbook ${predicate.runbook?.name ?? '?'}: ${summary.withAccess} with access, ${summary.failed} not fully checked (exit ${predicate.exitCode}${incomplete})`;
    }
    case WATCH_PREDICATE_TYPE: {
      const events = Array.isArray(predicate.events) ? predicate.events.length : 0;
      const skipped = Array.isArray(predicate.skipped) ? predicate.skipped.length : 0;
      return `watch of run ${predicate.watched?.runId ?? '?'} for ${predicate.user} since ${predicate.since}${predicate.until ? ` until ${predicate.until}` : ''}: ${events} event${events === 1 ? '' : 's'}, ${skipped} not checked (exit ${predicate.exitCode}${incomplete})`;
    }
    case DRILL_PREDICATE_TYPE: {
      const credentials = Array.isArray(predicate.credentials) ? predicate.credentials.length : 0;
      return `drill with canary ${predicate.canary} and runbook ${predicate.runbook?.name ?? '?'}: ${credentials} credential${credentials === 1 ? '' : 's'} probed; ${drillVerdict(predicate)} (exit ${predicate.exitCode})`;
    }
    case RESTORE_PREDICATE_TYPE: {
      const totals = predicate.totals ?? {};
      const restored = (totals.restored ?? 0) + (totals['already-restored'] ?? 0);
      return `restore of run ${predicate.restored?.runId ?? '?'} (report sha256 ${String(predicate.restored?.sha256 ?? '?').slice(0, 12)}…) for ${predicate.user} (${predicate.dryRun ? 'dry run' : 'real run'}): ${restored} restored, ${totals.invited ?? 0} invited, ${totals.conflict ?? 0} conflicts, ${totals['not-restorable'] ?? 0} not restorable (exit ${predicate.exitCode}${incomplete})`;
    }
    case SECRET_PREDICATE_TYPE: {
      const t = predicate.totals ?? {};
      return `secret run ${predicate.runId} on ${predicate.input?.secrets ?? '?'} secret(s) from ${predicate.input?.source ?? '?'} (${predicate.dryRun ? 'dry run' : 'real run'}): ${t.revoked ?? 0} revoked, ${t['already-gone'] ?? 0} already gone, ${(t.failed ?? 0) + (t.refused ?? 0) + (t['not-revoked'] ?? 0)} not revoked (exit ${predicate.exitCode}${incomplete})`;
    }
    default:
      return `run ${predicate.runId} for ${predicate.user} (${predicate.dryRun ? 'dry run' : 'real run'}, ${predicate.status}${incomplete})`;
  }
}

/** The payloadType a file claims, if it is a JSON object with one (to pick the checks). */
function payloadTypeOf(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { payloadType?: unknown })?.payloadType;
  } catch {
    return undefined;
  }
}
