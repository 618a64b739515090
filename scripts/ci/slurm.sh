#!/usr/bin/env bash
# A real single-node Slurm cluster runs scripts/slurm-array.sbatch on the digits data set:
# a 2-task array plus one plain job, then `scancel` of one array task, `scontrol requeue` of
# the other, and `evo control --stop`. It asserts:
#   - `evo check` is clean afterwards;
#   - the requeued task's log holds both runs (appended, not truncated);
#   - worker names are distinct (the requeued task got a fresh name: its restart count);
#   - the plain job's log is named after its job id and its worker after the job;
#   - a collector was alive throughout: graves were collected by more than one task's
#     collector, and no grave ever lived much longer than the collectors' grace;
#   - no evo process is left once the jobs are gone.
# Needs root and apt-get (it installs Debian's slurm-wlm and munge); without them it prints a
# SKIP line and exits 0; a failed install is a FAIL under CI=true. Ends with one PASS/FAIL line
# with its figures. About a minute (53 s measured on 2 cores).
#
# Usage: scripts/ci/slurm.sh          (from the repository root; Go on PATH or /usr/local/go/bin)
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/ci/lib.sh

is_root || skip "needs root and apt-get to install slurm-wlm and munge"
missing=()
command -v slurmctld >/dev/null || missing+=(slurm-wlm)
command -v munged >/dev/null || missing+=(munge)
command -v pgrep >/dev/null || missing+=(procps)
command -v setpriv >/dev/null || missing+=(util-linux)
[ ${#missing[@]} = 0 ] || apt_install "${missing[@]}"
for cmd in slurmctld slurmd munged sbatch pgrep setpriv; do
  command -v "$cmd" >/dev/null || need "$cmd is missing after installing slurm-wlm, munge, procps and util-linux"
done

tmp=$(mktemp -d /tmp/evo-slurm-ci.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  set +e
  [ -n "${SLURM_CONF:-}" ] && [ -n "${jobs_all:-}" ] && scancel $jobs_all 2>/dev/null
  # Only the daemons this script started, by pid.
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.2; done
  done
  if [ -z "${KEEP:-}" ]; then rm -rf "$tmp"; else echo "kept $tmp"; fi
}
trap cleanup EXIT
t0=$ci_t0

host=$(hostname -s)
evo="$tmp/bin/evo"
go build -o "$evo" ./cmd/evo

# munge with its own key and socket, so a munged of the host (if any) is left alone.
mkdir -p "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$tmp/munge"; chmod 755 "$tmp/munge"; chmod 400 "$tmp/munge/munge.key"
setpriv --reuid=munge --regid=munge --clear-groups /usr/sbin/munged -F --force \
  --socket="$tmp/munge/sock" --key-file="$tmp/munge/munge.key" --pid-file="$tmp/munge/pid" \
  --seed-file="$tmp/munge/seed" --log-file="$tmp/munge/log" >"$tmp/munged.out" 2>&1 &
pids+=($!)

# One node, CPUs declared above the real count (config_overrides) so 3 one-CPU tasks fit.
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/logs"
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=evoci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$tmp/munge/sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
KillWait=30
NodeName=$host CPUs=4 RealMemory=4000 State=UNKNOWN
PartitionName=ci Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
for _ in $(seq 50); do [ -S "$tmp/munge/sock" ] && break; sleep 0.1; done
/usr/sbin/slurmctld -D -i -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
/usr/sbin/slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
for i in $(seq 60); do
  sinfo -h -o %T 2>/dev/null | grep -q idle && break
  [ "$i" = 60 ] && { tail -5 "$tmp/slurmctld.log" "$tmp/slurmd.log"; fail "the Slurm node did not become idle"; }
  sleep 1
done

# The experiment: digits staged once with `evo data`, recorded by `evo init --data`.
exp="$tmp/exp"
"$evo" data --data "$tmp/data" --dataset digits --log-level warn >/dev/null
"$evo" init --dir "$exp" --preset digits --max-wall 1h --data "$tmp/data" >/dev/null
grep -q '"data_dir"' "$exp/experiment.json" || fail "experiment.json does not record the data directory"

# A short grace and interval so that collection is visible within the test.
export EVO_BIN="$evo" EVO_GC_EVERY=5s EVO_GC_GRACE=20s EVO_THREADS=1
sb=(sbatch --parsable -D "$tmp/logs" --cpus-per-task=1 --mem=500M)
array=$("${sb[@]}" --array=0-1 scripts/slurm-array.sbatch "$exp")
plain=$("${sb[@]}" scripts/slurm-array.sbatch "$exp")
jobs_all="$array $plain"
echo "submitted array $array (2 tasks) and plain job $plain"

# State of a job or array task ("" when gone).
state() { squeue -h -j "$1" -o %T 2>/dev/null | head -1; }
births() { cat "$exp"/history/*.jsonl 2>/dev/null | grep -c '"event":"birth"' || true; }
# Age in seconds of the oldest grave (graveyard/<id>.<unix-nanos>.<killer>/), 0 if none.
max_grave_age=0
sample_graves() {
  local now oldest=0 ns age
  now=$(date +%s)
  for g in "$exp"/graveyard/*; do
    [ -e "$g" ] || continue
    ns=$(basename "$g" | cut -d. -f3) # the id holds one dot
    age=$((now - ns / 1000000000))
    [ "$age" -gt "$oldest" ] && oldest=$age
  done
  [ "$oldest" -gt "$max_grave_age" ] && max_grave_age=$oldest
  return 0
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 2 s, sampling graves
  local limit=$1 what=$2; shift 2
  for _ in $(seq $((limit / 2))); do
    sample_graves
    if "$@"; then return 0; fi
    sleep 2
  done
  fail "timed out after ${limit}s waiting for $what"
}

running_all() { [ "$(state "${array}_0")" = RUNNING ] && [ "$(state "${array}_1")" = RUNNING ] && [ "$(state "$plain")" = RUNNING ]; }
wait_for 60 "all three tasks running" running_all
# Enough evolution that there are kills and the first graves pass the 20 s grace.
enough() { [ "$(births)" -ge 24 ] && ls "$exp/graveyard" | grep -q .; }
wait_for 150 "24 births and a kill" enough
sleep 25; sample_graves
echo "after $(( $(date +%s) - t0 ))s: $(births) births; cancelling task 1, requeueing task 0"

scancel "${array}_1"
scontrol requeue "${array}_0"
t_requeue=$(date +%s)
# A requeued job waits about two minutes (BeginTime) before it may start again; let it go now.
requeued_running() {
  local st; st=$(state "${array}_0")
  [ "$st" = PENDING ] && scontrol update JobId="${array}_0" StartTime=now >/dev/null 2>&1
  [ "$st" != "${last_st:-}" ] && echo "  task 0: $st" && last_st=$st
  grep -q "task ${array}_0 restart 1 " "$tmp/logs/evo-worker-"*.out
}
wait_for 120 "the requeued task to run again" requeued_running
gone1() { [ -z "$(state "${array}_1")" ]; }
wait_for 60 "the cancelled task to end" gone1
# Let the requeued worker publish children before the stop.
reborn() { cat "$exp/history/slurm-${array}-0-r1-"*.jsonl 2>/dev/null | grep -q '"event":"birth"'; }
wait_for 120 "a birth by the requeued worker" reborn

"$evo" control --dir "$exp" --stop >/dev/null
t_stop=$(date +%s)
all_gone() { [ -z "$(squeue -h -j "${array},${plain}" 2>/dev/null)" ]; }
wait_for 120 "every task to end after evo control --stop" all_gone
stop_s=$(( $(date +%s) - t_stop ))
sleep 1

# --- assertions ---------------------------------------------------------------------------
logs=("$tmp"/logs/*.out)
echo "logs: $(cd "$tmp/logs" && ls | tr '\n' ' ')"
! ls "$tmp/logs" | grep -q 4294967294 || fail "a log is named after the array placeholder 4294967294"
[ -f "$tmp/logs/evo-worker-$plain.out" ] || fail "no log evo-worker-$plain.out for the plain job"
# The requeued task's log: both runs, appended.
req_log=$(grep -l "_0 restart 0" "${logs[@]}" | head -1)
[ -n "$req_log" ] || fail "no log holds task 0's first run"
grep -q "_0 restart 1" "$req_log" || fail "$req_log lost its first run or lacks the second (requeue must append)"
# Distinct worker names: task 0 twice (r0, r1), task 1, the plain job.
names=$(cd "$exp/heartbeats" && ls | sed 's/\.json$//' | sort)
echo "workers: $(echo $names)"
[ "$(echo "$names" | sort -u | wc -l)" -ge 4 ] || fail "want 4 distinct worker heartbeats, got: $names"
echo "$names" | grep -q "^slurm-${array}-0-r0-" || fail "no heartbeat of task 0's first run"
echo "$names" | grep -q "^slurm-${array}-0-r1-" || fail "no heartbeat of task 0's requeued run (fresh name)"
echo "$names" | grep -q "^slurm-${plain}-r0-" || fail "the plain job's worker is not named after job $plain"
# How each run of each task ended (143: SIGTERM from scancel/requeue; 0: the stop).
for f in "${logs[@]}"; do
  echo "  $(basename "$f"): $(grep -o 'exited with status [0-9]*' "$f" | sed 's/exited with status //' | tr '\n' ' ')"
done
# Every task that still ran at the stop ended with status 0: the requeued run and the plain job.
grep -q "r1-.*exited with status 0" "$req_log" || fail "the requeued run did not exit 0 after the stop"
grep -q "exited with status 0" "$tmp/logs/evo-worker-$plain.out" || fail "the plain job did not exit 0 after the stop"
# Collectors: GC records from more than one collector (one per task), graves collected after
# the requeue, and no grave older than grace + interval + slack while the run lived.
gc_logs=0; gc_records=0; gc_after=0
for f in "$exp"/history/gc-*.jsonl; do
  [ -e "$f" ] || continue
  n=$(grep -c '"event":"gc"' "$f" || true)
  [ "$n" -gt 0 ] && gc_logs=$((gc_logs + 1))
  gc_records=$((gc_records + n))
done
# GC records written after the requeue (GNU date reads the RFC 3339 times, one a line).
gc_after=$(grep -h '"event":"gc"' "$exp"/history/gc-*.jsonl | grep -o '"time":"[^"]*"' | cut -d'"' -f4 |
  date -f - +%s | awk -v t="$t_requeue" '$1 > t { n++ } END { print n + 0 }')
# Exactly one GC record per grave, although every task runs a collector.
gc_doubled=$(grep -h '"kind":"grave"' "$exp"/history/gc-*.jsonl | grep -o '"path":"[^"]*"' | sort | uniq -d | wc -l)
[ "$gc_doubled" = 0 ] || fail "$gc_doubled graves have more than one GC record"
[ "$gc_logs" -ge 2 ] || fail "GC records from $gc_logs collector(s), want one per task (>= 2)"
[ "$gc_after" -gt 0 ] || fail "no grave collected after the requeue: no collector alive"
[ "$max_grave_age" -le 60 ] || fail "a grave lived ${max_grave_age}s (grace 20s, interval 5s): collection stalled"
# evo check.
"$evo" check --dir "$exp" >"$tmp/check.out" 2>&1 || { cat "$tmp/check.out"; fail "evo check is not clean"; }
# No evo process left (the binary path is unique to this run).
if pgrep -f "$evo" >/dev/null; then pgrep -af "$evo"; fail "evo processes left after the jobs ended"; fi

kills=$(cat "$exp"/history/*.jsonl | grep -c '"event":"kill"' || true)
pass "births $(births), kills $kills, GC records $gc_records from $gc_logs collectors ($gc_after after the requeue, $gc_doubled graves recorded twice)," \
  "oldest grave seen ${max_grave_age}s, all tasks ended ${stop_s}s after evo control --stop, $(echo "$names" | wc -l) worker names"
