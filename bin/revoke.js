#!/usr/bin/env node
// The AWS SDK warns at load time that its future releases will need Node 22. revoke supports
// Node 20: package.json accepts later 3.x SDK releases (^ ranges, not pins), and the releases
// package-lock.json installs still run on Node 20, so the warning is noise in its output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
