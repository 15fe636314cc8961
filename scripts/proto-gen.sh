#!/usr/bin/env bash
# Generates TypeScript from packages/proto/proto, lints the contract and checks it
# against a committed baseline image, so a renumbered or retyped field fails here
# instead of in a Package Manager. Run through scripts/node.sh (buf and protoc-gen-es
# come from node_modules/.bin):
#   scripts/node.sh -- bash scripts/proto-gen.sh                    regenerate, lint, breaking
#   scripts/node.sh -- bash scripts/proto-gen.sh --check            same checks, writes nothing;
#                                                                   fails if src/gen is stale
#   scripts/node.sh -- bash scripts/proto-gen.sh --update-baseline  lint, then rebuild the baseline
#
# The baseline (packages/proto/baseline/contract.binpb) is what `buf breaking` protects.
# Additions pass against the old baseline, so update it after adding fields or
# services (that protects them too) and commit it with the .proto change. Never update
# it to make a breaking change pass: existing PMs would break all the same.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

gen_dir=packages/proto/src/gen
baseline=packages/proto/baseline/contract.binpb
mode="${1:-generate}"

lint_and_breaking() {
  buf lint
  if [[ ! -f "$baseline" ]]; then
    echo "proto: no baseline at $baseline; create it with scripts/proto-gen.sh --update-baseline" >&2
    exit 1
  fi
  buf breaking --against "$baseline"
}

case "$mode" in
  generate)
    rm -rf "$gen_dir"
    buf generate
    lint_and_breaking
    echo "proto: generated $gen_dir; lint and breaking passed"
    ;;
  --check)
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # --output re-roots the out paths of buf.gen.yaml, so gen lands in $tmp/$gen_dir.
    buf generate --output "$tmp"
    if ! diff -r "$tmp/$gen_dir" "$gen_dir" >&2; then
      echo "proto: $gen_dir is stale; run 'npm run proto:gen' and commit the result" >&2
      exit 1
    fi
    lint_and_breaking
    echo "proto: $gen_dir is up to date; lint and breaking passed"
    ;;
  --update-baseline)
    buf lint
    mkdir -p "$(dirname "$baseline")"
    # Without source info, editing a comment does not churn the binary.
    buf build --exclude-source-info -o "$baseline"
    echo "proto: wrote $baseline; review and commit it with the .proto change"
    ;;
  *)
    echo "usage: scripts/proto-gen.sh [--check|--update-baseline]" >&2
    exit 2
    ;;
esac
