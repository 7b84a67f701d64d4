/**
 * Vitest reporter behind `npm test`'s last line: writes `.vitest-summary.json` with the counts the line
 * needs, taken from the task tree rather than per-test results alone — a test file that fails to import
 * and a suite whose beforeAll/afterAll throws carry errors of their own while their tests show as
 * skipped, and an unhandled error belongs to no test at all. Each counts as one failure.
 */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule, TestSuite } from 'vitest/node';

const SUMMARY_FILE = '.vitest-summary.json';

interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure that is not a failing test: where, and the first line of the error. */
  errors: string[];
}

const firstLine = (e: { message?: string; name?: string }) =>
  `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${String(e.message ?? 'error').split('\n')[0]}`;

export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandled: ReadonlyArray<{ message?: string; name?: string }>,
  ): void {
    const s: Summary = { passed: 0, failed: 0, skipped: 0, errors: [] };
    const own = (where: string, errs: ReadonlyArray<{ message?: string; name?: string }>) => {
      if (!errs.length) return;
      s.failed++;
      s.errors.push(`${where}: ${firstLine(errs[0])}`);
    };
    for (const m of modules) {
      const file = relative(process.cwd(), m.moduleId);
      own(file, m.errors());
      for (const suite of m.children.allSuites())
        own(`${file} > ${(suite as TestSuite).fullName}`, suite.errors());
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') s.passed++;
        else if (state === 'failed') s.failed++;
        else s.skipped++;
      }
    }
    for (const e of unhandled) {
      s.failed++;
      s.errors.push(`unhandled error: ${firstLine(e)}`);
    }
    writeFileSync(SUMMARY_FILE, JSON.stringify(s, null, 2) + '\n');
  }
}
