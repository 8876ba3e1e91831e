#!/usr/bin/env node
// The AWS SDK warns at load time that its future releases will need Node 22. revoke supports
// Node 20: package.json accepts later 3.x SDK releases (^ ranges, not pins), and the releases
// package-lock.json installs still run on Node 20, so the warning is noise in its output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node 22.1+ caches the compiled code of dist/ between runs (in the OS temp folder): a faster
// start for every command. Older Node has no enableCompileCache, and NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const { default: nodeModule } = await import('node:module');
nodeModule.enableCompileCache?.();

// A reader that goes away (`revoke providers | head`) is not a crash: further output is dropped
// and the command runs to its end, so a run still finishes and writes its journal and report.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
