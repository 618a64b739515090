package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// idxMaxBytes bounds the payload an idx header may announce (1 GiB), so that a corrupt header
// cannot make the reader allocate without limit. MNIST's largest file holds 47 MB.
const idxMaxBytes = 1 << 30

// idxUbyte is the idx type code of unsigned bytes, the only one the MNIST files use.
const idxUbyte = 0x08

// idxArray is the content of one idx file of unsigned bytes.
type idxArray struct {
	dims []int
	data []uint8
}

// readIdx reads an idx file of unsigned bytes with wantDims dimensions, gzip-compressed or not
// (detected from the content, not the name). Errors name the file and say what to do.
func readIdx(path string, wantDims int, remedy string) (*idxArray, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read idx: %w", err)
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	compressed := false
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, malformed(path, remedy, "bad gzip header: %v", err)
		}
		defer gz.Close()
		r, compressed = gz, true
	}
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, malformed(path, remedy, "cannot read the idx header: %v", err)
	}
	if hdr[0] != 0 || hdr[1] != 0 || hdr[2] != idxUbyte || int(hdr[3]) != wantDims {
		return nil, malformed(path, remedy, "bad idx magic %02x%02x%02x%02x, want 000008%02x (unsigned bytes, %d dimensions)",
			hdr[0], hdr[1], hdr[2], hdr[3], wantDims, wantDims)
	}
	dims := make([]int, wantDims)
	total := int64(1)
	for i := range dims {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, malformed(path, remedy, "cannot read dimension %d: %v", i, err)
		}
		dims[i] = int(d)
		total *= int64(d)
		if total > idxMaxBytes {
			return nil, malformed(path, remedy, "header announces more than %d bytes of data", idxMaxBytes)
		}
	}
	if !compressed {
		if st, err := f.Stat(); err == nil && st.Size() != int64(4+4*wantDims)+total {
			return nil, malformed(path, remedy, "has %d bytes, want %d for dimensions %v", st.Size(), int64(4+4*wantDims)+total, dims)
		}
	}
	data := make([]uint8, total)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, malformed(path, remedy, "truncated: %v (dimensions %v need %d data bytes)", err, dims, total)
	}
	var extra [1]byte
	if n, err := io.ReadFull(r, extra[:]); n > 0 || !errors.Is(err, io.EOF) {
		if n > 0 {
			return nil, malformed(path, remedy, "has data after the %d bytes its dimensions %v announce", total, dims)
		}
		// The gzip trailer (CRC and size) is checked on the way to io.EOF.
		return nil, malformed(path, remedy, "corrupt or truncated gzip stream: %v", err)
	}
	return &idxArray{dims: dims, data: data}, nil
}
