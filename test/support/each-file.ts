import { afterEach } from 'vitest';
import { runAfterEveryTest } from './after-each-test.js';

// Vitest setup file: runs for every test file, also when modules are shared across files (isolate: false).
afterEach(runAfterEveryTest);
