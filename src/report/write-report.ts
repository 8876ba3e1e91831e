import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RunRecord } from '../engine/record.js';
import { IN_TOTO_PAYLOAD_TYPE, pae, type DsseEnvelope } from './dsse.js';
import { readJournal } from './journal.js';
import type { Signer } from './signer.js';
import { buildStatement, STATEMENT_TYPE, type JournalSubject, type ReportPredicate } from './statement.js';
import { TOOL_NAME, toolVersion } from '../version.js';

export interface WrittenReport {
  path: string;
  journal: string;
  keyid: string;
}

/**
 * Signs the run's record and writes `<dir>/<run-id>.intoto.json`: an in-toto Statement in a
 * DSSE envelope whose subject is the journal's sha256 (and the resumed journal's, if any).
 */
export async function writeReport(options: {
  dir: string;
  record: RunRecord;
  journalPath: string;
  signer: Signer;
  resumedFrom?: ReportPredicate['resumedFrom'] & { path: string };
}): Promise<WrittenReport> {
  const { dir, record, journalPath, signer } = options;
  const subjects: JournalSubject[] = [{ name: basename(journalPath), digest: { sha256: readJournal(journalPath).sha256 } }];
  let resumedFrom: ReportPredicate['resumedFrom'];
  if (options.resumedFrom) {
    const { path, ...rest } = options.resumedFrom;
    resumedFrom = rest;
    subjects.push({ name: basename(path), digest: { sha256: rest.sha256 } });
  }
  const path = join(dir, `${record.runId}.intoto.json`);
  writeEnvelope(path, await signPayload(buildStatement(record, subjects, resumedFrom), signer));
  return { path, journal: journalPath, keyid: signer.keyid };
}

/** Wraps a JSON payload in a DSSE envelope signed over its PAE. */
export async function signPayload(payloadObject: unknown, signer: Signer, payloadType = IN_TOTO_PAYLOAD_TYPE): Promise<DsseEnvelope> {
  const payload = Buffer.from(JSON.stringify(payloadObject), 'utf8');
  const signature = await signer.sign(pae(payloadType, payload));
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid: signer.keyid, sig: signature.toString('base64') }] };
}

/**
 * Writes an envelope atomically (a crash leaves the old file or the new one, never half). The
 * temporary file has a random name and is created exclusively (O_EXCL), so a file or symlink
 * planted next to the report cannot redirect the write.
 */
export function writeEnvelope(path: string, envelope: DsseEnvelope): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(12).toString('hex')}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(envelope, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Signs and writes `<dir>/<id>.intoto.json` for a journaled activity other than a run (an audit,
 * a watch): an in-toto Statement whose subject is its journal, with the tool named in the predicate.
 */
export async function writeJournaledReport(options: {
  dir: string;
  id: string;
  journalPath: string;
  predicateType: string;
  predicate: Record<string, unknown>;
  signer: Signer;
}): Promise<string> {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: basename(options.journalPath), digest: { sha256: readJournal(options.journalPath).sha256 } }],
    predicateType: options.predicateType,
    predicate: { tool: { name: TOOL_NAME, version: toolVersion() }, runId: options.id, ...options.predicate },
  };
  const path = join(options.dir, `${options.id}.intoto.json`);
  writeEnvelope(path, await signPayload(statement, options.signer));
  return path;
}
