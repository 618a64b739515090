package dashboard

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"evo/population"
)

// view is what a page handler gives the layout: the page's template and its data.
type view struct {
	Title    string
	Template string
	Data     any
}

// httpError is an error with the status it answers.
type httpError struct {
	code int
	msg  string
}

func (e *httpError) Error() string { return e.msg }

func notFound(format string, args ...any) error {
	return &httpError{http.StatusNotFound, fmt.Sprintf(format, args...)}
}

// layoutData is the frame around every page.
type layoutData struct {
	Title      string
	Nav        string
	Dir        string
	Generation uint64
	Body       template.HTML
}

// page renders a handler's view inside the layout; errors become plain error pages.
func (s *Server) page(h func(r *http.Request) (view, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		gen := s.Generation()
		v, err := h(r)
		if err == nil {
			var body bytes.Buffer
			if err = s.tmpl.ExecuteTemplate(&body, v.Template, v.Data); err == nil {
				var out bytes.Buffer
				err = s.tmpl.ExecuteTemplate(&out, "layout", layoutData{Title: v.Title, Nav: v.Template,
					Dir: s.opts.Main.Dir, Generation: gen, Body: template.HTML(body.String())})
				if err == nil {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.Header().Set("Cache-Control", "no-store")
					w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
					if r.Method != http.MethodHead {
						w.Write(out.Bytes())
					}
					return
				}
			}
		}
		s.fail(w, r, err)
	}
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if errors.As(err, &he) {
		http.Error(w, he.msg, he.code)
		return
	}
	if errors.Is(err, population.ErrUnknown) {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	s.opts.Logger.Warn("dashboard: request failed", "path", r.URL.Path, "err", err)
	http.Error(w, "dashboard: "+err.Error(), http.StatusInternalServerError)
}

// setting is one line of experiment.json.
type setting struct{ Key, Value string }

type overviewData struct {
	Status   *statusView
	Plot     *timelinePlot // nil while the first one is computed
	PlotAt   time.Time
	Settings []setting
	Now      time.Time
	// Budget progress in [0, 1], or -1 without a budget.
	IndividualsDone, FLOPsDone float64
	Elapsed                    time.Duration
}

func (s *Server) overview(r *http.Request) (view, error) {
	st, err := s.status()
	if err != nil {
		return view{}, err
	}
	tl, at, err := s.timeline()
	if err != nil && tl == nil {
		return view{}, err
	}
	d := overviewData{Status: st, Plot: tl, PlotAt: at, Settings: settings(s.opts.Main.Config), Now: st.Taken,
		IndividualsDone: -1, FLOPsDone: -1, Elapsed: time.Duration(st.Report.ElapsedSeconds * float64(time.Second))}
	if n := st.Limits.MaxIndividuals; n > 0 {
		d.IndividualsDone = min(float64(st.Report.Trained)/float64(n), 1)
	}
	if f := st.Limits.MaxFLOPs; f > 0 {
		d.FLOPsDone = min(st.Report.FLOPsTotal/f, 1)
	}
	return view{Title: "overview", Template: "overview", Data: d}, nil
}

// settings lists experiment.json's top-level fields in file order.
func settings(config []byte) []setting {
	dec := json.NewDecoder(bytes.NewReader(config))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []setting
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return out
		}
		var compact bytes.Buffer
		if json.Compact(&compact, v) != nil {
			return out
		}
		val := compact.String()
		var str string
		if json.Unmarshal(v, &str) == nil {
			val = str
		}
		out = append(out, setting{Key: fmt.Sprint(k), Value: val})
	}
	return out
}
