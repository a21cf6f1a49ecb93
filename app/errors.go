package app

import "errors"

// ErrNoDataDir is returned by New when Config.DataDir is empty. The data directory holds the
// database and exports, so no service can work without one.
var ErrNoDataDir = errors.New("no data directory given")
