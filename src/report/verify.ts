import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { IN_TOTO_PAYLOAD_TYPE, pae, type DsseEnvelope } from './dsse.js';
import { readJournal, sha256Hex } from './journal.js';
import { algorithmOf, keyIdOf } from './signer.js';
import { AUDIT_PREDICATE_TYPE, PREDICATE_TYPE, STATEMENT_TYPE, WATCH_PREDICATE_TYPE, type Statement } from './statement.js';

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

/**
 * Checks a report the way a third party would: the DSSE signature over the PAE, the statement
 * and predicate types, each subject journal's sha256, and each journal's hash chain.
 */
export function verifyReport(reportPath: string, publicKeyPem: string, journalDir = dirname(reportPath)): Verification {
  const checks: Check[] = [];
  const done = (statement?: Statement): Verification => ({ valid: checks.every((c) => c.ok), checks, ...(statement ? { statement } : {}) });
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    return ok;
  };

  let envelope: DsseEnvelope;
  try {
    envelope = JSON.parse(readFileSync(reportPath, 'utf8')) as DsseEnvelope;
  } catch (error) {
    check('envelope', false, `not a JSON DSSE envelope: ${(error as Error).message}`);
    return done();
  }
  if (!check('envelope', envelope.payloadType === IN_TOTO_PAYLOAD_TYPE && typeof envelope.payload === 'string' && Array.isArray(envelope.signatures), `payloadType ${envelope.payloadType}`)) return done();

  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
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
  const extraKeys = Object.keys(envelope).filter((k) => !['payloadType', 'payload', 'signatures'].includes(k));
  if (!check('envelope fields', extraKeys.length === 0, extraKeys.length === 0 ? 'payloadType, payload, signatures' : `unexpected ${extraKeys.join(', ')}`)) return done();
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
  if (!check('signature', valid, valid ? `valid ${algorithm} signature over the DSSE PAE by keyid ${keyid.slice(0, 16)}…` : 'no signature in the envelope is by this key and verifies')) return done();

  let statement: Statement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as Statement;
  } catch {
    check('statement', false, 'payload is not JSON');
    return done();
  }
  check('statement', statement._type === STATEMENT_TYPE && [PREDICATE_TYPE, AUDIT_PREDICATE_TYPE, WATCH_PREDICATE_TYPE].includes(statement.predicateType as string), `${statement._type}, predicate ${statement.predicateType}`);

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
