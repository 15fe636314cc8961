#!/usr/bin/env bash
# Builds the pinned helm (wrapper module ./go/helm) so that, without a cluster (`helm
# template`, `helm lint`), it assumes the Kubernetes version the test cluster runs
# (./go/kubernetes) instead of helm 3's built-in v1.20, which is below the charts'
# kubeVersion (`chart requires kubeVersion: >=1.29.0-0 which is incompatible with
# Kubernetes v1.20.0`). Its own cache directory and stamp cover only its inputs, so a
# change here rebuilds helm alone, never the cluster binaries of build.sh.
#
# build.sh still builds a helm beside the cluster binaries (without these flags; changing
# build.sh would rebuild every cluster binary): nothing uses it. Drop it from build.sh the
# next time build.sh changes anyway.
#
# Prints the helm binary's path on stdout (last line). Logs go to stderr.
# Env: OAAS_CACHE_DIR (default ~/.cache/oaas).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${OAAS_CACHE_DIR:-$HOME/.cache/oaas}"

k8s_version="$(awk '/^require k8s.io\/kubernetes /{print $3}' "$here/go/kubernetes/go.mod")"
helm_version="$(awk '$1 == "helm.sh/helm/v3" {print $2}' "$here/go/helm/go.mod")"
[[ -n "$k8s_version" && -n "$helm_version" ]] || {
  echo "build-helm.sh: cannot read the pinned versions from go/kubernetes/go.mod and go/helm/go.mod" >&2
  exit 1
}
stamp="$( (go version; echo "$k8s_version"; cat "$here/go/helm/go.mod" "$here/go/helm/go.sum" "$here/build-helm.sh") | sha256sum | cut -c1-16)"
bin="$cache/helm-$helm_version-$stamp/bin"

if [[ -f "$bin/.stamp" && "$(cat "$bin/.stamp")" == "$stamp" ]]; then
  echo "$bin/helm"
  exit 0
fi

mkdir -p "$bin"
# Its own lock: a helm build need not wait for a cluster build (build.lock), only for
# another helm build; re-check after the wait.
exec 9>"$cache/build-helm.lock"
flock 9
if [[ -f "$bin/.stamp" && "$(cat "$bin/.stamp")" == "$stamp" ]]; then
  echo "$bin/helm"
  exit 0
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
start=$(date +%s)

# helm's Makefile sets the same variables from the client-go it vendors: chartutil's are
# the default capabilities (.Capabilities.KubeVersion, the kubeVersion check of
# template/install --dry-run), lint/rules' the deprecation checks of `helm lint`.
major="$(echo "$k8s_version" | cut -d. -f1 | tr -d v)"
minor="$(echo "$k8s_version" | cut -d. -f2)"
flags="-X helm.sh/helm/v3/internal/version.version=$helm_version"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  flags+=" -X $pkg.k8sVersionMajor=$major -X $pkg.k8sVersionMinor=$minor"
done

echo "building helm $helm_version (default Kubernetes v$major.$minor)" >&2
(cd "$here/go/helm" && go build -trimpath -ldflags "-s -w $flags" -o "$bin/helm.tmp" helm.sh/helm/v3/cmd/helm)
mv -f "$bin/helm.tmp" "$bin/helm"

echo "$stamp" > "$bin/.stamp"
echo "built helm in $(( $(date +%s) - start ))s" >&2
echo "$bin/helm"
