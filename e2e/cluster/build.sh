#!/usr/bin/env bash
# Builds the test cluster's binaries (kube-apiserver, kube-controller-manager,
# kube-scheduler, etcd, kwok, helm, grpcurl) from the Go module proxy, using the
# wrapper modules in ./go. Binaries go to a cache directory outside the repo,
# named by a stamp of the wrappers' go.mod/go.sum and the Go version, so a build
# happens only when a pinned version changes.
#
# Prints the binary directory on stdout (last line). Logs go to stderr.
# Env: OAAS_CACHE_DIR (default ~/.cache/oaas).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${OAAS_CACHE_DIR:-$HOME/.cache/oaas}"

k8s_version="$(awk '/^require k8s.io\/kubernetes /{print $3}' "$here/go/kubernetes/go.mod")"
stamp="$( (go version; cat "$here"/go/*/go.mod "$here"/go/*/go.sum "$here/build.sh") | sha256sum | cut -c1-16)"
bin="$cache/testcluster-$k8s_version-$stamp/bin"

if [[ -f "$bin/.stamp" && "$(cat "$bin/.stamp")" == "$stamp" ]]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$bin"
# One build at a time per cache (a test run and `cluster:up` may race); re-check after the wait.
exec 9>"$cache/build.lock"
flock 9
if [[ -f "$bin/.stamp" && "$(cat "$bin/.stamp")" == "$stamp" ]]; then
  echo "$bin"
  exit 0
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
start=$(date +%s)

# Without these, /version reports v0.0.0-master and clients (helm, kubectl) misbehave.
minor="$(echo "$k8s_version" | cut -d. -f2)"
ver_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ver_flags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ver_flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

build() { # <wrapper dir> <package> <output name> [ldflags]
  local dir="$1" pkg="$2" out="$3" ldflags="${4:-}"
  echo "building $out ($pkg)" >&2
  (cd "$here/go/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$bin/$out.tmp" "$pkg")
  mv -f "$bin/$out.tmp" "$bin/$out"
}

build kubernetes k8s.io/kubernetes/cmd/kube-apiserver kube-apiserver "$ver_flags"
build kubernetes k8s.io/kubernetes/cmd/kube-controller-manager kube-controller-manager "$ver_flags"
build kubernetes k8s.io/kubernetes/cmd/kube-scheduler kube-scheduler "$ver_flags"
build etcd go.etcd.io/etcd/server/v3 etcd
build kwok sigs.k8s.io/kwok/cmd/kwok kwok
build helm helm.sh/helm/v3/cmd/helm helm "-X helm.sh/helm/v3/internal/version.version=v3.18.6"
build grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl grpcurl "-X main.version=v1.9.3"

echo "$stamp" > "$bin/.stamp"
echo "built test cluster binaries in $(( $(date +%s) - start ))s" >&2
echo "$bin"
