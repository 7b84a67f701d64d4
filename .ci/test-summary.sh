#!/usr/bin/env bash
# `npm test`: run vitest and end with a plain "N passed, N failed" line that CI recognises.
# The summary (.ci/summary-reporter.ts) is deleted first, so a vitest crash can never print the numbers
# of an earlier run.
set -uo pipefail
cd "$(dirname "$0")/.."
SUMMARY=.vitest-summary.json
rm -f "$SUMMARY" .vitest.json
npx vitest run --reporter=default --reporter=./.ci/summary-reporter.ts "$@"
rc=$?
node .ci/test-summary.mjs "$SUMMARY" "$rc"
summary_rc=$?
[ "$rc" -ne 0 ] && exit "$rc"
exit "$summary_rc"
