// Prints the last line of `npm test` from .ci/summary-reporter.ts's output: "N passed, N failed[, N skipped]".
// Failures count failing tests, test files and suites that failed outside any test (an import error, a
// throwing beforeAll: their tests show as skipped) and unhandled errors. A non-zero vitest exit with
// nothing failed (or no summary at all: vitest died first) still counts one. Exit status 1 on failure.
import { existsSync, readFileSync } from 'node:fs';

const [summaryPath = '.vitest-summary.json', rcArg = '0'] = process.argv.slice(2);
const vitestRc = Number(rcArg) || 0;

function summarize() {
  if (!existsSync(summaryPath)) {
    console.log(`no test summary (${summaryPath}): vitest exited with code ${vitestRc} before writing it`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const s = JSON.parse(readFileSync(summaryPath, 'utf8'));
  for (const e of s.errors ?? []) console.log(`failed outside a test: ${e}`);
  let failed = s.failed ?? 0;
  if (vitestRc !== 0 && failed === 0) {
    console.log(`vitest exited with code ${vitestRc} although no test failed`);
    failed = 1;
  }
  return { passed: s.passed ?? 0, failed, skipped: s.skipped ?? 0 };
}

const { passed, failed, skipped } = summarize();
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed ? 1 : 0;
