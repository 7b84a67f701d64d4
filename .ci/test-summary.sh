#!/usr/bin/env bash
# Run vitest and end with a plain "N passed, N failed" line that CI recognises.
set -uo pipefail
npx vitest run --reporter=default --reporter=json --outputFile=.vitest.json "$@"
rc=$?
if [ -f .vitest.json ]; then
  node -e "const r=require('./.vitest.json');console.log(r.numPassedTests+' passed, '+r.numFailedTests+' failed'+(r.numPendingTests?', '+r.numPendingTests+' skipped':''))"
else
  echo "0 passed, 1 failed"
  rc=1
fi
exit $rc
