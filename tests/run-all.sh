#!/usr/bin/env bash
# The test command: installs what the tests need, builds, runs every test project, and ends with one line
# "tests: N passed, N failed, N skipped". Exits non-zero on any failure (or if a test run did not report).
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

"$repo/tests/install-test-dependencies.sh" || { echo "tests: 0 passed, 1 failed, 0 skipped"; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build StreamForge.Gateway.sln -nologo -v quiet; then
  echo "tests: 0 passed, 1 failed, 0 skipped (build failed)"
  exit 1
fi

results="$repo/tests/TestResults"
rm -rf "$results"
status=0
for project in tests/StreamForge.Gateway.Tests tests/StreamForge.Gateway.FunctionalTests; do
  name="$(basename "$project")"
  dotnet test "$project" --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
    --results-directory "$results" || status=1
  [ -f "$results/$name.trx" ] || { echo "no results from $name"; status=1; }
done

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx")"
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
  skipped=$((skipped + $(value notExecuted)))
done

if [ "$failed" -gt 0 ]; then status=1; fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
