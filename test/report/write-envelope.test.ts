import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeEnvelope } from '../../src/report/write-report.js';

const envelope = { payloadType: 'application/vnd.in-toto+json', payload: Buffer.from('{}').toString('base64'), signatures: [{ keyid: 'k', sig: 'c2ln' }] };

describe('writing a signed file', () => {
  it('never follows a symlink planted at the old predictable temporary name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revoke-write-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const path = join(dir, 'run.intoto.json');
    symlinkSync(victim, `${path}.tmp`);
    writeEnvelope(path, envelope);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(envelope);
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    // Nothing left behind but the report and the planted link.
    expect(readdirSync(dir).sort()).toEqual(['run.intoto.json', 'run.intoto.json.tmp', 'victim.txt']);
  });

  it('replaces a symlink at the destination itself instead of writing through it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'revoke-write-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    const path = join(dir, 'plan.json');
    symlinkSync(victim, path);
    writeEnvelope(path, envelope);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(path).isSymbolicLink()).toBe(false);
  });
});
