// Package dashboard is the web dashboard of `evo serve`: a read-only view of one experiment
// directory (and, on the compare page, of several) in a browser.
//
// Pages are rendered on the server from the population and storage queries that the other evo
// commands use; every asset (templates, one small script, one style sheet) is embedded in the
// binary, so the pages load nothing from the network. The script does two things only: it
// listens to server-sent events on /events and, on each one, fetches the page again and swaps
// its main part, so the numbers follow the run; the leaderboard sorts through links that the
// server answers.
//
// Pages:
//
//	/                      overview: settings, alive/trained/failed/races, budgets, FLOPs,
//	                       the graveyard, and every individual's validation accuracy over time
//	                       with the best so far (inline SVG)
//	/workers               every worker's last heartbeat
//	/leaderboard?sort=KEY  the alive individuals (fitness, params, flops, generation, age)
//	/individual/ID         one individual (ID or "best"): record, architecture, lineage with the
//	                       mutations on each edge, inheritance report, its files
//	/individual/ID/files/NAME   one of those files, as a download
//	/compare               best so far against FLOPs and against time, one curve per directory
//	/events                server-sent events: "change" when the experiment may have changed
//
// Safety. The server only reads: it never writes, renames or removes anything in an experiment
// (the tests hash the whole directory tree before and after visiting every page). It answers
// GET and HEAD only. An individual is named by an id that must be one path component of
// letters, digits, '_', '.' and '-' starting with a letter or digit, and a file by a name its
// record lists, so no request reaches outside the experiment (../, absolute paths and their
// percent-encoded forms are refused); the files themselves are opened through storage, which
// refuses symbolic links and checks each file's size and checksum against the record.
//
// Freshness and cost. The experiment's state has a generation, which advances when it may have
// changed: at once on a change on this host (fsnotify) and at every periodic listing, which is
// what sees the changes of other hosts on a shared filesystem. What a page shows from the
// population and the heartbeats is computed at most once per generation, through population's
// index-backed readers. The two views that read every birth of the history (the overview's
// plot and the compare page) are computed in the background instead, one at a time and no more
// often than every three times their last duration: a page shows the latest one with the time
// it was taken, or a placeholder while the first is computed, and browsers are told when a new
// one is ready. So the first page of an experiment with a million history events comes at once,
// and its plot a few seconds later; the plot draws one dot per few pixels (plus every alive
// individual), so it stays small however long the run.
//
// What the dashboard cannot get from population and storage alone (the genome of a dead
// individual, rebuilt from its grave or its lineage; an individual's files, alive or in its
// grave) it asks of an Individuals implementation that the evo command provides.
package dashboard
