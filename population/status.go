package population

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"
)

// RateWindow is the window over which Status measures individuals and FLOPs per minute: long
// enough to average over many births, short enough to follow a change of pace.
const RateWindow = 10 * time.Minute

// StatusReport is the state of an experiment at a moment (`evo status --json`).
type StatusReport struct {
	// Alive is the number of individuals in population/.
	Alive int `json:"alive"`
	// Trained is the number of individuals ever trained and published (from the history).
	Trained int `json:"trained"`
	// Best is the fittest alive individual (empty ID if none is alive).
	Best Best `json:"best"`
	// FLOPsTotal is the cost of every individual ever built, dead ones included.
	FLOPsTotal float64 `json:"flops_total"`
	// Workers is the number of workers with a live heartbeat.
	Workers int `json:"workers"`
	// WorkerStatus is every worker's last heartbeat, dead ones included.
	WorkerStatus []WorkerStatus `json:"worker_status"`
	// Kills, Failures and Races count those history events.
	Kills    int `json:"kills"`
	Failures int `json:"failures"`
	Races    int `json:"races"`
	// PerMinute is births per minute over the last RateWindow (or since the start).
	PerMinute float64 `json:"per_minute"`
	// FLOPsPerMinute is the cost per minute over the same window.
	FLOPsPerMinute float64 `json:"flops_per_minute"`
	// Started is when the first worker started; Elapsed is now minus Started.
	Started        time.Time `json:"started,omitzero"`
	ElapsedSeconds float64   `json:"elapsed_seconds"`
	// Control is the live control in force.
	Control Control `json:"control"`
	// Unreadable counts alive entries whose record could not be read.
	Unreadable int `json:"unreadable"`
	// SkippedHistoryLines counts history lines that were not events.
	SkippedHistoryLines int `json:"skipped_history_lines"`
}

// Best names an individual and its fitness.
type Best struct {
	ID      string  `json:"id"`
	Fitness float64 `json:"fitness"`
}

// Status reads the population, the heartbeats, the control and the whole history.
func Status(s Reader, now time.Time) (StatusReport, error) {
	var r StatusReport
	list, unreadable, err := Individuals(s)
	if err != nil {
		return r, err
	}
	r.Alive, r.Unreadable = len(list)+unreadable, unreadable
	if len(list) > 0 {
		r.Best = Best{ID: list[0].Meta.ID, Fitness: list[0].Meta.Fitness}
	}
	b, err := openBooks(s, false, true)
	if err != nil {
		return r, err
	}
	h := b.summary
	r.Trained, r.FLOPsTotal, r.Kills, r.Failures, r.Races = h.Trained, h.FLOPs, h.Kills, h.Failures, h.Races
	r.Started, r.SkippedHistoryLines = h.Start, h.Skipped
	if !h.Start.IsZero() {
		r.ElapsedSeconds = now.Sub(h.Start).Seconds()
	}
	if r.PerMinute, r.FLOPsPerMinute, err = rates(s, b, h.Start, now); err != nil {
		return r, err
	}
	hbs, err := s.Heartbeats()
	if err != nil {
		return r, fmt.Errorf("population: read heartbeats: %w", err)
	}
	for _, hb := range hbs {
		ws, _ := ParseHeartbeat(hb)
		r.WorkerStatus = append(r.WorkerStatus, ws)
		if ws.Alive(now) {
			r.Workers++
		}
	}
	if r.Control, err = ReadControl(s); err != nil {
		return r, err
	}
	return r, nil
}

// rates returns births and FLOPs per minute over the last RateWindow before now. b holds the
// births born since b.recentFrom; when the window starts before that, the whole table is read.
func rates(s Reader, b *books, start, now time.Time) (perMin, flopsPerMin float64, err error) {
	from := now.Add(-RateWindow)
	if start.After(from) {
		from = start
	}
	minutes := now.Sub(from).Minutes()
	if minutes <= 0 {
		return 0, 0, nil
	}
	recent := b.recentBirths
	if from.Before(b.recentFrom) {
		all, err := openBooks(s, true, false)
		if err != nil {
			return 0, 0, err
		}
		recent = recent[:0:0]
		all.materialize()
		for _, bi := range all.births {
			recent = append(recent, recentBirth{Born: bi.born, FLOPs: bi.flops})
		}
	}
	var in []recentBirth
	for _, rb := range recent {
		if !rb.Born.Before(from) && !rb.Born.After(now) {
			in = append(in, rb)
		}
	}
	// Sum in one order whatever order the births were read in, so that the index and a full
	// read give the same figure to the last bit.
	slices.SortFunc(in, func(a, b recentBirth) int {
		if c := a.Born.Compare(b.Born); c != 0 {
			return c
		}
		return cmp.Compare(a.FLOPs, b.FLOPs)
	})
	var f float64
	for _, rb := range in {
		f += rb.FLOPs
	}
	return float64(len(in)) / minutes, f / minutes, nil
}

// Remaining estimates the time until the first of cfg's stop conditions is met at the
// current rates; ok is false when cfg has no stop condition or the rates are zero. The wall
// budget counts from cfg.WallStart (one invocation's start) and is left out when that is zero.
func (r StatusReport) Remaining(cfg Config, now time.Time) (d time.Duration, ok bool) {
	best := math.Inf(1)
	if cfg.MaxWall > 0 && !cfg.WallStart.IsZero() {
		best = math.Min(best, cfg.WallStart.Add(cfg.MaxWall).Sub(now).Minutes())
	}
	if cfg.MaxIndividuals > 0 && r.PerMinute > 0 {
		best = math.Min(best, float64(cfg.MaxIndividuals-r.Trained)/r.PerMinute)
	}
	if cfg.MaxFLOPs > 0 && r.FLOPsPerMinute > 0 {
		best = math.Min(best, (cfg.MaxFLOPs-r.FLOPsTotal)/r.FLOPsPerMinute)
	}
	if math.IsInf(best, 1) {
		return 0, false
	}
	return time.Duration(math.Max(best, 0) * float64(time.Minute)), true
}
