// Package population is the evolution itself: many identical workers, in one process
// or many, on one host or many, evolve one population kept by a shared Store (evo/storage on
// a local disk or NFS). There is no master and no lock on the hot path.
//
// # The paper's algorithm
//
// Real et al. (ICML 2017) evolve a population of P individuals (1,000 in the paper) with W
// identical workers (250, P/4) that share it asynchronously. While the population is not full,
// a worker trains and adds an initial individual (package evo/genome's Initial). Otherwise it
// picks two individuals uniformly at random; the one with the lower fitness dies, the other is
// the parent; the child is the parent's genome with one mutation drawn uniformly from the
// eleven (genome.Mutate), starts from the parent's weights wherever they still fit, trains for T
// steps and joins the population with its validation accuracy as fitness. A worker whose step
// is spoiled by another worker (the individual it picked has just died) gives the step up; that
// is routine. The paper's controls are random search (no selection) and training without weight
// inheritance (its Figure 2); its interventions on a stuck population are a period with more
// mutations per child and a reset of every individual's weights (its Figure 4). The result of a
// run is the best individual by validation accuracy, its test accuracy reported once; an
// ensemble of the top individuals by majority vote did better still (`evo ensemble`).
//
// In code: Worker.Run is one worker, step.go decides what a step does, select.go picks parent
// and victim, reproduce.go and publish.go build, train and publish the child (training is the
// Trainer's job: the evo command plugs in package evo/train), reset.go handles population resets.
// The kill is one atomic rename in evo/storage, so of two workers that pick the same victim
// exactly one wins.
//
// # The worker loop
//
// Each Worker repeats a step (see step.go for the exact rule and the bound it keeps):
//
//   - While the population has never been full, it builds one of the paper's initial
//     individuals (no convolutions, learning rate 0.1), trains it from fresh weights and
//     publishes it.
//   - Otherwise it selects: a binary tournament between two uniformly random alive individuals
//     (the paper), or aging selection (Real et al. 2019: the best of TournamentSize random
//     individuals is the parent, the oldest alive individual dies), or random search (the
//     paper's control: parent and victim at random). The victim is killed by one atomic rename;
//     the parent's genome and weights, read before the kill, are copied and mutated
//     (MutationsPerChild mutations, genome.Mutate); the child is trained inheriting the
//     parent's weights (unless NoInheritance, the paper's other control) and published.
//   - Any interference from another worker (a victim or parent that vanished, a lost rename)
//     gives the step up: it is routine, counted, recorded as a "race" event and logged at
//     debug level.
//   - A trainer error or a child the trainer refuses (a status other than ok or diverged, e.g.
//     too large) is a failed reproduction: nothing is published, a "failure" event records it,
//     and the worker's next step reproduces without killing (it still owes the population the
//     individual it killed). A diverged child is published with fitness 0.
//
// # What is the paper's and what is ours
//
// The paper's: the population set-point (Config.PopulationSize, default 1,000), the binary
// tournament (SelectTournament), the fill phase with initial individuals, weight inheritance,
// one mutation per child (Config.MutationsPerChild, default 1), the controls random search
// (SelectRandom) and no inheritance (Config.NoInheritance), the live interventions (more
// mutations per child, a population reset), and the cost of a run as the sum of every
// individual's F_t·N_t + F_v·N_v.
//
// Ours, each a documented field or rule, and each off or neutral by default where it changes the
// algorithm:
//
//   - Aging selection (SelectAging, from Real et al. 2019, "Regularized Evolution for Image
//     Classifier Architecture Search"): the best of TournamentSize random individuals is the
//     parent and the oldest dies. Off by default.
//   - How the population stays at its set-point with no master: claims in heartbeats, regrowth
//     without a kill, culls (Population bound, below).
//   - What a failure does: a child the trainer refuses (too large) or an error publishes
//     nothing and the worker owes the population the individual it killed; a diverged child is
//     published with fitness 0, so it loses every tournament.
//   - How a population reset is carried out with no master: reset epochs (below).
//   - Budgets, stop and resume, deterministic per-child seeds, the history logs and their
//     index: none of them change which child is built from which parent.
//
// # Population bound
//
// Alive individuals stay within [P − W, P] once the population is full, with
// P the set-point and W the number of workers (the lower bound can dip by a place or two for a
// moment, see step.go): a worker announces in its heartbeat that it
// holds a kill whose child is coming (a debt) or that it is about to publish a child without a
// kill (pending), and counts the other workers' claims when it decides. The argument is in
// makeRoom; on NFS it holds up to the staleness of directory listings, and a worker that finds
// the population above P kills one individual without reproducing (a cull). After the population was
// full once, a shortfall (a worker killed while training) is made good by reproducing without
// a kill rather than by injecting untrained initial individuals.
//
// Listing staleness is bounded in steps, not only in time: a worker changes the population's
// size (a child without a kill, a cull) only on a listing that already shows its own previous
// such change; until then it reproduces with a kill, which keeps the size, or waits a moment
// (step.go, caughtUp). Without this, a listing cached for seconds while steps take milliseconds
// let every worker publish or cull at every step on one stale count. With it, each worker has
// at most about two such changes that another worker's stale listing cannot see, so alive stays
// within P + 2W on NFS (the multi-host bed asserts it; it sees P + 1 or P + 2).
//
// # Controls
//
// Live controls live in control.json (SetControl, ReadControl): mutations per child, a
// population reset, stop, and budgets. Workers read it before every step, and while a child
// trains whenever control.json changes on their host (fsnotify, through the store's
// WatchControl) and every ControlPoll besides (the only way a change made on another NFS client
// arrives), so a stop abandons the child in training.
//
// # Population resets
//
// A population reset (the paper's Figure 4) restarts the weights of every individual alive at
// that moment and remeasures its fitness, keeping its architecture. control.json holds a reset
// epoch that `evo control --reset-weights` increments; every child records the epoch in force
// when its reproduction began (Meta.Epoch, 0 before any reset). An individual of an older
// epoch is stale. While stale individuals exist, a step that would hold a tournament instead
// picks a random stale individual, kills it (several workers may race for it: the atomic kill
// decides, the losers give their step up), and publishes a copy of its architecture with fresh
// tensor ids (the RESET-WEIGHTS mutation, nothing else), trained from fresh weights, with the
// current epoch and Reset set. Tournaments, regrowth and culls draw only from current
// individuals, so no tournament compares pre-reset weights with post-reset ones, and nothing
// is inherited across a reset. Only children whose reproduction began before the reset (one
// per worker at most) can add stale individuals, so after about P + W retrainings the whole
// population is post-reset and evolution resumes (reset.go argues the bound).
//
// # Budgets
//
// A worker stops when the stop control is set or a budget is reached. MaxIndividuals and MaxFLOPs
// count the experiment's totals — every worker, every invocation, read from the shared history (at
// most every StopCheckInterval, reading only what was appended since the last check) plus the
// worker's own births since and the counts in the heartbeats — so they end the experiment, not one
// run. MaxWall counts the wall time of one invocation from Config.WallStart, so that starting a
// worker again (a rerun of a command, a cluster job resubmitted a day later) always makes progress
// when only a wall budget is set. control.json may replace each budget (Control.MaxIndividuals,
// MaxFLOPs, MaxWall; 0 = no limit, unset = Config's): Control.Limits gives the budgets in force,
// and a worker applies a change from its next step on, so a budget can be raised on a finished
// experiment or raised and lowered on a live one. A worker started when a total is already reached
// stops at once. Worker.StopMessage says why a worker stopped, with the numbers and how to go on
// (Limits.Reached, StopMessage).
//
// # Determinism
//
// Every random draw of a reproduction derives from ChildSeed(experiment seed, key), where the
// key "<worker>/<n>" and the seed are recorded in the child's metadata: Reproduce(parent
// genome, seed, mutations, reset) replays the child's genome, and the trainer receives the
// seed. A worker's own choices (who meets in a tournament) derive from WorkerSeed, logged when
// it starts.
//
// # What is stored
//
// An individual directory holds genome.json (genome.Encode), weights.safetensors (the
// trainer's checkpoint), genome.dot, inheritance.json, and the storage record whose metadata
// is a Meta: id, parent, generation, mutations, fitness, status, steps, FLOPs (F_t, F_v, N_v
// and F_t·N_t + F_v·N_v), parameters, architecture hash, learning rate, seed, worker, times,
// inherited fraction, reset. Each worker appends events to its own history log: start,
// birth (the full Meta), kill, failure, race, stop. The history outlives garbage collection
// and feeds the queries: Status, LineageOf, TimelineOf, Individuals, Show.
//
// # Reading the history in O(new events)
//
// The history grows without bound (a week at the paper's scale is about a million events,
// hundreds of megabytes), so nothing reads all of it on a regular basis:
//
//   - Incremental reading. The readers remember, for each history/<worker>.jsonl, the byte
//     offset just past the last complete line they parsed and the 64 bytes before it. The
//     next read lists the logs and parses only what each gained since. A torn last line (no
//     newline yet: a writer killed mid-append, or still writing) is left for the next read and
//     never fatal; a complete line that is not an event is counted as skipped. A log that is
//     now shorter than its offset, whose bytes before the offset changed (replaced, rotated)
//     or that vanished makes the reader start over. A worker keeps such a reader for its stop
//     conditions, so a budget check reads about the bytes appended since the last check (plus
//     a fingerprint of 64 bytes per grown log), however long the history is.
//   - The index. history.index in the experiment directory holds a summary of the history (counts,
//     FLOPs, first start), the births of the last RateWindow plus an hour (for rates), the offset
//     and fingerprint of every log it covers, and a table of every individual ever born (id,
//     parent, birth time, fitness, FLOPs, status, death and killer, and where its birth event lies
//     in which log). The first line is a JSON header; the table follows, one tab-separated row per
//     individual sorted by id, with its length and CRC-32C in the header, so that a lookup of one
//     individual is a binary search over the bytes read. The collector (`evo gc`, and the one `evo
//     run` starts) rewrites it (UpdateIndex) when it is missing or unusable, or when more than
//     IndexRewriteTail bytes were appended past it; it writes a temporary file and renames it, so
//     readers see the old or the new index. Status reads the header and the logs past its offsets;
//     LineageOf, Show and ReadBirths look individuals up in the table, TimelineOf parses all of it,
//     and a full Meta is read back from its log (one read at the recorded offset) only for the
//     individuals returned. A missing, corrupt (checksum) or stale (a log shorter than indexed, or
//     different before its offset) index is ignored with a debug log line and the whole history is
//     read: the index only saves time, it never changes an answer (the tests compare both ways on
//     random histories).
//
// # Tests
//
// population never imports a training library: Trainer is the seam (the evo command adapts
// evo/train to it; tests use a fake trainer whose fitness rewards convolutions), so the whole loop
// runs in tests on real storage. TestEvolve runs every selection and control with several workers
// and checks the invariants of the run (every publish and kill in the history, the population
// bound, replayable seeds and genomes, inheritance, costs); TestSelectionSelects and
// TestAgingKillsOldest that selection selects; TestProcesses runs workers as separate processes and
// SIGKILLs one while it publishes; TestPaperScale runs a population of 100 with 25
// workers (EVO_PAPER_SCALE=1: the paper's 1,000 and 250); TestPopulationReset the reset bound;
// TestTrainerFailures failed and diverged children; TestStopConditions, TestBudgetResumeAndRaise
// and TestWallBudgetPerInvocation the budgets; TestReproduce that a lineage replays;
// TestIndexEquivalentToFullRead that the index never changes an answer.
package population
