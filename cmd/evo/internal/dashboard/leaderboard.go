package dashboard

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"evo/population"
)

// sortKeys are the leaderboard's columns that sort, each with its order (larger first for
// fitness; smaller first for cost; youngest first for age).
var sortKeys = map[string]func(a, b population.Individual) int{
	"fitness":    func(a, b population.Individual) int { return cmp.Compare(b.Meta.Fitness, a.Meta.Fitness) },
	"params":     func(a, b population.Individual) int { return cmp.Compare(a.Meta.Params, b.Meta.Params) },
	"flops":      func(a, b population.Individual) int { return cmp.Compare(a.Meta.FLOPs.Total, b.Meta.FLOPs.Total) },
	"generation": func(a, b population.Individual) int { return cmp.Compare(b.Meta.Generation, a.Meta.Generation) },
	"age":        func(a, b population.Individual) int { return b.Meta.Born.Compare(a.Meta.Born) },
}

type leaderRow struct {
	Rank int
	population.Individual
	Age time.Duration
}

type leaderboardData struct {
	Sort    string
	Reverse bool
	Rows    []leaderRow
}

func (s *Server) leaderboard(r *http.Request) (view, error) {
	key := r.URL.Query().Get("sort")
	if key == "" {
		key = "fitness"
	}
	less, ok := sortKeys[key]
	if !ok {
		return view{}, &httpError{http.StatusBadRequest, "sort must be one of fitness, params, flops, generation, age"}
	}
	reverse := r.URL.Query().Get("order") == "reverse"
	list, err := s.alive()
	if err != nil {
		return view{}, err
	}
	now := s.opts.Now()
	rows := make([]leaderRow, len(list))
	for i, in := range list {
		rows[i] = leaderRow{Individual: in, Age: now.Sub(in.Meta.Born)}
	}
	slices.SortStableFunc(rows, func(a, b leaderRow) int {
		c := less(a.Individual, b.Individual)
		if reverse {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.Meta.ID, b.Meta.ID)
		}
		return c
	})
	for i := range rows {
		rows[i].Rank = i + 1
	}
	return view{Title: "leaderboard", Template: "leaderboard", Data: leaderboardData{Sort: key, Reverse: reverse, Rows: rows}}, nil
}
