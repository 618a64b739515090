#!/usr/bin/env bash
# usage: scripts/ci/onnx.sh
#
# Compares evo's ONNX export with onnxruntime: exports the reference nets and 20 evolved genomes
# (trained a few steps), runs 200 test images through evo's evaluation graph and through
# onnxruntime-node, and requires a max |logit difference| <= 1e-4 and identical predictions;
# every model also passes the onnx package's checker. Prints the difference per network and
# ends with one PASS/FAIL line.
#
# Needs: Go, Node.js >= 18 with npm (the onnxruntime-node package from npm, pinned in
# scripts/onnxcheck/package-lock.json), Debian's python3-onnx (both installed here when run as
# root with apt-get), and the CIFAR-10 binary set: $EVO_DATA, or $EVO_SHARED/datasets (default
# ../shared/datasets beside the clone), must hold cifar-10-batches-bin/. What is missing and
# cannot be installed gives a SKIP line (exit 0), or a FAIL under CI=true.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

if is_root; then
  missing=()
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
  command -v npm >/dev/null || missing+=(nodejs npm)
  [ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
fi
/usr/bin/python3 -c 'import onnx' 2>/dev/null || need "Debian's python3-onnx is not installed (/usr/bin/python3 cannot import onnx)"
command -v npm >/dev/null || need "npm is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
[ "$node_major" -ge 18 ] || need "Node.js >= 18 is needed, found $(node --version 2>/dev/null || echo none)"

if [ -z "${EVO_DATA:-}" ]; then
  shared="${EVO_SHARED:-$(cd .. && pwd)/shared}"
  export EVO_DATA="$shared/datasets"
fi
[ -d "$EVO_DATA/cifar-10-batches-bin" ] || need "no CIFAR-10 binary set in $EVO_DATA/cifar-10-batches-bin (set EVO_DATA)"

# onnxruntime-node bundles its CPU binaries; its install script only fetches optional CUDA
# files from NuGet, which is not needed (and not reachable on every CI machine).
if ! out=$(cd scripts/onnxcheck && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error 2>&1); then
  echo "$out" | tail -5
  need "npm ci of scripts/onnxcheck (onnxruntime-node) failed"
fi

log=$(mktemp /tmp/evo-onnx-ci.XXXXXX)
trap 'rm -f "$log"' EXIT
rc=0
EVO_ONNX=1 EVO_PYTHON=/usr/bin/python3 go test -count=1 -timeout 20m -v -run TestONNXRuntimeMatchesEvo ./train/onnx/ 2>&1 |
  tee "$log" || rc=$?
grep -q -- '--- SKIP' "$log" && need "the comparison skipped: $(grep -A1 -- '--- SKIP' "$log" | tail -1 | sed 's/^ *//')"
[ "$rc" = 0 ] || fail "onnxruntime and evo disagree, or the test failed (go test exit status $rc; see above)"
summary=$(grep -oE '[0-9]+ networks, largest difference [0-9.e+-]+' "$log" | tail -1)
[ -n "$summary" ] || fail "the test passed but printed no summary line (\"N networks, largest difference D\")"
pass "$summary |logit| (limit 1e-4), identical predictions, every model accepted by the onnx checker"
