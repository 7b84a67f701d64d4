#!/usr/bin/env bash
# `npm run ci`: runs every step of .ci/steps in order and reports each one's time and outcome.
# Every step runs even when an earlier one failed, so one CI run shows every problem at once; the exit
# status is 1 when any blocking step failed. The step summary is printed before the last step
# (`npm test`), so the very last line of CI output stays the test summary "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
STEPS_FILE="${GOBLIN_CI_STEPS:-.ci/steps}"

steps=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line%"${line##*[![:space:]]}"}" # trailing whitespace
  [[ -z "${line// /}" || "$line" == \#* ]] && continue
  steps+=("$line")
done <"$STEPS_FILE"

if [ "${#steps[@]}" -eq 0 ]; then
  echo "ci: $STEPS_FILE lists no step" >&2
  exit 2
fi
if [ "${steps[-1]}" != "npm test" ]; then
  echo "ci: the last step of $STEPS_FILE must be 'npm test' (CI output ends with its 'N passed, N failed' line); found '${steps[-1]}'" >&2
  exit 2
fi

failed=0
summary=()
run_step() { # $1 = index, $2 = line
  local line="$2" advisory=0 cmd t0 rc secs
  if [[ "$line" == "~ "* ]]; then advisory=1; cmd="${line#\~ }"; else cmd="$line"; fi
  echo "==> [$(($1 + 1))/${#steps[@]}] $cmd$([ $advisory = 1 ] && echo ' (advisory)')"
  t0=$(date +%s)
  bash -c "$cmd"
  rc=$?
  secs=$(($(date +%s) - t0))
  if [ $rc -eq 0 ]; then
    summary+=("ok       ${secs}s  $cmd")
  elif [ $advisory = 1 ]; then
    summary+=("advisory ${secs}s  $cmd (exit $rc, does not fail CI)")
  else
    summary+=("FAILED   ${secs}s  $cmd (exit $rc)")
    failed=1
  fi
}

last=$((${#steps[@]} - 1))
for i in "${!steps[@]}"; do
  [ "$i" -eq "$last" ] && break
  run_step "$i" "${steps[$i]}"
done
echo "==> steps before the tests:"
printf '    %s\n' "${summary[@]}"
[ $failed -eq 1 ] && echo "==> a step above FAILED: CI fails whatever the tests say"

echo "==> [${#steps[@]}/${#steps[@]}] ${steps[$last]}"
bash -c "${steps[$last]}"
rc=$?
[ $rc -ne 0 ] && failed=1
exit $failed
