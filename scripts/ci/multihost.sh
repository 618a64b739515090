#!/usr/bin/env bash
# The multi-host test bed (storage/internal/multihost): three simulated hosts (UTS, PID and
# mount namespaces, their own hostnames) run real evo workers and collectors over one experiment
# on a 64 MiB tmpfs, each through its own NFS-like FUSE mount, with a SIGKILL, a long SIGSTOP, a
# skewed clock and a full disk. About two minutes.
#
# Usage (as root, from the repository root or anywhere):
#   scripts/ci/multihost.sh            # installs util-linux if unshare is missing, runs the bed
#   EVO_MULTIHOST_LOGS=/tmp/bed-logs scripts/ci/multihost.sh   # keep the processes' logs
#
# Needs root, /dev/fuse (the kernel's FUSE module) and util-linux's unshare. Mounting is done by
# the test itself (no fusermount needed). Without them the test says plainly that it skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"

if [ "$(id -u)" = 0 ]; then
  if ! command -v unshare >/dev/null && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq util-linux >/dev/null
  fi
  [ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
else
  echo "multihost.sh: not root; the bed will skip (it mounts FUSE and tmpfs, and uses unshare)" >&2
fi
[ -e /dev/fuse ] || echo "multihost.sh: no /dev/fuse; the bed will skip" >&2

EVO_MULTIHOST=1 go test -count=1 -timeout 10m -v -run TestMultiHost ./storage/internal/multihost/
