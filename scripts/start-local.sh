#!/usr/bin/env bash
# npm start: the local default system.
#  1. the local Kubernetes cluster (built from Go modules on first use)
#  2. Redis on 127.0.0.1:6379 (a Debian redis-server is started when none answers)
#  3. the DeploymentRecord CRD (crm crds) and the CRM (`crm all`, profile dev) on :8088
#  4. the sample class (scripts/local/sample-class.json) deployed through the CRM over gRPC,
#     followed until it is Available (its conditions printed as they change)
# `crm all` runs the ingress, the watcher and the reconciler in one process. The
# dashboard and the PM are not wired into npm start yet. Stop: npm run stop.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/node-env.sh

bin="$(bash e2e/cluster/build.sh)"
export KUBECONFIG="$(tsx e2e/cluster/cli.ts up)"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server on 127.0.0.1:6379" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --maxmemory-policy noeviction --dir "${TMPDIR:-/tmp}" >/dev/null
fi

tsx services/crm/src/main.ts crds

run="$OAAS_CACHE_DIR/local"
mkdir -p "$run"
port="${OPRC_CRM_HTTP_PORT:-8088}"
if [[ -f "$run/crm.pid" ]] && kill -0 "$(cat "$run/crm.pid")" 2>/dev/null; then
  echo "CRM already running (pid $(cat "$run/crm.pid"))" >&2
else
  OPRC_CRM_PROFILE=dev OPRC_CRM_HTTP_PORT="$port" setsid tsx services/crm/src/main.ts all \
    >"$run/crm.log" 2>&1 </dev/null &
  echo $! >"$run/crm.pid"
fi
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { echo "CRM not ready; see $run/crm.log" >&2; exit 1; }

"$bin/grpcurl" -plaintext -d @ "127.0.0.1:$port" oaas.deployment.DeploymentService/Deploy \
  <scripts/local/sample-class.json
echo "waiting for the sample class to become Available (conditions as they change):"
tsx scripts/local/wait-available.ts "${OPRC_CRM_K8S_NAMESPACE:-default}" hello-class 300 "$run/crm.log"

cat <<TXT
Local system is up.
  export KUBECONFIG=$KUBECONFIG
  Redis:      127.0.0.1:6379
  CRM:        127.0.0.1:$port (gRPC, Connect, gRPC-Web; /healthz /readyz /metrics), log $run/crm.log
  Sample:     "$bin/grpcurl" -plaintext -d '{"deployment_id":"hello-class"}' 127.0.0.1:$port oaas.deployment.DeploymentService/GetDeploymentStatus
  History:    scripts/node.sh -- tsx services/crm/src/main.ts history hello-class
Stop everything: npm run stop
TXT
