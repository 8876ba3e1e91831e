/**
 * The import rules of revoke's layers, checked by `npm run lint`:
 *   cli → commands' domain modules (session, watch, audit, plan, report, output, runbook) → engine → providers
 * Nothing below imports above, and nothing imports in a circle.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import cycles hide layering mistakes and break lazy loading', from: {}, to: { circular: true } },
    {
      name: 'cli-is-the-top',
      severity: 'error',
      comment: 'only the CLI wires commands; nothing below it imports it',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'engine-knows-no-command',
      severity: 'error',
      comment: 'the engine runs the graph; plans, reports, watch, audits and output are built on it, not in it',
      from: { path: '^src/engine/' },
      to: { path: '^src/(cli|session|watch|audit|plan|report|output|sandbox)/' },
    },
    {
      name: 'providers-are-the-bottom',
      severity: 'error',
      comment: 'a provider knows its vendor and the provider types, nothing of the engine or the commands',
      from: { path: '^src/providers/' },
      to: { path: '^src/(cli|session|watch|audit|plan|report|output|engine|runbook|sandbox)/' },
    },
    {
      name: 'domain-modules-know-no-command-module',
      severity: 'error',
      comment: 'a command domain (watch, audit) may use the pipeline and the engine, not another command',
      from: { path: '^src/(session|report|plan|runbook|output)/' },
      to: { path: '^src/(watch|audit|drill)/' },
    },
    {
      name: 'sandboxes-only-for-demo-and-sandbox',
      severity: 'error',
      comment: 'the local endpoints ship for `revoke demo` and `revoke sandbox` only; no other code reaches them',
      from: { path: '^src/', pathNot: '^src/(sandbox/|cli/(demo|sandbox)-command\\.ts$)' },
      to: { path: '^src/sandbox/' },
    },
    { name: 'src-never-imports-tests', severity: 'error', from: { path: '^src/' }, to: { path: '^(test|bench)/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
