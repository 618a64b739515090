#!/usr/bin/env bash
# Builds the FROM scratch image of scripts/Containerfile with Debian's podman and runs
# `evo worker` in it, as uid 65532, against an experiment on a mounted directory. Asserts:
#   - the binary in the image is static and the image holds no shell;
#   - the worker in the container publishes individuals (births in its history), as non-root;
#   - `podman stop` (SIGTERM) ends it with exit status 143 (so a controller restarts it);
#   - after `evo control --stop` a worker in the container exits 0 (the run is finished);
#   - `evo check` of the experiment is clean afterwards.
# Needs root and apt-get (it installs podman, runc and ca-certificates); without them it prints a
# SKIP line and exits 0; a failed install is a FAIL under CI=true. Ends with one PASS/FAIL line.
#
# On hosts like this CI machine (cgroup v1 "hybrid" mounts, no CAP_SYS_RESOURCE) podman's
# default runtime crun cannot start containers; the script then uses runc, the cgroupfs manager
# and rlimits no higher than the current ones, and says so.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

is_root || skip "needs root and apt-get to install podman"
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
command -v podman >/dev/null && command -v runc >/dev/null || need "podman or runc missing after apt-get install"

t0=$ci_t0
tmp=$(mktemp -d /tmp/evo-container-ci.XXXXXX)
image=evo-ci:$(basename "$tmp" | tr 'A-Z.' 'a-z-')
ctr=""
cleanup() {
  set +e
  [ -n "$ctr" ] && podman rm -f "$ctr" >/dev/null 2>&1
  podman rmi -f "$image" >/dev/null 2>&1
  rm -rf "$tmp"
}
trap cleanup EXIT

# The image, exactly as the Containerfile's header says.
ctx="$tmp/image"
mkdir -p "$ctx"
CGO_ENABLED=0 go build -trimpath -o "$ctx/evo" ./cmd/evo
echo 'evo:x:65532:65532:evo:/evo/home:/nonexistent' >"$ctx/passwd"
cp /etc/ssl/certs/ca-certificates.crt "$ctx/"
if ldd "$ctx/evo" >/dev/null 2>&1; then fail "the binary is dynamically linked (build with CGO_ENABLED=0)"; fi
podman build -q -f scripts/Containerfile -t "$image" "$ctx" >/dev/null
size=$(podman image inspect "$image" --format '{{.Size}}')

# How to run containers here.
run=(podman run)
if ! podman run --rm "$image" --help >/dev/null 2>&1; then
  nofile=$(ulimit -Hn); nproc=$(ulimit -Hu)
  [ "$nofile" = unlimited ] || [ "$nofile" -gt 10000 ] && nofile=10000
  [ "$nproc" = unlimited ] || [ "$nproc" -gt 5000 ] && nproc=5000
  run=(podman --runtime runc --cgroup-manager=cgroupfs run --ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")
  "${run[@]}" --rm "$image" --help >/dev/null || fail "podman cannot start a container, also with: ${run[*]}"
  echo "note: the default podman runtime fails here; using: ${run[*]}"
fi
if "${run[@]}" --rm --entrypoint /bin/sh "$image" -c true >/dev/null 2>&1; then
  fail "the image has a shell"
fi

# The experiment on the host, in a directory mounted at /evo and owned by the image's user.
vol="$tmp/vol"
mkdir -p "$vol"
"$ctx/evo" data --data "$vol/data" --dataset digits --log-level warn >/dev/null
"$ctx/evo" init --dir "$vol/experiment" --preset digits --max-wall 1h --data "$vol/data" >/dev/null
chown -R 65532:65532 "$vol"
# The recorded data directory is a host path; inside the container the volume is /evo, so the
# worker gets --data (an explicit --data wins over the recorded one).
ctr=$("${run[@]}" -d -v "$vol:/evo" "$image" worker --dir /evo/experiment --data /evo/data --name ctr-1 --threads 1)

hist="$vol/experiment/history/ctr-1.jsonl"
births() { cat "$hist" 2>/dev/null | grep -c '"event":"birth"' || true; }
for i in $(seq 150); do
  [ "$(births)" -ge 5 ] && break
  [ "$(podman inspect "$ctr" --format '{{.State.Running}}')" = true ] || { podman logs "$ctr" | tail -5; fail "the worker in the container exited early"; }
  [ "$i" = 150 ] && fail "fewer than 5 births in 5 minutes"
  sleep 2
done
owner=$(stat -c %u "$hist")
[ "$owner" = 65532 ] || fail "the worker's history is owned by uid $owner, want 65532 (non-root)"
podman stop -t 60 "$ctr" >/dev/null
code=$(podman inspect "$ctr" --format '{{.State.ExitCode}}')
b=$(births)
podman rm "$ctr" >/dev/null; ctr=""
[ "$code" = 143 ] || { echo "exit status $code"; fail "podman stop (SIGTERM) gave exit status $code, want 143"; }

# A finished run: the worker exits 0 (a controller must not restart it).
"$ctx/evo" control --dir "$vol/experiment" --stop >/dev/null
code=0
"${run[@]}" --rm -v "$vol:/evo" "$image" worker --dir /evo/experiment --data /evo/data --name ctr-2 >/dev/null 2>&1 || code=$?
[ "$code" = 0 ] || fail "a worker on a stopped run exited $code, want 0"

"$ctx/evo" check --dir "$vol/experiment" >"$tmp/check.out" 2>&1 || { cat "$tmp/check.out"; fail "evo check is not clean"; }
pass "image $((size / 1000000)) MB, $b births in the container as uid 65532, SIGTERM -> 143, stopped run -> 0, evo check clean"
