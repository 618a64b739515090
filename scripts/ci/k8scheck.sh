#!/usr/bin/env bash
# Validates scripts/k8s-*.yaml without a cluster: strict decoding into the typed objects of
# k8s.io/api (unknown fields, wrong types and duplicate keys fail) plus evo's own rules (no
# shell, non-root, resources, the RWX claim, HOME on the volume); see k8scheck/main.go. The
# checker is its own Go module, so the evo module does not depend on k8s.io. It also proves it
# is strict: a manifest with a misspelt field must be rejected. When the Go modules cannot be
# downloaded (offline) it prints a SKIP line and exits 0, or FAILs under CI=true. Ends with one
# PASS/FAIL line.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh
cd scripts/ci/k8scheck
if ! out=$(go mod download 2>&1); then
  echo "$out" | tail -3
  need "cannot download k8s.io/api for the checker (offline?)"
fi
manifests=(../../k8s-pvc.yaml ../../k8s-init-job.yaml ../../k8s-workers.yaml)
check="${TMPDIR:-/tmp}/evo-k8scheck.$$"
trap 'rm -f "$check" "$check.bad.yaml"' EXIT
go build -o "$check" .
"$check" "${manifests[@]}" || fail "a manifest is invalid (above)"
sed 's/claimName: evo-shared/claimNam: evo-shared/' ../../k8s-workers.yaml >"$check.bad.yaml"
if "$check" ../../k8s-pvc.yaml "$check.bad.yaml" >/dev/null 2>&1; then
  fail "a misspelt field was not rejected (decoding is not strict)"
fi
pass "${#manifests[@]} manifests valid; a misspelt field is rejected"
