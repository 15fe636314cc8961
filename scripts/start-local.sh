#!/usr/bin/env bash
# npm start: the local default system, from a fresh clone.
#  1. Node 24 and npm dependencies (scripts/lib/node-env.sh), the Kubernetes binaries
#     (built from Go modules on first use: minutes), the local cluster (KWOK nodes)
#  2. Redis on 127.0.0.1:6379 (a Debian redis-server is started when none answers)
#  3. the DeploymentRecord CRD (crm crds) and the CRM (`crm all`: ingress, watcher,
#     reconciler and the dashboard in one process, profile dev, ODGM on) on :8088/:8089
#  4. the Package Manager on :8080 with the CRM as its `default` cluster
#  5. the sample package (examples/hello) applied and its class deployed through the PM
#     with oaasctl, followed until it is Available (conditions printed as they change)
# A second npm start reuses what runs. Stop exactly what it started: npm run stop.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
began=$(date +%s)
step() { printf '[%4ss] %s\n' "$(($(date +%s) - began))" "$*"; }
fail() { printf '[%4ss] FAILED: %s\n' "$(($(date +%s) - began))" "$*" >&2; exit 1; }

step "Node 24 and npm dependencies"
source scripts/lib/node-env.sh
run="$OAAS_CACHE_DIR/local"
mkdir -p "$run"

step "Kubernetes binaries (the first build takes 20+ minutes; log: $run/build.log)"
bin="$(bash e2e/cluster/build.sh 2>"$run/build.log")" || fail "building the cluster binaries; read $run/build.log"
step "local cluster"
KUBECONFIG="$(tsx e2e/cluster/cli.ts up 2>"$run/cluster.log")" || fail "starting the cluster; read $run/cluster.log"
export KUBECONFIG

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  step "starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --maxmemory-policy noeviction --dir "${TMPDIR:-/tmp}" >/dev/null
  echo started >"$run/redis.started"
fi

step "DeploymentRecord CRD"
tsx services/crm/src/main.ts crds 2>"$run/crds.log" || fail "installing the CRD; read $run/crds.log"

port="${OPRC_CRM_HTTP_PORT:-8088}"
dashboard_port="${OPRC_CRM_DASHBOARD_PORT:-8089}"
pm_port="${OAAS_PM_PORT:-8080}"
auth="$run/dashboard-auth"
if [[ ! -s "$auth" ]]; then
  umask 077
  echo "admin:$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" >"$auth"
fi

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
wait_http() { # url what log
  for _ in $(seq 1 240); do curl -fs "$1" >/dev/null 2>&1 && return 0; sleep 0.5; done
  fail "$2 did not become ready; read $3"
}

if alive "$run/crm.pid"; then
  step "CRM already running (pid $(cat "$run/crm.pid"))"
else
  step "starting the CRM (crm all) on :$port, dashboard on :$dashboard_port (log: $run/crm.log)"
  OPRC_CRM_PROFILE=dev OPRC_CRM_HTTP_PORT="$port" OPRC_CRM_FEATURES_ODGM=true \
    OPRC_CRM_DASHBOARD_PORT="$dashboard_port" OPRC_CRM_DASHBOARD_AUTH_FILE="$auth" \
    setsid tsx services/crm/src/main.ts all >"$run/crm.log" 2>&1 </dev/null &
  echo $! >"$run/crm.pid"
fi
wait_http "http://127.0.0.1:$port/readyz" "the CRM" "$run/crm.log"

if alive "$run/pm.pid"; then
  step "PM already running (pid $(cat "$run/pm.pid"))"
else
  step "starting the Package Manager on :$pm_port (log: $run/pm.log)"
  SERVER_PORT="$pm_port" CRM_DEFAULT_URL="http://127.0.0.1:$port" \
    setsid tsx services/pm/src/main.ts >"$run/pm.log" 2>&1 </dev/null &
  echo $! >"$run/pm.pid"
fi
wait_http "http://127.0.0.1:$pm_port/health" "the PM" "$run/pm.log"

export OAAS_PM_URL="http://127.0.0.1:$pm_port"
step "sample package: scripts/oaasctl package apply -f examples/hello/package.yaml"
bash services/cli/bin/oaasctl package apply -f examples/hello/package.yaml || fail "applying the sample package; read $run/pm.log"
if bash services/cli/bin/oaasctl deployment get hello-greeter >/dev/null 2>&1; then
  step "sample class already deployed (hello-greeter): reusing it"
else
  step "sample class: scripts/oaasctl deploy -f examples/hello/deployment.yaml"
  bash services/cli/bin/oaasctl deploy -f examples/hello/deployment.yaml || fail "deploying the sample class; read $run/pm.log and $run/crm.log"
fi
step "waiting for the sample class to become Available (conditions as they change)"
tsx scripts/local/wait-available.ts "${OPRC_CRM_K8S_NAMESPACE:-default}" hello-greeter-default 600 "$run/crm.log" \
  || fail "the sample class did not become Available; read $run/crm.log"

cat <<TXT

Local system is up ($(($(date +%s) - began))s).
  export KUBECONFIG=$KUBECONFIG
  PM:         $OAAS_PM_URL  (REST /api/v1, OpenAPI at /api/v1/openapi.json; log $run/pm.log)
  CRM:        127.0.0.1:$port (gRPC, Connect, gRPC-Web; /healthz /readyz /metrics; log $run/crm.log)
  Dashboard:  http://127.0.0.1:$dashboard_port/  (credentials in $auth)
  Redis:      127.0.0.1:6379
  Try:        scripts/oaasctl status hello-greeter
              scripts/oaasctl deployment list
              scripts/node.sh -- tsx services/crm/src/main.ts history hello-greeter-default
Stop everything npm start started: npm run stop
TXT
