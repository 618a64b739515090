package data

import (
	"fmt"
	"os"
	"path/filepath"
)

// EnvData is the environment variable that names the data root when no --data flag is given.
const EnvData = "EVO_DATA"

// Locate resolves the data root directory: flagValue when it is not empty (the --data flag),
// else $EVO_DATA when set, else os.UserCacheDir()/evo (e.g. ~/.cache/evo). Data sets live in
// sub-directories of the root named as in their archives (cifar-10-batches-bin,
// cifar-100-binary) or mnist and fashion-mnist. The directory is not created.
func Locate(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if env := os.Getenv(EnvData); env != "" {
		return env, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("data: no data directory: pass --data or set %s (%v)", EnvData, err)
	}
	return filepath.Join(cache, "evo"), nil
}

// datasetDir returns where the data set stored as sub lives under root: root/sub, or root
// itself when the caller pointed root straight at that directory (e.g. --data
// …/cifar-10-batches-bin). The boolean reports whether the directory exists.
func datasetDir(root, sub string) (string, bool) {
	if filepath.Base(filepath.Clean(root)) == sub {
		if st, err := os.Stat(root); err == nil && st.IsDir() {
			return root, true
		}
	}
	dir := filepath.Join(root, sub)
	st, err := os.Stat(dir)
	return dir, err == nil && st.IsDir()
}
