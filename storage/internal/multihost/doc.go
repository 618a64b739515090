// Package multihost is a test bed that runs the real evo binary as several "hosts" sharing one
// experiment directory, each through its own NFS-like mount, and checks that the storage
// protocol keeps its promises under chaos. It has no library code; TestMultiHost is the bed.
//
// What it builds (as root, with /dev/fuse and util-linux unshare; EVO_MULTIHOST=1 turns it on):
//
//   - a small tmpfs (64 MiB) as the backing directory, so that the disk can really fill up;
//   - three hosts, each a process tree in its own UTS, PID and mount namespace
//     (unshare --uts --pid --fork --mount-proc) with its own hostname, reaching the experiment
//     through its own nfsfuse mount of the backing directory (attribute, name and listing caches
//     of 3 s, close-to-open, renames that report ENOENT after success, ESTALE, and flock that
//     is only seen by processes of the same mount);
//   - two workers and one collector (evo gc --loop, short grace and staleness limits) per host.
//
// Hosts h1 and h2 carry the same hostname, as two containers or pods of one node may: nothing
// may rely on hostnames being unique. Host h0 runs with EVO_CLOCK_OFFSET=+5m (a clock-offset
// setting of storage; a build without it ignores the variable and the bed says so).
//
// Chaos: one worker is SIGKILLed mid-run; another is SIGSTOPped for longer than every staleness
// limit of the collectors, then SIGCONTed (a zombie that wakes mid-write); the backing disk is
// filled for a window and then freed.
//
// Afterwards it asserts, reading the backing directory through storage's public API:
//
//   - every id born (a birth in the histories) is alive, in the graveyard, or recorded by a
//     collector, exactly once, and no id is killed twice;
//   - nothing is torn: evo check is clean and every alive individual's files verify;
//   - no live worker's lock or stage was removed: the bed knows when each worker ran, was
//     stopped or was killed, watches each running worker's lock file, and reads every removal in
//     the collectors' GC logs; a removal is a violation unless its owner was dead, or stopped for
//     longer than the staleness limit less one heartbeat interval and the cache timeout (the
//     age its last seen heartbeat may already have had when it stopped), at that moment. Worker
//     logs are searched for lost-registration errors too;
//   - no event is lost: a torn history line is allowed (an append cut short by the full disk,
//     reported to its writer), an event glued to such a fragment is not;
//   - the population stays bounded: the births and kills of the histories, replayed in time
//     order (a kill whose event the full disk swallowed is timed by its grave's name), never
//     have more than P + 2W individuals alive (P = 8, W = 6 workers), and between 1 and P + 2W
//     are alive at the end (the argument is at replayPopulation). The replay's maximum,
//     minimum once full, size at the end and time spent above P are printed as figures.
//
// It prints its figures (births, kills, races, failures, injected faults, removals) and every
// violation with the rule and the file. EVO_MULTIHOST_HOSTNAMES (comma-separated) replaces the
// three hostnames, e.g. to run with unique ones. Extra collector flags can be given in
// EVO_MULTIHOST_GC_ARGS (space-separated), and a prebuilt binary in EVO_MULTIHOST_BIN.
// EVO_MULTIHOST_LOGS=DIR keeps the processes' logs and EVO_MULTIHOST_EXP=DIR a copy of the
// experiment directory as the run left it (histories, population, graveyard), for analysis.
//
//	EVO_MULTIHOST=1 go test -count=1 -v -run TestMultiHost ./storage/internal/multihost/
package multihost
