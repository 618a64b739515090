#!/usr/bin/env bash
# usage: scripts/ci/onnx.sh
#
# Compares evo's ONNX export with onnxruntime: exports the reference nets and 20 evolved genomes
# (trained a few steps), runs 200 test images through evo's evaluation graph and through
# onnxruntime-node, and requires a max |logit difference| <= 1e-4 and identical predictions;
# every model also passes the onnx package's checker. Prints the difference per network.
#
# Needs: Go, Node.js >= 18 with npm (the onnxruntime-node package from npm, pinned in
# scripts/onnxcheck/package-lock.json), Debian's python3-onnx (installed here when run as root),
# and the CIFAR-10 binary set: $EVO_DATA, or $EVO_SHARED/datasets, must hold
# cifar-10-batches-bin/.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  /usr/bin/python3 -c 'import onnx' 2>/dev/null || missing+=(python3-onnx)
  command -v npm >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

# onnxruntime-node bundles its CPU binaries; its install script only fetches optional CUDA
# files from NuGet, which is not needed (and not reachable on every CI machine).
(cd scripts/onnxcheck && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error)

if [ -z "${EVO_DATA:-}" ]; then
  shared="${EVO_SHARED:-$(cd .. && pwd)/shared}"
  export EVO_DATA="$shared/datasets"
fi
EVO_ONNX=1 EVO_PYTHON=/usr/bin/python3 go test -count=1 -timeout 20m -v -run TestONNXRuntimeMatchesEvo ./train/onnx/
