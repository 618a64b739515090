package data

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// staleDownload is the age after which a leftover .download-* directory (from a crashed or
// killed download) is removed: longer than any real download of a few hundred MB, so that a
// download still running in another process is never swept.
const staleDownload = 24 * time.Hour

// downloadPrefix names in-progress downloads under the data root.
const downloadPrefix = ".download-"

// download fetches src into a fresh temporary directory under root, verifies its MD5, unpacks
// the archive's sub/ directory, runs check on the unpacked directory, and only then renames it
// to root/sub: a crash at any point leaves either nothing or a complete, verified directory
// (plus a recognisable .download-* leftover that a later download sweeps). If root/sub appears
// meanwhile (another process won the race), that directory is kept and download returns nil.
func download(ctx context.Context, root, sub string, src Source, o Options, check func(dir string) error) error {
	log := o.logger()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return fmt.Errorf("data: create data root: %w: %w", ErrDownload, err)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	sweepDownloads(root, now(), o)
	tmp, err := os.MkdirTemp(root, downloadPrefix+sub+"-")
	if err != nil {
		return fmt.Errorf("data: %w: %w", ErrDownload, err)
	}
	defer os.RemoveAll(tmp)

	archive := filepath.Join(tmp, "archive.tar.gz")
	log.Info("downloading data set", "url", src.URL, "to", filepath.Join(root, sub))
	sum, err := fetch(ctx, o, src.URL, archive)
	if err != nil {
		return err
	}
	if sum != strings.ToLower(src.MD5) {
		return fmt.Errorf("data: %s has md5 %s, want %s: the download is corrupt or the file changed; run again, or check the URL: %w", src.URL, sum, src.MD5, ErrChecksum)
	}
	unpacked := filepath.Join(tmp, "unpacked")
	if err := extractTarGz(ctx, archive, unpacked, sub); err != nil {
		return err
	}
	dir := filepath.Join(unpacked, sub)
	if !exists(dir) {
		return fmt.Errorf("data: %s holds no %s/ directory: check the URL: %w", src.URL, sub, ErrDownload)
	}
	if err := check(dir); err != nil {
		return fmt.Errorf("data: %s: the unpacked archive does not read: %w: %w", src.URL, ErrDownload, err)
	}
	final := filepath.Join(root, sub)
	if err := os.Rename(dir, final); err != nil {
		if exists(final) {
			log.Info("data set published by another process meanwhile", "dir", final)
			return nil
		}
		return fmt.Errorf("data: publish %s: %w: %w", final, ErrDownload, err)
	}
	syncDir(root)
	log.Info("data set downloaded", "dir", final, "md5", sum)
	return nil
}

// fetch downloads url to file dst (synced before returning) and returns its MD5 in hex.
func fetch(ctx context.Context, o Options, url, dst string) (string, error) {
	client := o.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("data: %s: %w: %w", url, ErrDownload, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("data: fetch %s (is the network reachable? otherwise copy the data set by hand, see --data): %w: %w", url, ErrDownload, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("data: %s: server answered %s: %w", url, resp.Status, ErrDownload)
	}
	f, err := os.Create(dst)
	if err != nil {
		return "", fmt.Errorf("data: %w: %w", ErrDownload, err)
	}
	defer f.Close()
	h := md5.New()
	bar := newProgress(o.Progress, path.Base(req.URL.Path), resp.ContentLength)
	n, err := io.Copy(io.MultiWriter(f, h, bar), resp.Body)
	bar.finish()
	if err == nil && resp.ContentLength >= 0 && n != resp.ContentLength {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return "", fmt.Errorf("data: %s: body ended after %d bytes (run again): %w: %w", url, n, ErrDownload, err)
	}
	// Sync before the archive is trusted: after a crash it could otherwise read as zeros.
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("data: %w: %w", ErrDownload, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("data: %w: %w", ErrDownload, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// sweepDownloads removes .download-* leftovers under root older than staleDownload.
func sweepDownloads(root string, now time.Time, o Options) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), downloadPrefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < staleDownload {
			continue
		}
		p := filepath.Join(root, e.Name())
		if err := os.RemoveAll(p); err != nil {
			o.logger().Warn("cannot remove stale download", "dir", p, "err", err)
		} else {
			o.logger().Info("removed stale download", "dir", p)
		}
	}
}

// syncDir fsyncs a directory so that a rename into it survives a crash. Filesystems that
// refuse to sync directories (EINVAL, ENOTSUP) are tolerated: there is nothing more to do.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	_ = d.Sync()
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
