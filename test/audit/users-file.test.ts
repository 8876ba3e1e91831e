import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { inShard, parseShard, parseUsers } from '../../src/audit/users-file.js';

describe('audit users file', () => {
  it('reads one user per line, skipping blanks and comments', () => {
    expect(parseUsers('# departed in November\nalice\n\nbob\n', 'f')).toEqual([
      { line: 2, user: 'alice', vars: {} },
      { line: 4, user: 'bob', vars: {} },
    ]);
  });

  it('reads CSV whose header columns set runbook variables, with quoted fields', () => {
    expect(parseUsers('user,github_login,iam_user\nalice,alice-gh,"alice.smith"\n', 'f.csv')).toEqual([{ line: 2, user: 'alice', vars: { github_login: 'alice-gh', iam_user: 'alice.smith' } }]);
  });

  it('parses CSV records, not lines: quoted commas and newlines stay inside their field', () => {
    expect(parseUsers('user,team\nalice,"infra, on-call"\nbob,"say ""hi"""\n', 'f.csv')).toEqual([
      { line: 2, user: 'alice', vars: { team: 'infra, on-call' } },
      { line: 3, user: 'bob', vars: { team: 'say "hi"' } },
    ]);
    // A quoted newline is one record (not two broken lines); the control character is then refused, located.
    expect(() => parseUsers('user,team\nalice,"two\nlines"\nbob,x\n', 'f.csv')).toThrow(/^f\.csv:3: column 2 \(team\) has /);
    expect(() => parseUsers('user,team\nalice,"unclosed\n', 'f.csv')).toThrow(/^f\.csv(:\d+)?: not valid CSV/);
  });

  it('reports every bad line with its number', () => {
    let error: InvalidInputError | undefined;
    try {
      parseUsers('user,github_login\nalice,a\nbob\n"carol x",c\nalice,again\n', 'f.csv');
    } catch (e) {
      error = e as InvalidInputError;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error!.message.split('\n')).toEqual(['f.csv:3: 1 columns, the header has 2', 'f.csv:4: "carol x" is not a user name', 'f.csv:5: alice is listed twice (first on line 2)']);
    expect(() => parseUsers('login,x\na,b\n', 'g.csv')).toThrow('g.csv:1: the CSV header must start with "user" (it is "login")');
    expect(() => parseUsers('\n# nobody\n', 'h')).toThrow('h: no users');
  });

  it('shards deterministically: every user in exactly one shard, whatever the order', () => {
    const users = Array.from({ length: 1000 }, (_, i) => `user${i}`);
    const shards = [1, 2, 3, 4].map((index) => users.filter((u) => inShard(u, { index, count: 4 })));
    expect(shards.flat().sort()).toEqual([...users].sort());
    for (const shard of shards) expect(shard.length).toBeGreaterThan(200);
    expect([...users].reverse().filter((u) => inShard(u, { index: 2, count: 4 })).sort()).toEqual([...shards[1]!].sort());
    expect(() => parseShard('5/4')).toThrow('--shard 5/4 is not i/n with 1 <= i <= n');
  });
});
