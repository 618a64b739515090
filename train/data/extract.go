package data

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// extractMaxBytes bounds the unpacked size of an archive (4 GiB; CIFAR unpacks to about 180 MB),
// so that a hostile or corrupt archive cannot fill the disk.
const extractMaxBytes = 4 << 30

// extractTarGz unpacks the regular files and directories under sub/ of the gzipped tar archive
// into dst, syncing each file. Entries outside sub/ are skipped; entries whose names escape dst
// (absolute, or with ..), links and devices are errors.
func extractTarGz(ctx context.Context, archive, dst, sub string) error {
	f, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("data: %w: %w", ErrDownload, err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("data: unpack %s: not a gzip file: %w: %w", archive, ErrDownload, err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("data: unpack: %w: %w", ErrDownload, err)
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("data: unpack %s: %w: %w", archive, ErrDownload, err)
		}
		name := path.Clean(strings.TrimPrefix(hdr.Name, "./"))
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("data: unpack %s: entry %q escapes the target directory: %w", archive, hdr.Name, ErrDownload)
		}
		if name != sub && !strings.HasPrefix(name, sub+"/") {
			continue
		}
		target := filepath.Join(dst, filepath.FromSlash(name))
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("data: unpack: %w: %w", ErrDownload, err)
			}
		case tar.TypeReg:
			total += hdr.Size
			if total > extractMaxBytes {
				return fmt.Errorf("data: unpack %s: more than %d bytes: %w", archive, int64(extractMaxBytes), ErrDownload)
			}
			if err := writeEntry(target, tr); err != nil {
				return fmt.Errorf("data: unpack %s: %s: %w: %w", archive, hdr.Name, ErrDownload, err)
			}
		default:
			return fmt.Errorf("data: unpack %s: entry %q has unsupported type %q (only files and directories): %w", archive, hdr.Name, hdr.Typeflag, ErrDownload)
		}
	}
}

// writeEntry writes one file, synced (it is renamed into place later and must not read as
// zeros after a crash).
func writeEntry(target string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(target, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
