package data

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// Source is where a data set's official archive is downloaded from.
type Source struct {
	// URL of a .tar.gz archive holding the data set's directory (e.g. cifar-10-batches-bin/).
	URL string
	// MD5 is the archive's expected MD5 sum in lower-case hex; the download fails without a match.
	MD5 string
}

// OfficialSources are the official archives of the data sets that can be downloaded. The
// CIFAR-100 sum is the one published on https://www.cs.toronto.edu/~kriz/cifar.html for the
// binary version (168,513,733 bytes); CIFAR-10's archive has 170,052,171 bytes.
var OfficialSources = map[string]Source{
	"cifar10":  {URL: "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", MD5: "c32a1d4ab5d03f1284b67883e8d87530"},
	"cifar100": {URL: "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz", MD5: "03b5dce01913d631647c71ecec9e9cb8"},
}

// Options say where Load looks for data and whether it may download.
type Options struct {
	// Dir is the data root; "" means Locate("") ($EVO_DATA or the user cache directory).
	Dir string
	// Download allows fetching a missing CIFAR archive from its Source. Default false: a
	// missing data set is an ErrMissing error saying how to get it.
	Download bool
	// Progress receives a progress bar (percent, MB, MB/s, time left) while downloading; nil: none.
	Progress io.Writer
	// HTTPClient fetches archives; nil means http.DefaultClient. Cancel through ctx.
	HTTPClient *http.Client
	// Sources overrides OfficialSources per data set name (tests point it at a local server).
	Sources map[string]Source
	// Now is the clock that ages leftover downloads for removal; nil means time.Now.
	Now func() time.Time
	// Logger receives download and load events; nil means no logging.
	Logger *slog.Logger
}

// Validate checks the overriding sources.
func (o Options) Validate() error {
	for name, s := range o.Sources {
		if !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
			return fmt.Errorf("data: source of %s: URL %q must start with http:// or https://", name, s.URL)
		}
		if b, err := hex.DecodeString(s.MD5); err != nil || len(b) != 16 {
			return fmt.Errorf("data: source of %s: MD5 %q must be 32 hex digits", name, s.MD5)
		}
	}
	return nil
}

// loader loads one data set from a data root.
type loader func(ctx context.Context, root string, o Options) (*Dataset, error)

var loaders = map[string]loader{
	"digits":        func(context.Context, string, Options) (*Dataset, error) { return loadDigits() },
	"cifar10":       cifarLoader(cifar10Layout),
	"cifar100":      cifarLoader(cifar100Layout),
	"mnist":         mnistLoader(mnistLayoutDigits),
	"fashion-mnist": mnistLoader(mnistLayoutFashion),
}

// Names lists the data sets Load knows, in a fixed order (the embedded default first).
func Names() []string {
	return []string{"digits", "cifar10", "cifar100", "mnist", "fashion-mnist"}
}

// Load reads the named data set (one of Names) and applies its fixed split. "digits" is
// embedded and needs no files. The others are read from their directory under the data root
// (see Locate); a missing CIFAR set is downloaded when o.Download is set.
func Load(ctx context.Context, name string, o Options) (*Dataset, error) {
	load, ok := loaders[name]
	if !ok {
		return nil, fmt.Errorf("data: no data set %q: use one of %s: %w", name, strings.Join(Names(), ", "), ErrUnknown)
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	root := o.Dir
	if name != "digits" {
		var err error
		if root, err = Locate(o.Dir); err != nil {
			return nil, err
		}
	}
	d, err := load(ctx, root, o)
	if err != nil {
		return nil, err
	}
	o.logger().Info("data set loaded", "name", d.Name, "train", d.Train.Len(), "val", d.Val.Len(), "test", d.Test.Len(),
		"mean", d.Mean, "std", d.Std)
	return d, nil
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o Options) source(name string) Source {
	if s, ok := o.Sources[name]; ok {
		return s
	}
	return OfficialSources[name]
}

// cifarLoader reads a CIFAR set, downloading it first when it is absent and allowed.
func cifarLoader(l cifarLayout) loader {
	return func(ctx context.Context, root string, o Options) (*Dataset, error) {
		if dir, ok := datasetDir(root, l.dir); ok {
			return loadCIFAR(ctx, dir, l)
		}
		src := o.source(l.name)
		if !o.Download {
			return nil, fmt.Errorf("data: %s: no directory %s: download it with --download (from %s), or point --data or %s at a directory holding %s/: %w", l.name, filepath.Join(root, l.dir), src.URL, EnvData, l.dir, ErrMissing)
		}
		var d *Dataset
		check := func(dir string) error {
			var err error
			d, err = loadCIFAR(ctx, dir, l)
			return err
		}
		// check runs on the unpacked copy before it is published, so d is set whenever download
		// succeeds (also when another process published an identical copy first).
		if err := download(ctx, root, l.dir, src, o, check); err != nil {
			return nil, err
		}
		return d, nil
	}
}

// mnistLoader reads an idx data set; these are never downloaded.
func mnistLoader(l mnistLayout) loader {
	return func(ctx context.Context, root string, o Options) (*Dataset, error) {
		dir, ok := datasetDir(root, l.dir)
		if !ok {
			return nil, fmt.Errorf("data: %s: no directory %s: put %s there, or point --data or %s at the directory above it: %w", l.name, dir, l.where, EnvData, ErrMissing)
		}
		return loadMNIST(ctx, dir, l)
	}
}
