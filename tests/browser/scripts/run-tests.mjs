// Runs the browser suite with node:test: spec output on stdout and a JUnit report at
// ${TEST_RESULTS_DIR:-<repo>/test-results}/browser.xml (the screenshot goes next to it, in browser/).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPrerequisites } from '../support/browser.mjs';

const suiteDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsDir = process.env.TEST_RESULTS_DIR || join(suiteDir, '..', '..', 'test-results');
mkdirSync(resultsDir, { recursive: true });

// Said up front as well: the tests still run (and fail) so the JUnit report records it.
try {
  checkPrerequisites();
} catch (error) {
  console.error(`\nBrowser tests cannot run:\n${error.message}\n`);
}

const testDir = join(suiteDir, 'test');
const files = readdirSync(testDir).filter((name) => name.endsWith('.test.mjs')).sort().map((name) => join(testDir, name));

const result = spawnSync(process.execPath, [
  '--test',
  // One file at a time: each file starts its own stack and browser, and the machine is small.
  '--test-concurrency=1',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=junit', `--test-reporter-destination=${join(resultsDir, 'browser.xml')}`,
  ...files,
], { cwd: suiteDir, stdio: 'inherit', env: { ...process.env, TEST_RESULTS_DIR: resultsDir } });

process.exit(result.status ?? 1);
