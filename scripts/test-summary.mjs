// Counts every test in the reports under a folder (TRX from dotnet test, JUnit XML from Vitest
// and node:test) and prints one line "N passed, N failed" last. Usage:
//   node test-summary.mjs <reports folder> [suite that exited non-zero ...]
// A suite that exited non-zero without a failed test in its report (it crashed, or never wrote
// one) counts as one failure, so nothing can fail silently behind a green count.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? 'test-results';
const failedSuites = process.argv.slice(3);
const files = [];
const walk = (path) => {
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (/\.(trx|xml)$/.test(name)) files.push(full);
  }
};
try { walk(dir); } catch { /* no folder: no reports */ }

let passed = 0, failed = 0, skipped = 0;
const lines = [];
const failuresBySuite = {};
const skips = [];
const failures = [];
const unescape = (text) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#xD;/g, '').replace(/&#xA;/g, '\n').replace(/&amp;/g, '&');
// The first line of a failure's message, so a CI log that shows only its tail still names the test.
const firstLine = (text) => unescape(text).split('\n').map((line) => line.trim()).find((line) => line) ?? 'no message';
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  let p = 0, f = 0, s = 0;
  if (file.endsWith('.trx')) {
    const counters = text.match(/<Counters\b[^>]*>/)?.[0] ?? '';
    const count = (name) => Number(counters.match(new RegExp(`\\b${name}="(\\d+)"`))?.[1] ?? 0);
    p = count('passed');
    f = count('failed') + count('error') + count('timeout') + count('aborted');
    s = Math.max(count('notExecuted'), count('total') - count('executed'));
    for (const result of text.matchAll(/<UnitTestResult\b[^>]*testName="([^"]*)"[^>]*outcome="NotExecuted"[\s\S]*?<\/UnitTestResult>/g)) {
      const reason = result[0].match(/<Message>([\s\S]*?)<\/Message>/)?.[1] ?? 'no reason given';
      skips.push(`  skipped ${result[1]}: ${unescape(reason)}`);
    }
    for (const result of text.matchAll(/<UnitTestResult\b[^>]*testName="([^"]*)"[^>]*outcome="(Failed|Error|Timeout|Aborted)"[\s\S]*?<\/UnitTestResult>/g)) {
      const message = result[0].match(/<Message>([\s\S]*?)<\/Message>/)?.[1] ?? 'no message';
      failures.push(`  FAILED ${result[1]}: ${firstLine(message).slice(0, 400)}`);
    }
  } else {
    for (const match of text.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const body = match[2] ?? '';
      if (/<(failure|error)\b/.test(body)) {
        f++;
        const name = match[0].match(/\bname="([^"]*)"/)?.[1] ?? '?';
        const message = body.match(/<(?:failure|error)\b[^>]*message="([^"]*)"/)?.[1] ?? body;
        failures.push(`  FAILED ${name}: ${firstLine(message).slice(0, 400)}`);
      }
      else if (/<skipped\b/.test(body)) {
        s++;
        const name = match[0].match(/\bname="([^"]*)"/)?.[1] ?? '?';
        const reason = body.match(/<skipped\b[^>]*message="([^"]*)"/)?.[1] ?? 'no reason given';
        skips.push(`  skipped ${name}: ${reason}`);
      }
      else p++;
    }
  }
  const relative = file.slice(dir.length + 1);
  const suite = relative.includes('/') ? relative.split('/')[0] : relative.replace(/\.(xml|trx)$/, '');
  failuresBySuite[suite] = (failuresBySuite[suite] ?? 0) + f;
  lines.push(`  ${relative}: ${p} passed, ${f} failed, ${s} skipped`);
  passed += p; failed += f; skipped += s;
}

console.log(lines.join('\n'));
if (skips.length > 0) console.log(skips.join('\n'));
if (failures.length > 0) console.log(failures.join('\n'));
for (const suite of failedSuites) {
  if (!failuresBySuite[suite]) {
    console.log(`  ${suite}: the suite failed without a failed test in its report (crash or setup failure); counted as 1 failure`);
    failed += 1;
  }
}
if (files.length === 0 && failedSuites.length === 0) {
  console.log('  no test reports were found; counted as 1 failure');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
