import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { classify, classifyValue } from '../../src/secret/classify.js';
import { Readable } from 'node:stream';
import { parseSecretsInput, readSecretsInput } from '../../src/secret/input.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/secrets/${name}`, import.meta.url), 'utf8');
const corpus = JSON.parse(fixture('corpus.json')) as Array<{ value: string; type: string; note: string }>;

describe('secret classification by documented formats', () => {
  it.each(corpus)('$type: $note', ({ value, type }) => {
    expect(classifyValue(value).type).toBe(type);
  });

  it('a fingerprint is type, last 4 and a sha256 prefix: never the secret', () => {
    const secret = 'ghp_1234567890abcdef1234567890abcdef12345678';
    const { fingerprint } = classify({ value: secret, line: 1, context: { format: 'plain' } });
    expect(fingerprint).toEqual({ type: 'github-token', last4: '5678', sha256: expect.stringMatching(/^[0-9a-f]{12}$/) });
    expect(JSON.stringify(fingerprint)).not.toContain(secret.slice(4, 20));
  });

  it('a PostgreSQL URL is taken apart: server, database, role (the password stays in memory only)', () => {
    expect(classifyValue('postgresql://app:p%40ss@localhost/app')).toEqual({ type: 'postgres-url', host: 'localhost', port: 5432, database: 'app', role: 'app', password: 'p@ss' });
  });
});

describe('--from input: plain, gitleaks, trufflehog', () => {
  it('--from - reads stdin to its end; a missing file is bad input naming --from', async () => {
    expect(await readSecretsInput('-', Readable.from([Buffer.from('hunter2\n'), Buffer.from('xoxb-1234567890-abc\n')]))).toBe('hunter2\nxoxb-1234567890-abc\n');
    await expect(readSecretsInput('/nonexistent/leaks.json', Readable.from([]))).rejects.toThrow(/cannot read --from \/nonexistent\/leaks.json/);
  });

  it('plain: one secret per line, with its line number; blank lines and # comments skipped', () => {
    const secrets = parseSecretsInput('# leaked in #incident-42\n\nghp_1234567890abcdef1234567890abcdef12345678\n  hunter2  \n', 'leaked.txt');
    expect(secrets.map((s) => [s.line, s.value])).toEqual([
      [3, 'ghp_1234567890abcdef1234567890abcdef12345678'],
      [4, 'hunter2'],
    ]);
  });

  it('gitleaks: each finding with its file, commit, line and rule kept as context', () => {
    const secrets = parseSecretsInput(fixture('gitleaks.json'), 'gitleaks.json');
    expect(secrets.map((s) => s.context)).toEqual([
      { format: 'gitleaks', file: 'config/deploy.yml', commit: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c', line: 12, rule: 'github-pat' },
      { format: 'gitleaks', file: '.env', line: 3, rule: 'aws-access-token' },
    ]);
    expect(secrets.map((s) => s.line)).toEqual([2, 22]);
    expect(secrets.map((s) => classify(s).classified.type)).toEqual(['github-token', 'aws-access-key']);
  });

  it('trufflehog: JSON lines; an AWS pair is rebuilt from Raw and RawV2; git and filesystem sources', () => {
    const secrets = parseSecretsInput(fixture('trufflehog.jsonl'), 'th.jsonl');
    expect(secrets.map((s) => classify(s).classified)).toEqual([
      { type: 'aws-access-key', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      expect.objectContaining({ type: 'slack-token', kind: 'bot token' }),
    ]);
    expect(secrets.map((s) => s.context)).toEqual([
      { format: 'trufflehog', file: 'scripts/ci.sh', commit: '9a8b7c6d5e4f', line: 7, rule: 'AWS' },
      { format: 'trufflehog', file: 'notes/slack.txt', line: 2, rule: 'Slack' },
    ]);
  });

  it.each([
    ['trufflehog line 2 is not JSON', '{"Raw":"xoxb-1234567890-abc"}\n{"Raw": ghp_canary_not_json\n', /th.jsonl:2: not a trufflehog JSON line: invalid JSON/],
    ['trufflehog finding without Raw', '{"Raw":"xoxb-1234567890-abc"}\n\n{"DetectorName":"AWS"}\n', /th.jsonl:3: trufflehog finding has no "Raw" string/],
    ['gitleaks report that does not parse', '[\n {"Secret": "ghp_canary_not_json"\n', /th.jsonl: not a valid gitleaks JSON report: invalid JSON at line \d/],
    ['gitleaks finding redacted', '[\n {"Secret": "REDACTED", "File": "a"},\n {"File": "b"}\n]\n', /th.jsonl:3: gitleaks finding 2 has no "Secret" string/],
  ])('bad input is exit 2 with the line: %s', (_label, text, message) => {
    let error: unknown;
    try {
      parseSecretsInput(text, 'th.jsonl');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('ghp_canary');
  });
});
