package dashboard

import (
	"html/template"
	"net/http"
	"time"
)

type compareData struct {
	Curves  []compareCurve
	Ready   bool
	At      time.Time
	ByFLOPs template.HTML
	ByWall  template.HTML
}

func (s *Server) compare(r *http.Request) (view, error) {
	curves, at, err := s.curves()
	if err != nil && curves == nil {
		return view{}, err
	}
	d := compareData{Curves: curves, At: at, Ready: curves != nil}
	if d.Ready {
		d.ByFLOPs, d.ByWall = curvePlot(curves, true), curvePlot(curves, false)
	}
	return view{Title: "compare", Template: "compare", Data: d}, nil
}
