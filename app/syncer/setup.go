package syncer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Setup answers whether a data directory is configured. It opens the database only for the
// moment of the question, so that a sync from the command line is not locked out meanwhile.
type Setup struct {
	DataDir string
}

// Configured reports whether settings were imported into the data directory.
func (s Setup) Configured(context.Context) (bool, error) {
	if !s.exists() {
		return false, nil
	}
	sy, err := Open(Options{DataDir: s.DataDir, Getenv: func(string) string { return "" }})
	if err != nil {
		return false, err
	}
	defer sy.Close()

	_, found, err := sy.Settings()
	return found, err
}

// Demo reports whether the data directory holds the built-in demo.
func (s Setup) Demo() bool {
	if !s.exists() {
		return false
	}
	sy, err := Open(Options{DataDir: s.DataDir})
	if err != nil {
		return false
	}
	defer sy.Close()

	return sy.Demo()
}

func (s Setup) exists() bool {
	_, err := os.Stat(filepath.Join(s.DataDir, DatabaseFile))
	return !errors.Is(err, fs.ErrNotExist)
}
