// Package storage is evo's population on a shared filesystem (NFS or local disk): individuals
// are directories of plain files, every state change is one atomic rename, and no lock is taken
// on the hot path. It moves directories and bytes and knows nothing of genomes or training.
//
// # Layout
//
//	experiment.json            immutable config, created once (link(2): concurrent inits agree)
//	control.json               live controls, replaced atomically
//	population/<id>/           alive individuals: record.json plus the caller's files
//	graveyard/<id>.<ns>.<w>/   killed individuals: unix-nanos time of death and killer's name
//	graveyard/gc-<c>/<grave>/  graves claimed by collector c, being recorded and removed
//	staging/<w>.<id>/          children being written by worker w
//	staging/<w>.tmp-<hex>      temporary files of atomic replaces (heartbeats, control, config)
//	heartbeats/<w>.json        one per worker, replaced atomically, mtime = time of the beat
//	history/<w>.jsonl          one append-only event log per worker (and gc-<w>.jsonl per collector)
//	locks/<w>.lock             gofrs/flock held by a live worker; records its lock domain and pid
//	quarantine/                where Repair moves bad entries; nothing is ever deleted by it
//	logs/                      free-form logs of the run's processes (evo run, scripts); never checked
//
// Ids look like 20260105T101530.123456789Z-0123456789ab: UTC birth time plus 48 random bits, so
// they are unique across hosts and `ls population/` reads like a history.
//
// # Protocol
//
// Publish: Stage makes staging/<w>.<id>/; each file is written, fsynced and closed while being
// hashed; record.json (id, worker, birth, size and SHA-256 of every file, caller's meta) is
// written last and fsynced; the stage directory is fsynced; one rename moves it to
// population/<id> (the commit point); population/ and staging/ are fsynced. A directory in
// population/ without a valid record is therefore never the product of this code: it is
// reported by Check and skipped by readers.
//
// Kill: one rename population/<id> → graveyard/<id>.<ns>.<killer>. rename(2) is atomic, so of
// several racing killers exactly one succeeds; the others see ENOENT and get ErrLostRace. A
// retransmitted NFS rename can report ENOENT although it succeeded: the killer then finds its
// own grave name and counts the kill as won.
//
// Read: List is one readdir of population/. Record reads record.json (size checked first, never
// following symlinks) and validates it; ReadFile and OpenFile verify size and SHA-256 against it.
// Anything vanished, ESTALE, torn or corrupt is ErrGone: the caller picks another individual.
//
// History: each worker appends JSON lines to its own log and fsyncs each; one writer per file is
// safe on NFS where a shared append is not. Logs are never collected: lineage, plots and cost
// accounting read them after the individuals are gone.
//
// Garbage collection (PlanGC, then ExecuteGC): removes graves older than DefaultGrace (NFS
// attribute caches hide a rename for up to a minute, and a slow reader may still stream a
// killed checkpoint), then, under a byte budget (GCOptions.MaxGraveyardBytes), the oldest
// remaining graves, but never one younger than MinGraveGrace; and the staging leftovers and lock
// files of workers that Liveness judges dead. ExecuteGC judges each worker again before removing
// its files, since a plan may be old. Every removal is first written to the collector's GC log,
// so that a kill in the histories always has its grave or a GC record; a removal whose record
// cannot be written (a full disk) is skipped and retried by the next collection. It never
// touches population/. Dry runs plan and report only.
//
// Exactly one GC record per grave. Several collectors run at once (one per host, or one per
// Slurm task), through different mounts, and may all plan the same grave. A grave is therefore
// collected in three steps: claim, record, remove. The claim is one rename of
// graveyard/<grave> into the collector's own claim directory graveyard/gc-<collector>/<grave>;
// of racing collectors exactly one rename succeeds, and only its collector writes the record.
// Nobody else ever renames into that directory, so a rename that reports ENOENT although it
// happened (a retransmitted NFS rename) is recognised by finding the grave there, and counts as
// won; a collector that lost the race finds nothing and moves on. The claim is fsynced before
// the record is written, so that a crash cannot put a recorded grave back. A collector that
// dies between claim and removal leaves its claim directory behind: to let others prove its
// death, a collector takes a lock (locks/<collector>.lock, like a worker's) before its first
// claim. Collectors write no heartbeat, so the liveness rule is applied to the claim itself: a
// claim is taken over (renamed into the taker's claim directory, again one winner) only when the
// collector's lock is free in a lock domain the taker shares, or when the claimed grave has been
// watched unchanged for the staleness bound on the taker's clock. A live collector holds a claim
// for the time of one record and one removal, so a claim that lasts the bound belongs to a
// collector that died or has been paused that long; a first sight never counts. A taken-over
// grave may already have its record, so the taker searches the GC logs for it first and writes
// one only if there is none; the same holds for a collector's own claims left by a failed
// append (a full disk may have written part or all of the line).
// A live collector re-checks that it still holds its claim just before writing the record.
// The only way left to write two records is the one that loses a stalled worker its child: a
// collector paused for longer than the staleness bound exactly between that check and its
// append (or whose mount still caches the claim's name when it checks), in a lock domain the
// taker does not share.
//
// Why a claim rather than records that readers deduplicate: every reader of the histories
// (the bed's invariants, lineage, accounting) could count a grave twice, and each would have to
// know to deduplicate; a rename is the one primitive this package already trusts on every
// filesystem it supports, and it makes the log itself exact.
//
// # Liveness
//
// Workers run on many hosts, in containers, behind FUSE and caching mounts. Nothing of a worker
// (a stage, its lock file) is ever removed unless Liveness says Dead, and it says Dead only on
// proof. Two kinds of proof exist.
//
// Staleness, on the observer's clock. A worker replaces heartbeats/<w>.json every few seconds.
// The observer (a collector, a checker) fingerprints that file as it reads it (absent, or inode,
// size, mtime and content hash) and remembers, on its own clock, when it first saw each
// fingerprint. The worker is dead when the fingerprint has not changed for longer than the
// staleness bound (GCOptions.StaleStaging, default DefaultStaleStaging) since the observer first
// saw it. A remote mtime is never compared with the local clock: with clocks skewed by minutes,
// that comparison would make a live worker look old or a dead one young. The price: a process
// that has just started has watched nothing yet and proves no staleness; a one-shot `evo gc` or
// `evo check` reclaims or reports only what the second kind of proof covers, and a long-running
// collector (`evo run`, `evo gc --loop`) reclaims the rest once it has watched it for the bound.
// A paused worker (SIGSTOP, a hung server) is therefore never dead while paused for less than
// the bound minus the age its heartbeat may already have had as seen by the observer when it
// stopped (one heartbeat interval plus the mount's attribute-cache time; seconds against the
// default bound of hours); one paused longer may be, and finds its stage gone when it wakes: it
// loses that child, nothing else.
//
// A free lock, only in a shared lock domain. flock(2) is only meaningful between processes
// that see the same lock table: the same kernel, reaching the experiment through the same
// mount. Two mounts of one directory (two sshfs or FUSE mounts on one host, an NFS export
// mounted by two containers, an object-store mount) each keep their own locks, so a lock held
// through one looks free through the other, under the same host name. Register therefore
// writes the owner's lock domain into its lock file: the kernel's boot id, the device number
// of the experiment directory as the owner sees it, and the inode of its pid namespace, plus
// its pid and host name for people. An observer whose boot id and device number are equal
// shares the lock table: for it a held lock proves life, and a free lock proves death unless
// the heartbeat has been seen changing within the bound (then the evidence disagrees and the
// answer is Unknown). Where the pid namespace is shared too, an existing pid also keeps the
// answer Unknown (a reused pid errs on the side of life); in another pid namespace the pid names
// some other process and is ignored. A lock file without a domain (an older version, another
// tool) proves nothing.
//
// Everything else is Unknown: wait for staleness. Check's leak reports and Repair's
// quarantine of leaks follow the same rule, and the population's claim accounting (who may hold
// a place in the population) applies the staleness half of it to heartbeats.
//
// Tests and the multi-host test bed simulate a skewed host clock with Options.ClockOffset (the
// evo command reads it from EVO_CLOCK_OFFSET): ids, grave times and heartbeat times shift, and
// liveness is unaffected because it measures only durations of one clock.
//
// Watching: fsnotify wakes a worker early for changes made on its own host; a periodic tick is
// the truth everywhere, because fsnotify sees nothing done by other NFS clients.
//
// Checking: Check lists torn and corrupt individuals, ids in more than one place, staging leaks,
// foreign entries and symlinks; Repair moves them to quarantine/.
//
// # Crash safety
//
// A process killed at any instant leaves at worst a staging leftover (collected later) or a
// temporary file; a killed worker loses at most the child it was writing. A machine crash after
// a rename but before the parent fsync may undo that rename: a child is lost or a killed
// individual is resurrected, both harmless to the algorithm.
//
// # Trust
//
// Names from disk and callers are checked: one path component of [A-Za-z0-9_.-], starting with
// a letter or digit. Files inside the experiment are opened with O_NOFOLLOW and directories are
// checked with lstat, so a planted symlink is never followed out of the experiment (the residual
// check-then-open window only matters against someone who can already write the directory).
// Sizes are checked before anything is read into memory.
package storage
