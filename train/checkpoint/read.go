package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

// Limits bound what Read accepts before it allocates. Zero fields take the defaults.
type Limits struct {
	// MaxBytes bounds the whole file (default DefaultMaxBytes).
	MaxBytes int64
	// MaxTensors bounds the number of tensors (default DefaultMaxTensors).
	MaxTensors int
	// MaxHeader bounds the JSON header (default DefaultMaxHeader).
	MaxHeader int
}

// Defaults of Limits: far above any network the trainer's default resource caps allow.
const (
	DefaultMaxBytes   = 4 << 30 // 4 GiB: one billion float32 parameters
	DefaultMaxTensors = 100_000
	DefaultMaxHeader  = 64 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxTensors <= 0 {
		l.MaxTensors = DefaultMaxTensors
	}
	if l.MaxHeader <= 0 {
		l.MaxHeader = DefaultMaxHeader
	}
	return l
}

// Read decodes a checkpoint strictly (see the package documentation).
func Read(r io.Reader, lim Limits) (*Checkpoint, error) {
	lim = lim.withDefaults()
	var n [8]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, fmt.Errorf("%w: shorter than the 8-byte header length", ErrTruncated)
	}
	hlen := binary.LittleEndian.Uint64(n[:])
	if hlen > uint64(lim.MaxHeader) || int64(hlen) > lim.MaxBytes-8 {
		return nil, fmt.Errorf("%w: header of %d bytes exceeds the limit of %d", ErrTooLarge, hlen, lim.MaxHeader)
	}
	header := make([]byte, hlen)
	if got, err := io.ReadFull(r, header); err != nil {
		return nil, fmt.Errorf("%w: header says %d bytes, got %d", ErrTruncated, hlen, got)
	}
	entries, meta, err := parseHeader(header, lim)
	if err != nil {
		return nil, err
	}
	ids, dataLen, err := checkLayout(entries)
	if err != nil {
		return nil, err
	}
	if dataLen > lim.MaxBytes-8-int64(hlen) {
		return nil, fmt.Errorf("%w: %d bytes of tensor data exceed the limit of %d", ErrTooLarge, dataLen, lim.MaxBytes)
	}
	data := make([]byte, dataLen)
	if got, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("%w: header says %d bytes of tensor data, got %d", ErrTruncated, dataLen, got)
	}
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		return nil, fmt.Errorf("%w: trailing bytes after the tensor data", ErrFormat)
	}
	digest := sha256.Sum256(data)
	if got := hex.EncodeToString(digest[:]); got != meta["sha256"] {
		return nil, fmt.Errorf("%w: data hashes to %s, header says %s", ErrChecksum, got, meta["sha256"])
	}
	c := New()
	for k, v := range meta {
		if k != "format" && k != "format_version" && k != "sha256" {
			c.Meta[k] = v
		}
	}
	for _, id := range ids {
		e := entries[id]
		raw := data[e.DataOffsets[0]:e.DataOffsets[1]]
		t := &Tensor{Shape: append([]int{}, e.Shape...), Data: make([]float32, len(raw)/4)}
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		c.Tensors[id] = t
	}
	return c, nil
}

// parseHeader decodes the JSON header token by token so that duplicate keys, which
// encoding/json would silently merge, are an error.
func parseHeader(b []byte, lim Limits) (map[string]headerEntry, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimRight(b, " ")))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, fmt.Errorf("%w: header is not a JSON object", ErrFormat)
	}
	entries := map[string]headerEntry{}
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
		}
		key := tok.(string)
		if seen[key] {
			return nil, nil, fmt.Errorf("%w: header: duplicate key %q", ErrFormat, key)
		}
		seen[key] = true
		if key == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("%w: __metadata__ must map strings to strings: %v", ErrFormat, err)
			}
			continue
		}
		if len(entries) >= lim.MaxTensors {
			return nil, nil, fmt.Errorf("%w: more than %d tensors", ErrTooLarge, lim.MaxTensors)
		}
		var e headerEntry
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("%w: tensor %q: %v", ErrFormat, key, err)
		}
		strict := json.NewDecoder(bytes.NewReader(raw))
		strict.DisallowUnknownFields()
		if err := strict.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("%w: tensor %q: %v", ErrFormat, key, err)
		}
		entries[key] = e
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("%w: header: %v", ErrFormat, err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("%w: header: data after the JSON object", ErrFormat)
	}
	if meta == nil {
		return nil, nil, fmt.Errorf("%w: no __metadata__: not an evo checkpoint (format %q)", ErrFormat, Format)
	}
	if meta["format"] != Format {
		return nil, nil, fmt.Errorf("%w: __metadata__ format %q, want %q", ErrFormat, meta["format"], Format)
	}
	if meta["format_version"] != FormatVersion {
		return nil, nil, fmt.Errorf("%w: format_version %q: this evo reads version %s", ErrFormat, meta["format_version"], FormatVersion)
	}
	return entries, meta, nil
}

// checkLayout checks dtypes, shapes and offsets and returns the ids in data order and the
// length of the data section. Offsets must tile [0, end) exactly, without gaps or overlaps.
func checkLayout(entries map[string]headerEntry) ([]string, int64, error) {
	ids := make([]string, 0, len(entries))
	for id, e := range entries {
		if e.DType != "F32" {
			return nil, 0, fmt.Errorf("%w: tensor %q: dtype %q, evo checkpoints hold F32 only", ErrFormat, id, e.DType)
		}
		n := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && n > math.MaxInt64/4/int64(d)) {
				return nil, 0, fmt.Errorf("%w: tensor %q: bad shape %v", ErrFormat, id, e.Shape)
			}
			n *= int64(d)
		}
		if e.DataOffsets[0] < 0 || e.DataOffsets[1]-e.DataOffsets[0] != 4*n {
			return nil, 0, fmt.Errorf("%w: tensor %q: shape %v needs %d bytes, offsets %v give %d", ErrFormat, id, e.Shape, 4*n, e.DataOffsets, e.DataOffsets[1]-e.DataOffsets[0])
		}
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := entries[ids[i]].DataOffsets, entries[ids[j]].DataOffsets
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[1] < b[1]
	})
	var end int64
	for _, id := range ids {
		o := entries[id].DataOffsets
		if o[0] != end {
			return nil, 0, fmt.Errorf("%w: tensor %q: data_offsets %v leave a gap or overlap at byte %d", ErrFormat, id, o, end)
		}
		end = o[1]
	}
	return ids, end, nil
}
