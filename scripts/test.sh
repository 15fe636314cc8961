#!/usr/bin/env bash
# The test entry: npm test | npm run test:unit | npm run test:integration
#   scripts/test.sh all|unit|integration [extra mocha args]
# Installs Node 24 and npm dependencies when missing, builds the test cluster binaries
# and helm when their pinned versions changed, runs mocha once, and always ends with one line
# "N passed, N failed" (also when mocha dies before reporting). A cluster this run
# started is stopped even when the run fails or is interrupted.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
kind="${1:-all}"
shift || true
case "$kind" in all|unit|integration) ;; *) echo "usage: scripts/test.sh all|unit|integration" >&2; exit 2 ;; esac

source scripts/lib/node-env.sh || { echo "0 passed, 1 failed"; exit 1; }

run_dir="$(mktemp -d "${TMPDIR:-/tmp}/oaas-test-run-XXXXXX")"
summary="$run_dir/summary.json"
cleanup() {
  tsx e2e/cluster/cli.ts down --under "$run_dir" >/dev/null 2>&1 || true
  rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [[ "$kind" != unit ]]; then
  if ! bash e2e/cluster/build.sh >/dev/null || ! bash e2e/cluster/build-helm.sh >/dev/null; then
    echo "building the test cluster binaries failed (e2e/cluster/build.sh, build-helm.sh)" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

OAAS_TEST_KIND="$kind" OAAS_TEST_RUN_DIR="$run_dir" OAAS_TEST_SUMMARY="$summary" mocha "$@"
status=$?
if [[ ! -s "$summary" ]]; then
  echo "mocha exited ($status) before reporting results" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
exit $status
