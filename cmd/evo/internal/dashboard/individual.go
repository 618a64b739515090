package dashboard

import (
	"bytes"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"slices"

	"evo/genome/draw"
	"evo/population"
)

// maxInheritanceBytes bounds the inheritance report read into a page.
const maxInheritanceBytes = 1 << 20

type lineageStep struct {
	population.Individual
	// Edge is the mutations from the step above (empty for the oldest).
	Edge string
}

type individualData struct {
	population.Individual
	Lineage      []lineageStep // oldest first
	Complete     bool
	Fitness      template.HTML // sparkline of the fitness along the lineage
	Architecture template.HTML
	ArchError    string
	Files        []File
	Inheritance  string
}

// resolve turns "best" into the fittest alive individual's id and checks any other id.
func (s *Server) resolve(id string) (string, error) {
	if id == "best" {
		list, err := s.alive()
		if err != nil {
			return "", err
		}
		for _, in := range list { // fittest first
			if in.Meta.Status == population.StatusOK {
				return in.Meta.ID, nil
			}
		}
		return "", notFound("no trained individual is alive yet")
	}
	if !validID(id) {
		return "", notFound("%q is not an individual id", id)
	}
	return id, nil
}

func (s *Server) individual(r *http.Request) (view, error) {
	id, err := s.resolve(r.PathValue("id"))
	if err != nil {
		return view{}, err
	}
	store := s.opts.Main.Store
	in, err := population.Show(store, id)
	if err != nil {
		return view{}, err
	}
	d := individualData{Individual: in}
	l, err := population.LineageOf(store, id)
	if err != nil {
		return view{}, err
	}
	d.Complete = l.Complete
	var fit []float64
	for i := len(l.Chain) - 1; i >= 0; i-- {
		step := lineageStep{Individual: l.Chain[i]}
		if i < len(l.Chain)-1 {
			step.Edge = mutationsText(step.Meta)
		}
		d.Lineage = append(d.Lineage, step)
		fit = append(fit, step.Meta.Fitness)
	}
	d.Fitness = sparkline(fit)
	if g, err := s.opts.Individuals.Genome(in); err != nil {
		d.ArchError = err.Error()
	} else {
		var b bytes.Buffer
		if err := draw.SVG(&b, g); err != nil {
			d.ArchError = err.Error()
		} else {
			svg := b.Bytes()
			if i := bytes.Index(svg, []byte("<svg")); i >= 0 {
				svg = svg[i:]
			}
			d.Architecture = template.HTML(svg) // drawn by genome/draw, which escapes its text
		}
	}
	if files, err := s.opts.Individuals.Files(id); err == nil {
		d.Files = files
	}
	if slices.ContainsFunc(d.Files, func(f File) bool { return f.Name == population.InheritanceFile }) {
		d.Inheritance = s.inheritance(id)
	}
	return view{Title: id, Template: "individual", Data: d}, nil
}

// inheritance returns the individual's inheritance report, indented.
func (s *Server) inheritance(id string) string {
	rc, err := s.opts.Individuals.Open(id, population.InheritanceFile)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxInheritanceBytes))
	if err != nil {
		return ""
	}
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") != nil {
		return string(b)
	}
	return out.String()
}

// file sends one of an individual's files as a download. Only a name the individual's record
// lists is opened, through Individuals, which reads it through storage.
func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	id, name := r.PathValue("id"), r.PathValue("name")
	if !validID(id) || !validID(name) {
		http.Error(w, "no such file", http.StatusNotFound)
		return
	}
	files, err := s.opts.Individuals.Files(id)
	if err != nil {
		http.Error(w, "no such individual or no files left: "+err.Error(), http.StatusNotFound)
		return
	}
	i := slices.IndexFunc(files, func(f File) bool { return f.Name == name })
	if i < 0 {
		http.Error(w, "no such file", http.StatusNotFound)
		return
	}
	rc, err := s.opts.Individuals.Open(id, name)
	if err != nil {
		http.Error(w, "cannot read "+name+": "+err.Error(), http.StatusNotFound)
		return
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", `attachment; filename="`+id+"-"+name+`"`)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, rc); err != nil {
		s.opts.Logger.Warn("dashboard: sending a file", "id", id, "file", name, "err", err)
	}
}
