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

// Write encodes c as a canonical safetensors file on w: tensors in sorted ID order with
// contiguous offsets, the header padded with spaces to a multiple of 8 bytes, and the sha256 of
// the data in "__metadata__". Equal checkpoints give equal bytes. NaN and -0 are written bit for
// bit. It fails with ErrFormat on a nil or inconsistent tensor, an empty or reserved tensor ID,
// or a reserved metadata key.
func Write(w io.Writer, c *Checkpoint) error {
	if c == nil {
		return fmt.Errorf("checkpoint: nil checkpoint: %w", ErrFormat)
	}
	ids := make([]string, 0, len(c.Tensors))
	for id, t := range c.Tensors {
		if id == "" || id == metadataKey {
			return fmt.Errorf("checkpoint: tensor id %q is reserved; use the genome's tensor IDs: %w", id, ErrFormat)
		}
		if err := t.check(id); err != nil {
			return err
		}
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for k := range c.Meta {
		if reservedMeta[k] {
			return fmt.Errorf("checkpoint: metadata key %q is reserved; evo writes it itself: %w", k, ErrFormat)
		}
	}

	sum := sha256.New()
	if err := writeData(sum, c, ids); err != nil {
		return fmt.Errorf("checkpoint: hash: %w", err)
	}
	header, err := encodeHeader(c, ids, hex.EncodeToString(sum.Sum(nil)))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	bw.Write(n[:]) // a bufio.Writer keeps its first error; Flush reports it
	bw.Write(header)
	if err := writeData(bw, c, ids); err != nil {
		return fmt.Errorf("checkpoint: write: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("checkpoint: write: %w", err)
	}
	return nil
}

// writeData writes the tensors' values, little-endian, in ids order.
func writeData(w io.Writer, c *Checkpoint, ids []string) error {
	var buf [4096]byte
	for _, id := range ids {
		data := c.Tensors[id].Data
		for len(data) > 0 {
			k := min(len(data), len(buf)/4)
			for i, v := range data[:k] {
				binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
			}
			if _, err := w.Write(buf[:4*k]); err != nil {
				return err
			}
			data = data[k:]
		}
	}
	return nil
}

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
		head[id] = entry{DType: "F32", Shape: shape, DataOffsets: []int64{off, end}}
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
