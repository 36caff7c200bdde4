#!/usr/bin/env bash
# Test the platform: make sure RabbitMQ and PostgreSQL answer (installing them if needed), build, run every
# test project against them, and end with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
source build/services.sh   # the services' runtime settings, for the processes the tests start

build/infra.sh

mkdir -p .run
log=.run/test-output.log
set +e
dotnet test LeadPlatform.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# "Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12" — one line per test assembly.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $status without a failing test (a build error or a crashed test host): counted as one failure"
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
