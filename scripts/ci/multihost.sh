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
# the test itself (no fusermount needed). Without root or /dev/fuse, or where unshare cannot make
# namespaces, it prints a SKIP line and exits 0; util-linux it installs (a failed install is a
# FAIL under CI=true). Ends with one PASS/FAIL line: births, kills, races, GC records, anomalies.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

[ "$(id -u)" = 0 ] || skip "not root (the bed mounts FUSE and a tmpfs and makes namespaces)"
[ -e /dev/fuse ] || modprobe fuse 2>/dev/null || true
[ -e /dev/fuse ] || skip "no /dev/fuse (the kernel has no FUSE module)"
if ! command -v unshare >/dev/null; then
  command -v apt-get >/dev/null || need "no unshare and no apt-get to install util-linux"
  apt_install util-linux
fi
unshare --uts --pid --fork --mount-proc true 2>/dev/null ||
  skip "unshare --uts --pid --fork --mount-proc fails here (a container without CAP_SYS_ADMIN?)"

log=$(mktemp /tmp/evo-multihost-ci.XXXXXX)
trap 'rm -f "$log"' EXIT
rc=0
EVO_MULTIHOST=1 go test -count=1 -timeout 10m -v -run TestMultiHost ./storage/internal/multihost/ 2>&1 |
  tee "$log" || rc=$?

# fig NAME: a figure of the bed's report (0 if absent).
fig() { sed -nE "s/^ +$1 +([0-9]+)\$/\1/p" "$log" | head -1 | grep . || echo 0; }
if grep -q -- '--- SKIP: TestMultiHost' "$log"; then
  need "the bed skipped: $(grep -o 'multi-host bed skipped: .*' "$log" | head -1)"
fi
anomalies=$(sed -nE 's/^ +anomaly: .* ([0-9]+)$/\1/p' "$log" | awk '{s += $1} END {print s + 0}')
violations=$(sed -nE 's/.*multi-host bed: ([0-9]+) violations.*/\1/p' "$log" | head -1)
figures="births $(fig births), kills $(fig kills), races $(fig races), GC grave records $(fig 'gc removals: grave'),"
figures+=" graves left $(fig 'graves at the end'), alive $(fig 'alive at the end'), torn lines $(fig 'torn history lines'),"
figures+=" alive max $(fig 'replay: alive max over the run') (bound P + 2W = 20), alive min once full $(fig 'replay: alive min once full'),"
figures+=" anomalies $anomalies, violations ${violations:-?}"
[ "$rc" = 0 ] || fail "the bed failed (go test exit status $rc): $figures"
[ "$anomalies" = 0 ] || fail "the bed passed with anomalies: $figures"
pass "$figures"
