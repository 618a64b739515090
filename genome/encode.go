package genome

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// MaxEncodedSize bounds the size of an encoded genome, for Encode and Decode alike.
const MaxEncodedSize = 4 << 20

// encoded is the on-disk form: the field order here is the order in the file.
type encoded struct {
	FormatVersion *int     `json:"format_version"`
	Input         Shape    `json:"input"`
	Classes       int      `json:"classes"`
	LearningRate  float64  `json:"learning_rate"`
	HeadID        string   `json:"head_id"`
	NextID        int      `json:"next_id"`
	Vertices      []Vertex `json:"vertices"`
	Edges         []Edge   `json:"edges"`
}

// Encode writes g in its canonical JSON form: {"format_version": 1, …} with a fixed field order,
// vertices in backbone order, edges sorted by ID number, two-space indentation and a trailing
// newline, so that equal genomes encode to equal bytes and a person can read the file with cat.
// Zero-valued optional edge fields (skip, channels, half_h, half_w, stride_scale) are omitted.
// g must be valid; the encoding must not exceed MaxEncodedSize.
func Encode(g *Genome) ([]byte, error) {
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("genome: encode: %w", err)
	}
	v := FormatVersion
	e := encoded{
		FormatVersion: &v,
		Input:         g.Input,
		Classes:       g.Classes,
		LearningRate:  g.LearningRate,
		HeadID:        g.HeadID,
		NextID:        g.NextID,
		Vertices:      append([]Vertex(nil), g.Vertices...),
		Edges:         append([]Edge(nil), g.Edges...),
	}
	sort.SliceStable(e.Edges, func(i, j int) bool { return lessID(e.Edges[i].ID, e.Edges[j].ID) })
	out, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("genome: encode: %w", err)
	}
	out = append(out, '\n')
	if len(out) > MaxEncodedSize {
		return nil, fmt.Errorf("genome: encode: %d bytes, more than the limit of %d", len(out), MaxEncodedSize)
	}
	return out, nil
}

// Decode reads a genome written by Encode, strictly: input over MaxEncodedSize, malformed JSON,
// an unknown, duplicate or wrongly capitalised field, a missing or unknown format_version, or
// data after the object are errors wrapping ErrFormat; the decoded genome must then pass
// Validate (errors wrapping ErrInvalid). Edges may come in any order.
func Decode(data []byte) (*Genome, error) {
	if len(data) > MaxEncodedSize {
		return nil, fmt.Errorf("genome: %d bytes, more than the limit of %d: not a genome file?: %w", len(data), MaxEncodedSize, ErrFormat)
	}
	if err := checkKeys(data); err != nil {
		return nil, fmt.Errorf("genome: %v: %w", err, ErrFormat)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e encoded
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("genome: %v: %w", err, ErrFormat)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("genome: data after the genome object at byte %d: %w", dec.InputOffset(), ErrFormat)
	}
	switch {
	case e.FormatVersion == nil:
		return nil, fmt.Errorf("genome: format_version missing: not a genome file written by Encode?: %w", ErrFormat)
	case *e.FormatVersion != FormatVersion:
		return nil, fmt.Errorf("genome: format_version %d unknown: this build reads version %d; use a matching evo build: %w", *e.FormatVersion, FormatVersion, ErrFormat)
	}
	g := &Genome{
		Input:        e.Input,
		Classes:      e.Classes,
		LearningRate: e.LearningRate,
		Vertices:     e.Vertices,
		Edges:        e.Edges,
		HeadID:       e.HeadID,
		NextID:       e.NextID,
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("genome: decode: %w", err)
	}
	return g, nil
}
