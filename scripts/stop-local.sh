#!/usr/bin/env bash
# npm run stop: stops the CRM that npm start launched, then the local cluster.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/node-env.sh
pidfile="$OAAS_CACHE_DIR/local/crm.pid"
if [[ -f "$pidfile" ]]; then
  pid="$(cat "$pidfile")"
  # setsid made the CRM a process-group leader: signal its group (tsx and node).
  kill -TERM -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
fi
tsx e2e/cluster/cli.ts down
