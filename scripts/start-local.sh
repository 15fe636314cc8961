#!/usr/bin/env bash
# npm start: the local default system. Brings up the local Kubernetes cluster (built
# from Go modules on first use) and checks Redis on 127.0.0.1:6379 (starting a
# redis-server from the Debian package on that port when none answers).
# The CRM and PM are not built yet (see README, "Status"); this script will start
# them and deploy the sample class once they exist.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/lib/node-env.sh

bash e2e/cluster/build.sh >/dev/null
kubeconfig="$(tsx e2e/cluster/cli.ts up)"

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting redis-server on 127.0.0.1:6379" >&2
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --maxmemory-policy noeviction --dir "${TMPDIR:-/tmp}" >/dev/null
fi

cat <<TXT
Local cluster and Redis are up.
  export KUBECONFIG=$kubeconfig
  Redis: 127.0.0.1:6379
Not built yet: CRM (ingress, workers, dashboard), PM, sample class deployment.
Stop the cluster with: npm run cluster:down
TXT
