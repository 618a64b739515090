package checkpoint

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
)

const metadataKey = "__metadata__"

// reservedMeta are the metadata keys evo owns; callers cannot set them.
var reservedMeta = map[string]bool{"format": true, "format_version": true, "sha256": true}

// entry is one tensor's header record.
type entry struct {
	DType       string  `json:"dtype"`
	Shape       []int   `json:"shape"`
	DataOffsets []int64 `json:"data_offsets"`
}

// parseHeader decodes the JSON header strictly: no duplicate keys at any depth (encoding/json
// would keep the last silently), exactly the fields dtype, shape and data_offsets per tensor
// (encoding/json would match field names case-insensitively and ignore extras), and an evo
// "__metadata__" of the supported version.
func parseHeader(b []byte, lim Limits) (map[string]entry, map[string]string, error) {
	if err := noDuplicateKeys(b); err != nil {
		return nil, nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil {
		return nil, nil, fmt.Errorf("checkpoint: header is not a JSON object: %v: %w", err, ErrFormat)
	}
	rawMeta, ok := top[metadataKey]
	if !ok {
		return nil, nil, fmt.Errorf("checkpoint: header has no __metadata__: not an evo checkpoint (format %q): %w", Format, ErrFormat)
	}
	delete(top, metadataKey)
	var meta map[string]string
	if err := json.Unmarshal(rawMeta, &meta); err != nil || meta == nil {
		return nil, nil, fmt.Errorf("checkpoint: __metadata__ must map strings to strings: %w", ErrFormat)
	}
	if meta["format"] != Format {
		return nil, nil, fmt.Errorf("checkpoint: __metadata__ format %q, want %q: not an evo checkpoint: %w", meta["format"], Format, ErrFormat)
	}
	if meta["format_version"] != FormatVersion {
		return nil, nil, fmt.Errorf("checkpoint: format_version %q: this evo reads version %s only; use the evo that wrote it: %w", meta["format_version"], FormatVersion, ErrFormat)
	}
	if _, ok := meta["sha256"]; !ok {
		return nil, nil, fmt.Errorf("checkpoint: __metadata__ has no sha256 of the tensor data: %w", ErrFormat)
	}
	if len(top) > lim.MaxTensors {
		return nil, nil, fmt.Errorf("checkpoint: %d tensors exceed the limit of %d: %w", len(top), lim.MaxTensors, ErrTooLarge)
	}
	entries := make(map[string]entry, len(top))
	for id, raw := range top {
		e, err := parseEntry(raw)
		if err != nil {
			return nil, nil, fmt.Errorf("checkpoint: tensor %q: %v: %w", id, err, ErrFormat)
		}
		entries[id] = e
	}
	return entries, meta, nil
}

// parseEntry decodes {"dtype", "shape", "data_offsets"}, all three required, nothing else.
func parseEntry(raw json.RawMessage) (entry, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return entry{}, errors.New("want an object with dtype, shape and data_offsets")
	}
	var e entry
	for name, dst := range map[string]any{"dtype": &e.DType, "shape": &e.Shape, "data_offsets": &e.DataOffsets} {
		v, ok := fields[name]
		if !ok {
			return entry{}, fmt.Errorf("missing field %q", name)
		}
		if err := json.Unmarshal(v, dst); err != nil || bytes.Equal(v, []byte("null")) {
			return entry{}, fmt.Errorf("field %q: %s is not valid", name, v)
		}
		delete(fields, name)
	}
	for name := range fields {
		return entry{}, fmt.Errorf("unknown field %q", name)
	}
	if len(e.DataOffsets) != 2 {
		return entry{}, fmt.Errorf("data_offsets %v: want [begin, end]", e.DataOffsets)
	}
	return e, nil
}

// noDuplicateKeys walks the JSON tokens and fails on a key repeated within one object.
func noDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		keys   map[string]bool
		object bool
		expect bool // the next token in this object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("checkpoint: header is not valid JSON: %v: %w", err, ErrFormat)
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expect {
			if key, ok := tok.(string); ok {
				if top.keys[key] {
					return fmt.Errorf("checkpoint: header: duplicate key %q: %w", key, ErrFormat)
				}
				top.keys[key] = true
				top.expect = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{keys: map[string]bool{}, object: true, expect: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value (scalar or closed container) ends; its enclosing object expects a key again.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].expect = true
		}
	}
}

// checkLayout checks dtypes, shapes and offsets and returns the ids in data order and the
// length of the data section. Offsets must tile [0, end) exactly, without gaps or overlaps.
func checkLayout(entries map[string]entry) ([]string, int64, error) {
	ids := make([]string, 0, len(entries))
	for id, e := range entries {
		if e.DType != "F32" {
			return nil, 0, fmt.Errorf("checkpoint: tensor %q: dtype %q, evo checkpoints hold F32 only: %w", id, e.DType, ErrFormat)
		}
		n := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && n > math.MaxInt64/4/int64(d)) {
				return nil, 0, fmt.Errorf("checkpoint: tensor %q: shape %v: dimensions must be ≥ 0 and their product small enough: %w", id, e.Shape, ErrFormat)
			}
			n *= int64(d)
		}
		b, en := e.DataOffsets[0], e.DataOffsets[1]
		if b < 0 || en < b {
			return nil, 0, fmt.Errorf("checkpoint: tensor %q: data_offsets %v: want 0 ≤ begin ≤ end: %w", id, e.DataOffsets, ErrFormat)
		}
		if en-b != 4*n {
			return nil, 0, fmt.Errorf("checkpoint: tensor %q: shape %v needs %d bytes, data_offsets %v give %d: %w", id, e.Shape, 4*n, e.DataOffsets, en-b, ErrFormat)
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := entries[ids[i]].DataOffsets, entries[ids[j]].DataOffsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		if a[1] != b[1] {
			return a[1] < b[1]
		}
		return ids[i] < ids[j]
	})
	var end int64
	for _, id := range ids {
		o := entries[id].DataOffsets
		if o[0] != end {
			return nil, 0, fmt.Errorf("checkpoint: tensor %q: data_offsets %v leave a gap or overlap at byte %d: %w", id, o, end, ErrFormat)
		}
		end = o[1]
	}
	return ids, end, nil
}
