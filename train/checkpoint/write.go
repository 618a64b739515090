package checkpoint

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
)

type headerEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// Write encodes c as a canonical safetensors file on w.
func Write(w io.Writer, c *Checkpoint) error {
	ids := make([]string, 0, len(c.Tensors))
	for id, t := range c.Tensors {
		if id == "" || id == metadataKey {
			return fmt.Errorf("%w: tensor id %q is reserved", ErrFormat, id)
		}
		if err := t.check(id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for k := range c.Meta {
		if k == "format" || k == "format_version" || k == "sha256" {
			return fmt.Errorf("%w: metadata key %q is reserved", ErrFormat, k)
		}
	}

	sum := sha256.New()
	var off int64
	var scratch [4]byte
	for _, id := range ids {
		for _, v := range c.Tensors[id].Data {
			binary.LittleEndian.PutUint32(scratch[:], math.Float32bits(v))
			sum.Write(scratch[:])
		}
		off += 4 * int64(len(c.Tensors[id].Data))
	}
	header, err := encodeHeader(c, ids, hex.EncodeToString(sum.Sum(nil)))
	if err != nil {
		return err
	}

	bw := bufio.NewWriterSize(w, 1<<16)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	bw.Write(n[:])
	bw.Write(header)
	for _, id := range ids {
		for _, v := range c.Tensors[id].Data {
			binary.LittleEndian.PutUint32(scratch[:], math.Float32bits(v))
			bw.Write(scratch[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("checkpoint: write: %w", err)
	}
	return nil
}

const metadataKey = "__metadata__"

// encodeHeader writes the JSON header with keys in sorted order (encoding/json sorts map keys),
// padded with spaces to a multiple of 8 bytes as safetensors recommends.
func encodeHeader(c *Checkpoint, ids []string, digest string) ([]byte, error) {
	head := make(map[string]any, len(ids)+1)
	meta := map[string]string{"format": Format, "format_version": FormatVersion, "sha256": digest}
	for k, v := range c.Meta {
		meta[k] = v
	}
	head[metadataKey] = meta
	var off int64
	for _, id := range ids {
		t := c.Tensors[id]
		end := off + 4*int64(len(t.Data))
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		head[id] = headerEntry{DType: "F32", Shape: shape, DataOffsets: [2]int64{off, end}}
		off = end
	}
	b, err := json.Marshal(head)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: encode header: %w", err)
	}
	for len(b)%8 != 0 {
		b = append(b, ' ')
	}
	return b, nil
}
