#!/usr/bin/env bash
# Runs every test suite against the builds `make build` produced, writes reports under
# $TEST_RESULTS_DIR, and ends with one line "N passed, N failed" over all of them.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
CONFIGURATION="${CONFIGURATION:-Debug}"
TEST_RESULTS_DIR="${TEST_RESULTS_DIR:-$root/test-results}"
export CONFIGURATION TEST_RESULTS_DIR
rm -rf "$TEST_RESULTS_DIR"
mkdir -p "$TEST_RESULTS_DIR"
status=0
failed_suites=()

section() { printf '\n=== %s ===\n' "$1"; }

section ".NET suites (sidecar, Keycloak emulator, fake provider)"
dotnet test ByokGateway.slnx -c "$CONFIGURATION" --no-build -nologo \
  --logger "trx;LogFilePrefix=dotnet" --results-directory "$TEST_RESULTS_DIR/dotnet" || { status=1; failed_suites+=(dotnet); }

section "Account Console theme (Vitest)"
( bash scripts/npm-install.sh keycloak-theme && cd keycloak-theme \
  && npx vitest run --reporter=default --reporter=junit --outputFile.junit="$TEST_RESULTS_DIR/theme.xml" ) || { status=1; failed_suites+=(theme); }

for suite in sdk browser; do
  if [ -f "tests/$suite/package.json" ]; then
    section "JavaScript suite: tests/$suite"
    ( bash scripts/npm-install.sh "tests/$suite" && cd "tests/$suite" && npm test ) || { status=1; failed_suites+=("$suite"); }
  fi
done

section "Summary"
node scripts/test-summary.mjs "$TEST_RESULTS_DIR" "${failed_suites[@]}" | tee "$TEST_RESULTS_DIR/summary.txt" || status=1
exit $status
