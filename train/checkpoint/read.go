package checkpoint

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
)

// Limits bound what Read accepts. Zero (or negative) fields take the defaults.
type Limits struct {
	// MaxBytes bounds the whole file, in bytes (default DefaultMaxBytes).
	MaxBytes int64
	// MaxTensors bounds the number of tensors (default DefaultMaxTensors).
	MaxTensors int
	// MaxHeader bounds the JSON header, in bytes (default DefaultMaxHeader).
	MaxHeader int
}

// Defaults of Limits: far above any network the trainer's default resource caps allow.
const (
	DefaultMaxBytes   = 4 << 30 // 4 GiB: a billion float32 values
	DefaultMaxTensors = 100_000
	DefaultMaxHeader  = 64 << 20 // 64 MiB
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

// Read decodes a checkpoint strictly (see the package documentation): it reads r to its end and
// fails on anything but exactly one well-formed evo checkpoint. Memory grows with the bytes that
// actually arrive, so a short file announcing a huge size costs little.
func Read(r io.Reader, lim Limits) (*Checkpoint, error) {
	lim = lim.withDefaults()
	var n [8]byte
	if got, err := io.ReadFull(r, n[:]); err != nil {
		return nil, fmt.Errorf("checkpoint: file has %d bytes, fewer than the 8-byte header length: %w", got, ErrTruncated)
	}
	hlen := binary.LittleEndian.Uint64(n[:])
	if hlen > uint64(lim.MaxHeader) {
		return nil, fmt.Errorf("checkpoint: header length %d exceeds the limit of %d bytes (Limits.MaxHeader): %w", hlen, lim.MaxHeader, ErrTooLarge)
	}
	if int64(hlen) > lim.MaxBytes-8 {
		return nil, fmt.Errorf("checkpoint: header length %d exceeds the file limit of %d bytes (Limits.MaxBytes): %w", hlen, lim.MaxBytes, ErrTooLarge)
	}
	header, err := readN(r, int64(hlen))
	if err != nil {
		return nil, fmt.Errorf("checkpoint: header says %d bytes of JSON, got %d: %w", hlen, len(header), ErrTruncated)
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
		return nil, fmt.Errorf("checkpoint: %d bytes of tensor data exceed the file limit of %d bytes (Limits.MaxBytes): %w", dataLen, lim.MaxBytes, ErrTooLarge)
	}
	data, err := readN(r, dataLen)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: header says %d bytes of tensor data, got %d: %w", dataLen, len(data), ErrTruncated)
	}
	if extra, _ := io.Copy(io.Discard, io.LimitReader(r, 1)); extra > 0 {
		return nil, fmt.Errorf("checkpoint: trailing bytes after the %d bytes of tensor data: %w", dataLen, ErrFormat)
	}
	digest := sha256.Sum256(data)
	if got := hex.EncodeToString(digest[:]); got != meta["sha256"] {
		return nil, fmt.Errorf("checkpoint: tensor data hashes to %s, header says %q: the file is corrupt: %w", got, meta["sha256"], ErrChecksum)
	}
	c := New()
	for k, v := range meta {
		if !reservedMeta[k] {
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

// readN reads exactly n bytes, growing its buffer (doubling, capped at n) as data arrives instead
// of allocating n up front. On a short read it returns what it got and the read error.
func readN(r io.Reader, n int64) ([]byte, error) {
	const first = 1 << 20
	buf := make([]byte, 0, min(n, first))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(n, 2*int64(cap(buf))))
			copy(grown, buf)
			buf = grown
		}
		k, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}
