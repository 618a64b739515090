#!/usr/bin/env bash
# Validates scripts/k8s-*.yaml without a cluster: strict decoding into the typed objects of
# k8s.io/api (unknown fields, wrong types and duplicate keys fail) plus evo's own rules (no
# shell, non-root, resources, the RWX claim, HOME on the volume); see k8scheck/main.go. The
# checker is its own Go module, so the evo module does not depend on k8s.io. It also proves it
# is strict: a manifest with a misspelt field must be rejected. Prints SKIP and exits 0 only
# when the Go modules cannot be downloaded (offline).
set -euo pipefail
cd "$(dirname "$0")/k8scheck"
export PATH="$PATH:/usr/local/go/bin"
if ! go mod download 2>/dev/null; then
  echo "SKIP scripts/ci/k8scheck.sh: cannot download k8s.io/api (offline?)"
  exit 0
fi
manifests=(../../k8s-pvc.yaml ../../k8s-init-job.yaml ../../k8s-workers.yaml)
go build -o "${TMPDIR:-/tmp}/evo-k8scheck.$$" .
check="${TMPDIR:-/tmp}/evo-k8scheck.$$"
trap 'rm -f "$check" "$check.bad.yaml"' EXIT
"$check" "${manifests[@]}"
sed 's/claimName: evo-shared/claimNam: evo-shared/' ../../k8s-workers.yaml >"$check.bad.yaml"
if "$check" ../../k8s-pvc.yaml "$check.bad.yaml" >/dev/null; then
  echo "FAIL scripts/ci/k8scheck.sh: a misspelt field was not rejected (decoding is not strict)" >&2
  exit 1
fi
echo "PASS scripts/ci/k8scheck.sh: ${#manifests[@]} manifests valid; a misspelt field is rejected"
