#!/usr/bin/env bash
# npm start [-- --roles]: the local default system, from a fresh clone.
#  1. Node 24 and npm dependencies (scripts/lib/node-env.sh), the Kubernetes binaries
#     (built from Go modules on first use: minutes), the local cluster (KWOK nodes)
#  2. Redis: OPRC_CRM_REDIS_URL when set, else 127.0.0.1:6379 (a Debian redis-server is
#     started when none answers)
#  3. the DeploymentRecord CRD (crm crds) and the CRM: `crm all` (ingress, watcher,
#     reconciler and the dashboard in one process, profile dev, ODGM on) on :8088/:8089,
#     or with --roles (env OAAS_CRM_ROLES=1) ingress :8088, watcher :8090, reconciler :8091,
#     analyzer :8092 and dashboard :8089 as separate processes
#  3b. Prometheus (Debian `prometheus`, :9095, data in $OAAS_LOCAL_DIR/prometheus) scraping a
#     synthetic exporter of the CRM's pods' CPU, memory and requests (KWOK pods run
#     nothing), and the analyzer on (scripts/local/prometheus.sh; OAAS_PROMETHEUS=0: none)
#  4. the Package Manager on :8080 with the CRM as its `default` cluster, storing packages
#     and deployments in a local etcd on :2479 (data in $OAAS_LOCAL_DIR/pm-etcd, kept
#     across npm run stop and start; OAAS_PM_STORAGE=memory for none)
#  4b. bearer tokens (scripts/local/tokens.sh): an admin and a viewer for the PM, a `pm`
#     deployer for the CRM, and oaasctl's config file, all mode 0600 in $OAAS_LOCAL_DIR
#  5. the sample package (examples/hello) applied and its class deployed through the PM
#     with oaasctl, followed until it is Available (conditions printed as they change),
#     then until the analyzer has written its NFR recommendations
# A second npm start reuses what runs. Stop exactly what it started: npm run stop.
# Env overrides (tests use them to run beside other work on one machine):
#   OAAS_LOCAL_DIR     pid files, logs, dashboard credentials, tokens (default ~/.cache/oaas/local)
#   OAAS_KUBECONFIG    use this running cluster: no build, no start, never stopped here
#   OPRC_CRM_HTTP_PORT, OPRC_CRM_DASHBOARD_PORT, OAAS_PM_PORT, OAAS_CRM_WATCHER_PORT,
#   OAAS_CRM_RECONCILER_PORT, OAAS_CRM_ANALYZER_PORT, OAAS_PROMETHEUS_PORT, OAAS_PM_ETCD_PORT, OAAS_PM_ETCD_PEER_PORT (default: the next one);
#   OAAS_PM_STORAGE=etcd|memory; any other OPRC_CRM_* setting reaches the CRM as it is
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
roles="${OAAS_CRM_ROLES:-0}"
for arg in "$@"; do
  case "$arg" in
    --roles) roles=1 ;;
    *) echo "usage: npm start [-- --roles]" >&2; exit 2 ;;
  esac
done
began=$(date +%s)
step() { printf '[%4ss] %s\n' "$(($(date +%s) - began))" "$*"; }
fail() { printf '[%4ss] FAILED: %s\n' "$(($(date +%s) - began))" "$*" >&2; exit 1; }

step "Node 24 and npm dependencies"
source scripts/lib/node-env.sh
run="${OAAS_LOCAL_DIR:-$OAAS_CACHE_DIR/local}"
mkdir -p "$run"

if [[ -n "${OAAS_KUBECONFIG:-}" ]]; then
  step "using the running cluster of $OAAS_KUBECONFIG (not started here, never stopped here)"
  KUBECONFIG="$OAAS_KUBECONFIG"
else
  step "Kubernetes binaries (the first build takes 20+ minutes; log: $run/build.log)"
  bin="$(bash e2e/cluster/build.sh 2>"$run/build.log")" || fail "building the cluster binaries; read $run/build.log"
  # Stopped by npm run stop only when this start brought it up.
  if ! tsx e2e/cluster/cli.ts status >/dev/null 2>&1; then echo started >"$run/cluster.started"; fi
  step "local cluster"
  KUBECONFIG="$(tsx e2e/cluster/cli.ts up 2>"$run/cluster.log")" || fail "starting the cluster; read $run/cluster.log"
fi
export KUBECONFIG

# The CRM's Redis: OPRC_CRM_REDIS_URL when set (used as it is: nothing is started for it),
# else its default, a redis-server on 127.0.0.1:6379, started here when none answers. The
# summary prints the one the CRM uses, credentials redacted by the CRM's own rule.
if [[ -n "${OPRC_CRM_REDIS_URL:-}" ]]; then
  redis_used="$(tsx -e 'import { redactRedisUrl } from "@oaas/config"; console.log(redactRedisUrl(process.argv[process.argv.length - 1]));' "$OPRC_CRM_REDIS_URL") (OPRC_CRM_REDIS_URL)"
  step "Redis: $redis_used"
else
  redis_used="redis://127.0.0.1:6379 (the CRM's default; OPRC_CRM_REDIS_URL unset)"
  # Bounded: a stopped redis-server accepts the connection and never answers.
  if ! timeout 5 redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    step "starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --maxmemory-policy noeviction --dir "${TMPDIR:-/tmp}" >/dev/null
    echo started >"$run/redis.started"
  fi
fi

step "DeploymentRecord CRD"
tsx services/crm/src/main.ts crds 2>"$run/crds.log" || fail "installing the CRD; read $run/crds.log"

port="${OPRC_CRM_HTTP_PORT:-8088}"
dashboard_port="${OPRC_CRM_DASHBOARD_PORT:-8089}"
watcher_port="${OAAS_CRM_WATCHER_PORT:-8090}"
reconciler_port="${OAAS_CRM_RECONCILER_PORT:-8091}"
analyzer_port="${OAAS_CRM_ANALYZER_PORT:-8092}"
pm_port="${OAAS_PM_PORT:-8080}"
# The dashboard's one local user is its operator: role admin, so Bull Board's actions (retry,
# pause, clean) work locally. A file from before roles existed (no `[role]`) gets the prefix.
auth="$run/dashboard-auth"
if [[ ! -s "$auth" ]]; then
  (umask 077 && echo "[admin] admin:$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" >"$auth")
elif ! grep -q '^\[' "$auth"; then
  sed -i 's/^admin:/[admin] admin:/' "$auth"
fi
# Bearer tokens (scripts/local/tokens.sh): the PM's admin and viewer, the PM's own token for
# the CRM, and the oaasctl config file holding the admin token; kept across restarts.
source scripts/local/tokens.sh
local_tokens "$run" "http://127.0.0.1:$pm_port"

source scripts/lib/processes.sh
# alive <pidfile>: the recorded process runs (scripts/lib/processes.sh: not a zombie, not a
# process that got the pid later). A stale pid file is removed.
alive() {
  pid_ours "$1" && return 0
  if pid_reused "$1"; then step "$(basename "$1" .pid): pid $(cat "$1") now belongs to another process; starting anew"; fi
  pid_forget "$1"
  return 1
}
# start_bg <name> <log> <command...>: its own session (setsid), so npm run stop can end
# the whole group by the recorded pid. Roles run as `node --import tsx`, not the tsx
# wrapper: the recorded pid is then the process itself, and a kill -9 of it leaves no
# orphaned child still working.
start_bg() {
  local name="$1" log="$2"
  shift 2
  # Appended, never truncated: a restart after a crash keeps the crashed process's lines.
  setsid "$@" >>"$log" 2>&1 </dev/null &
  pid_record "$run" "$name" $!
}
# Logs at info unless asked (the dev profile's own default is debug): idle stays quiet.
crm_env=(OPRC_CRM_PROFILE="${OPRC_CRM_PROFILE:-dev}" OPRC_CRM_FEATURES_ODGM="${OPRC_CRM_FEATURES_ODGM:-true}"
  OPRC_CRM_LOG="${OPRC_CRM_LOG:-info}" OPRC_CRM_DASHBOARD_PORT="$dashboard_port" OPRC_CRM_DASHBOARD_AUTH_FILE="$auth"
  OPRC_CRM_AUTH_TOKENS_FILE="${OPRC_CRM_AUTH_TOKENS_FILE:-$crm_tokens}"
  OPRC_CRM_LISTEN_HOST="${OPRC_CRM_LISTEN_HOST:-127.0.0.1}"
  OPRC_CRM_DASHBOARD_READONLY="${OPRC_CRM_DASHBOARD_READONLY:-false}")
source scripts/local/prometheus.sh
local_prometheus

roles_alive() { local p; for p in "$run"/crm-*.pid; do alive "$p" && return 0; done; return 1; }
if [[ "$roles" == 1 ]]; then
  alive "$run/crm.pid" && fail "the CRM runs as one process (crm all, pid $(cat "$run/crm.pid")); npm run stop first to switch to --roles"
  # Each role on its own: one that died is started again, the others are reused.
  start_role() { # role http-port [port it serves users on]
    if alive "$run/crm-$1.pid"; then
      step "CRM $1 already running (pid $(cat "$run/crm-$1.pid"))"
    else
      step "starting the CRM $1 on :${3:-$2} (log: $run/crm-$1.log)"
      start_bg "crm-$1" "$run/crm-$1.log" env "${crm_env[@]}" OPRC_CRM_HTTP_PORT="$2" node --import tsx services/crm/src/main.ts "$1"
    fi
  }
  start_role ingress "$port"
  start_role watcher "$watcher_port"
  start_role reconciler "$reconciler_port"
  [[ -z "$prom_url" ]] || start_role analyzer "$analyzer_port"
  start_role dashboard "$port" "$dashboard_port"
  wait_http "http://127.0.0.1:$watcher_port/readyz" "the CRM watcher" "$run/crm-watcher.log" "$run/crm-watcher.pid"
  wait_http "http://127.0.0.1:$reconciler_port/readyz" "the CRM reconciler" "$run/crm-reconciler.log" "$run/crm-reconciler.pid"
  [[ -z "$prom_url" ]] || wait_http "http://127.0.0.1:$analyzer_port/readyz" "the CRM analyzer" "$run/crm-analyzer.log" "$run/crm-analyzer.pid"
  wait_http "http://127.0.0.1:$dashboard_port/healthz" "the CRM dashboard" "$run/crm-dashboard.log" "$run/crm-dashboard.pid"
elif alive "$run/crm.pid"; then
  step "CRM already running (pid $(cat "$run/crm.pid"))"
elif roles_alive; then
  fail "the CRM runs as separate roles (npm start -- --roles); npm run stop first to switch to crm all"
else
  step "starting the CRM (crm all) on :$port, dashboard on :$dashboard_port (log: $run/crm.log)"
  start_bg crm "$run/crm.log" env "${crm_env[@]}" OPRC_CRM_HTTP_PORT="$port" node --import tsx services/crm/src/main.ts all
fi
crm_log="$run/crm.log" ingress_log="$run/crm.log" ingress_pid="$run/crm.pid"
if [[ "$roles" == 1 ]]; then crm_log="$run/crm-reconciler.log" ingress_log="$run/crm-ingress.log" ingress_pid="$run/crm-ingress.pid"; fi
wait_http "http://127.0.0.1:$port/readyz" "the CRM" "$ingress_log" "$ingress_pid"

# The PM's store: a local etcd (the binary built with the cluster's, else a Debian etcd),
# so packages and deployments survive a PM restart as they do in production.
pm_storage="${OAAS_PM_STORAGE:-etcd}"
etcd_port="${OAAS_PM_ETCD_PORT:-2479}"
etcd_peer_port="${OAAS_PM_ETCD_PEER_PORT:-$((etcd_port + 1))}"
pm_env=(SERVER_PORT="$pm_port" SERVER_HOST="${SERVER_HOST:-127.0.0.1}" CRM_DEFAULT_URL="http://127.0.0.1:$port"
  OPRC_PM_AUTH_TOKENS_FILE="$pm_tokens" OPRC_PM_CRM_DEFAULT_TOKEN_FILE="$pm_crm_token")
case "$pm_storage" in
  memory) ;;
  etcd)
    etcd_bin="${bin:-}/etcd"
    # With OAAS_KUBECONFIG nothing was built here: an earlier build's etcd, else the PATH's.
    [[ -x "$etcd_bin" ]] || etcd_bin="$(ls -t "$OAAS_CACHE_DIR"/testcluster-*/bin/etcd 2>/dev/null | head -n 1)"
    [[ -x "$etcd_bin" ]] || etcd_bin="$(command -v etcd || true)"
    [[ -n "$etcd_bin" ]] || fail "no etcd binary for the PM (build e2e/cluster/build.sh, apt-get install etcd-server, or OAAS_PM_STORAGE=memory)"
    if alive "$run/pm-etcd.pid"; then
      step "PM's etcd already running (pid $(cat "$run/pm-etcd.pid"))"
    else
      step "starting the PM's etcd on 127.0.0.1:$etcd_port (data: $run/pm-etcd; log: $run/pm-etcd.log)"
      start_bg pm-etcd "$run/pm-etcd.log" "$etcd_bin" --name=oaas-pm-local --data-dir="$run/pm-etcd" \
        --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
        --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
        --initial-cluster="oaas-pm-local=http://127.0.0.1:$etcd_peer_port"
    fi
    wait_http "http://127.0.0.1:$etcd_port/health" "the PM's etcd" "$run/pm-etcd.log" "$run/pm-etcd.pid"
    pm_env+=(STORAGE_TYPE=etcd ETCD_ENDPOINTS="127.0.0.1:$etcd_port")
    ;;
  *) fail "OAAS_PM_STORAGE: \"$pm_storage\" is not etcd or memory" ;;
esac

if alive "$run/pm.pid"; then
  step "PM already running (pid $(cat "$run/pm.pid"))"
else
  step "starting the Package Manager on :$pm_port, $pm_storage storage (log: $run/pm.log)"
  start_bg pm "$run/pm.log" env "${pm_env[@]}" node --import tsx services/pm/src/main.ts
fi
wait_http "http://127.0.0.1:$pm_port/health" "the PM" "$run/pm.log" "$run/pm.pid"

export OAAS_PM_URL="http://127.0.0.1:$pm_port"
# oaasctl below reads its token from the config file written above.
export OAASCTL_CONFIG="$oaasctl_config"
# stored <oaasctl get args>: 0 when the PM has it, 1 when it answers not found. Any other
# failure (a PM whose store is still connecting answers 503) is asked again for 60 s,
# never taken for "absent": re-applying would overwrite the user's edits.
stored() {
  local out=""
  for _ in $(seq 1 60); do
    if out="$(bash services/cli/bin/oaasctl "$@" 2>&1)"; then return 0; fi
    [[ "$out" == *" not found"* ]] && return 1
    sleep 1
  done
  fail "asking the PM (oaasctl $*): $out"
}
# A stored sample package is kept as it is: it may carry the user's edits (a new image).
if stored package get hello; then
  step "sample package already stored (hello): keeping it as it is"
else
  step "sample package: scripts/oaasctl package apply -f examples/hello/package.yaml"
  bash services/cli/bin/oaasctl package apply -f examples/hello/package.yaml || fail "applying the sample package; read $run/pm.log"
fi
# on_cluster <key>: 1 only when the CRM answers that it has no such deployment. `npm run
# stop` deletes the local cluster but keeps the PM's store, so the next start finds the
# sample stored in the PM and absent from the new cluster. Any other answer counts as
# present (the wait below reports what it sees).
on_cluster() {
  local out=""
  out="$(bash services/cli/bin/oaasctl status "$1" 2>&1)" && return 0
  [[ "$out" != *NotFound* ]]
}
if stored deployment get hello-greeter; then
  if on_cluster hello-greeter; then
    step "sample class already deployed (hello-greeter): reusing it"
  else
    # The stored deployment is sent again as it is (PUT keeps the user's edits, e.g. a new image).
    step "sample class stored in the PM but not on this cluster (new since npm run stop): redeploying it as stored"
    # The token goes in a header file, never on a command line (ps shows those).
    curl -fsS --max-time 30 -H @"$pm_admin_header" "$OAAS_PM_URL/api/v1/deployments/hello-greeter" \
      | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const d=JSON.parse(s);delete d.clusters;process.stdout.write(JSON.stringify(d));});' \
      | curl -fsS --max-time 30 -X PUT -H @"$pm_admin_header" -H 'content-type: application/json' --data-binary @- \
        "$OAAS_PM_URL/api/v1/deployments/hello-greeter" >/dev/null \
      || fail "redeploying the stored sample class; read $run/pm.log and $crm_log"
  fi
else
  step "sample class: scripts/oaasctl deploy -f examples/hello/deployment.yaml"
  bash services/cli/bin/oaasctl deploy -f examples/hello/deployment.yaml || fail "deploying the sample class; read $run/pm.log and $crm_log"
fi
step "waiting for the sample class to become Available (conditions as they change)"
tsx scripts/local/wait-available.ts "${OPRC_CRM_K8S_NAMESPACE:-default}" hello-greeter-default 600 "$crm_log" \
  || fail "the sample class did not become Available; read $crm_log"
if [[ -n "$prom_url" ]]; then
  analyzer_log="$crm_log"
  [[ "$roles" == 1 ]] && analyzer_log="$run/crm-analyzer.log"
  step "waiting for the analyzer's recommendations for the sample class (from $prom_url)"
  tsx scripts/local/wait-recommendations.ts "${OPRC_CRM_K8S_NAMESPACE:-default}" hello-greeter-default 300 "$analyzer_log" \
    || fail "no NFR recommendations for the sample class; read $analyzer_log and $run/metrics-exporter.log"
fi

cat <<TXT

Local system is up ($(($(date +%s) - began))s).
  export KUBECONFIG=$KUBECONFIG
  PM:         $OAAS_PM_URL  (REST /api/v1, OpenAPI at /api/v1/openapi.json; /health /ready /metrics; log $run/pm.log)
  CRM:        127.0.0.1:$port (gRPC, Connect, gRPC-Web; /healthz /readyz /metrics; log $ingress_log$([[ "$roles" == 1 ]] && echo ", reconciler $crm_log, watcher $run/crm-watcher.log, analyzer $run/crm-analyzer.log, dashboard $run/crm-dashboard.log"))
  Dashboard:  http://127.0.0.1:$dashboard_port/  (credentials in $auth)
  Tokens:     $pm_tokens (the PM's admin and viewer tokens; oaasctl uses the admin one from $oaasctl_config); /metrics: curl -H @$metrics_header
              $crm_tokens (the CRM's; the PM calls it with $pm_crm_token)
  Redis:      $redis_used
  Prometheus: ${prom_url:-off} $([[ -n "$prom_url" ]] && echo "(scraping the synthetic workload metrics; log $run/prometheus.log)")
  PM storage: $pm_storage$([[ "$pm_storage" == etcd ]] && echo " (127.0.0.1:$etcd_port, data $run/pm-etcd)")
  Try:        export OAAS_PM_URL=$OAAS_PM_URL   # oaasctl's PM (the default is :8080)
              scripts/oaasctl status hello-greeter
              scripts/oaasctl history hello-greeter
              scripts/oaasctl deployment list
              kubectl get dr -n ${OPRC_CRM_K8S_NAMESPACE:-default}
Stop everything npm start started: npm run stop
TXT
