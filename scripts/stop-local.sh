#!/usr/bin/env bash
# npm run stop: stops exactly what npm start started (the PM, the CRM, a redis-server it
# started), then the local cluster.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/node-env.sh
run="$OAAS_CACHE_DIR/local"
for name in pm crm; do
  pidfile="$run/$name.pid"
  if [[ -f "$pidfile" ]]; then
    pid="$(cat "$pidfile")"
    # setsid made it a process-group leader: signal its group (tsx and node).
    kill -TERM -- "-$pid" 2>/dev/null && echo "stopped $name (pid $pid)"
    rm -f "$pidfile"
  fi
done
if [[ -f "$run/redis.started" ]]; then
  redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 && echo "stopped redis-server"
  rm -f "$run/redis.started"
fi
tsx e2e/cluster/cli.ts down
