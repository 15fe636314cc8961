#!/usr/bin/env bash
# npm run stop: stops exactly what npm start started: the PM and the CRM process(es) by
# their recorded pids (each is a session leader: its whole group), a
# redis-server it started, the PM's etcd (its data stays), the metrics exporter and
# Prometheus (its data stays), and the local cluster when
# that start brought it up.
# Env: OAAS_LOCAL_DIR as for npm start.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/node-env.sh
source scripts/lib/processes.sh
run="${OAAS_LOCAL_DIR:-$OAAS_CACHE_DIR/local}"
group_alive() { pgrep -g "$1" >/dev/null 2>&1; }
# The PM before its etcd; the etcd's data directory stays (the next npm start reads it).
for pidfile in "$run"/pm.pid "$run"/crm*.pid "$run"/pm-etcd.pid "$run"/metrics-exporter.pid "$run"/prometheus.pid; do
  [[ -f "$pidfile" ]] || continue
  name="$(basename "$pidfile" .pid)"
  pid="$(cat "$pidfile")"
  # A pid given to another process since is left alone (its group is not ours either: the
  # kernel reuses no pid while a process group of that id exists).
  if pid_reused "$pidfile"; then
    echo "not stopping $name: pid $pid now belongs to another process ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-80))"
  elif [[ "$pid" =~ ^[0-9]+$ ]] && kill -TERM -- "-$pid" 2>/dev/null; then
    # A stopped (SIGSTOP) process acts on SIGTERM only once continued.
    kill -CONT -- "-$pid" 2>/dev/null
    # Wait for the group to drain (workers finish their job), then make sure.
    for _ in $(seq 1 60); do group_alive "$pid" || break; sleep 0.25; done
    if group_alive "$pid"; then kill -KILL -- "-$pid" 2>/dev/null; fi
    echo "stopped $name (pid $pid)"
  fi
  pid_forget "$pidfile"
done
if [[ -f "$run/redis.started" ]]; then
  redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1 && echo "stopped redis-server"
  rm -f "$run/redis.started"
fi
if [[ -f "$run/cluster.started" ]]; then
  tsx e2e/cluster/cli.ts down && echo "stopped the local cluster"
  rm -f "$run/cluster.started"
fi
