// Prints the last line of `npm test` from vitest's JSON report: "N passed, N failed[, N skipped]".
// Failures are counted from the tests *and* from test files that failed without a failing test (a file
// that does not import, a throwing beforeAll: its tests show as skipped, so per-test counts alone would
// say "0 failed"). A non-zero vitest exit with nothing failed in the report (an unhandled error, a
// crash before the report) still counts one failure. Exit status: 1 when anything failed.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const [reportPath = '.vitest.json', rcArg = '0'] = process.argv.slice(2);
const vitestRc = Number(rcArg) || 0;

function summarize() {
  if (!existsSync(reportPath)) {
    console.log(`no test report (${reportPath}): vitest exited with code ${vitestRc} before writing it`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const r = JSON.parse(readFileSync(reportPath, 'utf8'));
  let failed = r.numFailedTests ?? 0;
  for (const file of r.testResults ?? []) {
    const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed').length;
    if (file.status === 'failed' && failedTests === 0) {
      failed++;
      const why = String(file.message ?? '').split('\n')[0] || 'a hook or suite failed outside any test';
      console.log(`failed file: ${relative(process.cwd(), file.name)}: ${why}`);
    }
  }
  if (vitestRc !== 0 && failed === 0) {
    console.log(`vitest exited with code ${vitestRc} although every test passed (an unhandled error?)`);
    failed = 1;
  }
  return { passed: r.numPassedTests ?? 0, failed, skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0) };
}

const { passed, failed, skipped } = summarize();
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed ? 1 : 0;
