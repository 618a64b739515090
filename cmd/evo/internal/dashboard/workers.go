package dashboard

import (
	"net/http"
	"sort"
	"time"

	"evo/population"
	"evo/storage"
)

// workerRow is one worker on the workers page.
type workerRow struct {
	population.WorkerStatus
	Alive     bool
	StateText string
	HostText  string
	Age       time.Duration
	// Child says what the worker is building now: the parent of the child in training.
	Child string
}

type workersData struct {
	Rows  []workerRow
	Alive int
}

func (s *Server) workers(r *http.Request) (view, error) {
	st, err := s.status()
	if err != nil {
		return view{}, err
	}
	d := workersData{}
	for _, ws := range st.Report.WorkerStatus {
		row := workerRow{WorkerStatus: ws, Alive: ws.Alive(st.Taken), StateText: ws.State, HostText: ws.Host,
			Age: st.Taken.Sub(ws.Time)}
		if row.HostText == "" {
			row.HostText = storage.WorkerHost(ws.Worker)
		}
		if row.Alive {
			d.Alive++
		} else if ws.State != population.StateStopped {
			row.StateText = "dead (was " + ws.State + ")"
		}
		if row.Alive && ws.Parent != "" && ws.State != population.StateSelecting {
			row.Child = ws.Parent
		}
		d.Rows = append(d.Rows, row)
	}
	// Alive workers by name first, then the others, the most recently seen first.
	sort.SliceStable(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i], d.Rows[j]
		if a.Alive != b.Alive {
			return a.Alive
		}
		if a.Alive {
			return a.Worker < b.Worker
		}
		return a.Time.After(b.Time)
	})
	return view{Title: "workers", Template: "workers", Data: d}, nil
}
