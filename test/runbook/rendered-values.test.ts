import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { parseUsers } from '../../src/audit/users-file.js';
import { markdownText } from '../../src/output/markdown.js';
import { builtinRegistry } from '../../src/providers/builtin.js';
import { loadRunbook } from '../../src/runbook/load.js';
import { resolveRun } from '../../src/runbook/resolve.js';
import { runCli, writeTemp } from '../support/cli.js';

const runbook = writeTemp(
  'rendered.yaml',
  `version: 1
name: rendered
vars:
  heir: data_owner
  login: "{{user}}"
providers:
  db:
    type: postgres
    connectionStringEnv: NOT_SET_ON_PURPOSE
    reassignTo: "{{vars.heir}}"
steps:
  - id: remove
    provider: db
    user: "{{vars.login}}"
    mode: delete
    revoke: [role]
`,
);
const dryRun = (...args: string[]) => runCli(['user', 'alice', '-r', runbook, '--dry-run', ...args], builtinRegistry(), { env: {} });

describe('rendered values are validated, not only the templates', () => {
  it('a --set value that makes a provider config invalid is refused by the same schema, before connecting', async () => {
    const result = await dryRun('--set', `heir=${'x'.repeat(70)}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: after filling in the runbook's variables, providers.db.reassignTo: Too big");
    expect(result.stderr).not.toContain('NOT_SET_ON_PURPOSE is not set');
  });

  it.each([
    ['ESC (C0)', 'al\u001b[31mice', 'U+001B at position 3'],
    ['DEL', 'alice\u007f', 'U+007F at position 6'],
    ['NEL (C1)', '\u0085alice', 'U+0085 at position 1'],
  ])('a --set value with %s is refused, naming the flag', async (_name, value, where) => {
    const result = await dryRun('--set', `login=${value}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: --set login: the value has a control character (${where})`);
  });

  it('a runbook variable that renders to a control character is refused, naming it', async () => {
    const file = writeTemp('bell.yaml', `version: 1\nname: bell\nvars:\n  heir: "data\\aowner"\nproviders:\n  db:\n    type: postgres\n    reassignTo: "{{vars.heir}}"\nsteps:\n  - id: remove\n    provider: db\n    user: "{{user}}"\n    mode: delete\n    revoke: [role]\n`);
    const result = await runCli(['user', 'alice', '-r', file, '--dry-run'], builtinRegistry(), { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: variable heir renders to a value with a control character (U+0007 at position 5)');
  });

  it('an audit CSV cell with a control character is refused with its line and column', () => {
    expect(() => parseUsers('user,login\nalice,ali\u0007ce\nbob,bob\u009bgh\n', 'departed.csv')).toThrow(
      'departed.csv:2: column 2 (login) has a control character (U+0007 at position 4)\ndeparted.csv:3: column 2 (login) has a control character (U+009B at position 4)',
    );
  });
});

describe('markdown output escapes values fully', () => {
  const md = new MarkdownIt({ html: true, linkify: true });
  const hostile = [
    '**bold** _em_ `code` ~~gone~~',
    '[click](https://evil.example) ![x](https://evil.example/x.png)',
    '<img src=x onerror=alert(1)> <script>alert(1)</script>',
    'https://evil.example and www.evil.example',
    'a | b | c',
    'line one\nline two\r\n# heading',
    '&lt;entity&gt; &amp;',
    '\\*escaped\\*',
    'bell\u0007 esc\u001b nel\u0085',
  ];

  it.each(hostile)('%j renders as its own text in one table cell', (value) => {
    const html = md.render(`| what | outcome |\n|---|---|\n| ${markdownText(value)} | ok |\n`);
    expect(html).not.toMatch(/<(a|em|strong|code|s|del|img|script|h\d)\b/);
    expect(html.match(/<td>/g)).toHaveLength(2);
    const cell = /<td>(.*?)<\/td>/s.exec(html)![1]!;
    const shown = cell.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    // eslint-disable-next-line no-control-regex
    expect(shown).toBe(value.replace(/\r\n?|\n/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD'));
  });

  it('re-validating many people (an audit) builds each provider\'s strict step-options schema once, not once per person', async () => {
    // A zod schema built anew is also compiled anew on its first parse: once per person took a
    // 10,000-person audit from ~180 to ~215 MB of peak RSS.
    const registry = builtinRegistry();
    const github = registry.get('github')!;
    const loaded = await loadRunbook(
      writeTemp('many.yaml', 'version: 1\nname: many\nproviders:\n  gh:\n    type: github\n    org: acme\nsteps:\n  - id: gh\n    provider: gh\n    user: "{{user}}"\n    revoke: [repo-collaborator]\n    repos: [api]\n'),
      registry,
    );
    const schema = github.stepOptionsSchema!;
    const strict = schema.strict.bind(schema);
    let built = 0;
    schema.strict = ((...args: Parameters<typeof strict>) => (built++, strict(...args))) as typeof schema.strict;
    try {
      for (let i = 0; i < 50; i++) expect(resolveRun(loaded, registry, { user: `person${i}` }).steps[0]!.options).toEqual({ repos: ['api'] });
    } finally {
      schema.strict = strict;
    }
    expect(built).toBeLessThanOrEqual(1);
  });
});
