#!/usr/bin/env bash
# `npm test`: run vitest and end with a plain "N passed, N failed" line that CI recognises.
# The report is deleted first, so a vitest crash can never print the numbers of an earlier run.
set -uo pipefail
cd "$(dirname "$0")/.."
REPORT=.vitest.json
rm -f "$REPORT"
npx vitest run --reporter=default --reporter=json --outputFile="$REPORT" "$@"
rc=$?
node .ci/test-summary.mjs "$REPORT" "$rc"
summary_rc=$?
[ "$rc" -ne 0 ] && exit "$rc"
exit "$summary_rc"
