package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// NPYIndexEntry describes one .npy file of NPYFiles in its index.json.
type NPYIndexEntry struct {
	File  string `json:"file"`
	Shape []int  `json:"shape"`
	DType string `json:"dtype"`
}

// NPYFiles returns one .npy file per tensor of ck, named <tensor id>.npy, and index.json that
// maps each tensor id to its file, shape and dtype. Tensor ids become file names: the caller
// checks that they are safe ones.
func NPYFiles(ck *Checkpoint) (map[string][]byte, error) {
	files := map[string][]byte{}
	index := map[string]NPYIndexEntry{}
	for id, t := range ck.Tensors {
		name := id + ".npy"
		var b bytes.Buffer
		if err := WriteNPY(&b, t); err != nil {
			return nil, fmt.Errorf("tensor %s: %w", id, err)
		}
		files[name] = b.Bytes()
		index[id] = NPYIndexEntry{File: name, Shape: append([]int{}, t.Shape...), DType: "<f4"}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<f4", not "\u003cf4"
	enc.SetIndent("", "  ")
	if err := enc.Encode(index); err != nil {
		return nil, err
	}
	files["index.json"] = b.Bytes()
	return files, nil
}

// npyMagic starts every .npy file; format version 1.0 follows.
const npyMagic = "\x93NUMPY"

// WriteNPY writes t as a .npy file, format 1.0: magic, version, a little-endian uint16 header
// length, a Python dict literal header padded with spaces and ending in '\n' so that the data
// starts at a multiple of 64 bytes, then the float32 values little-endian in C order.
//
// It stays instead of codeberg.org/sbinet/npyio v0.14.0, measured by scripts/bench/npyio (same
// header dict and data bytes from both): npyio writes a flat []float32 only as 1-D (a 4-D
// kernel needs a nested Go array built by reflection), takes 100 to 1000 times longer (a
// 128×128×3×3 kernel: 0.84 ms and 10 allocations here, 0.9 s and 2 million allocations with
// npyio; 1-D: 0.53 s), writes format 2.0 with the data at offset 84, not at a multiple of 64
// as the format asks, and would raise the module's gonum to v0.17.0.
func WriteNPY(w io.Writer, t *Tensor) error {
	if t.Len() != len(t.Data) {
		return fmt.Errorf("shape %v holds %d values, the data %d", t.Shape, t.Len(), len(t.Data))
	}
	dims := make([]string, len(t.Shape))
	for i, d := range t.Shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := "(" + strings.Join(dims, ", ")
	if len(dims) == 1 {
		shape += ","
	}
	shape += ")"
	header := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': %s, }", shape)
	pre := len(npyMagic) + 2 + 2
	total := (pre + len(header) + 1 + 63) / 64 * 64
	header += strings.Repeat(" ", total-pre-len(header)-1) + "\n"
	if len(header) > math.MaxUint16 {
		return fmt.Errorf("npy header of %d bytes is too long for format 1.0", len(header))
	}
	buf := make([]byte, 0, total+4*len(t.Data))
	buf = append(buf, npyMagic...)
	buf = append(buf, 1, 0)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(header)))
	buf = append(buf, header...)
	for _, v := range t.Data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
	}
	_, err := w.Write(buf)
	return err
}

var npyHeader = regexp.MustCompile(`^\{'descr': '<f4', 'fortran_order': False, 'shape': \(([0-9, ]*)\), \} *\n$`)

// ReadNPY reads what WriteNPY writes (a version 1.0 .npy file of little-endian float32 in C
// order), as numpy.load does: magic, version, header length, the header dict, then exactly
// the data. Other .npy files are refused.
func ReadNPY(b []byte) (*Tensor, error) {
	if len(b) < 10 || string(b[:6]) != npyMagic || b[6] != 1 || b[7] != 0 {
		return nil, fmt.Errorf("checkpoint: not a version 1.0 .npy file")
	}
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	if len(b) < 10+hl {
		return nil, fmt.Errorf("checkpoint: .npy header truncated")
	}
	m := npyHeader.FindStringSubmatch(string(b[10 : 10+hl]))
	if m == nil {
		return nil, fmt.Errorf("checkpoint: .npy header %q is not little-endian float32 in C order", b[10:10+hl])
	}
	shape := []int{}
	n := 1
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("checkpoint: .npy shape: %w", err)
		}
		shape = append(shape, d)
		n *= d
	}
	body := b[10+hl:]
	if len(body) != 4*n {
		return nil, fmt.Errorf("checkpoint: %d .npy data bytes for shape %v", len(body), shape)
	}
	data := make([]float32, n)
	for i := range data {
		data[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	return &Tensor{Shape: shape, Data: data}, nil
}
