package engine

import "errors"

var (
	// ErrIncomplete is returned by New when the source, target, store or mapper is missing.
	ErrIncomplete = errors.New("engine needs a source, a target, a store and a mapper")
	// ErrRunning is returned by Run when another run is in progress.
	ErrRunning = errors.New("a sync is already running")
	// ErrListing is returned when the catalog listing failed or was cut short; nothing is
	// deprecated or deleted after it.
	ErrListing = errors.New("catalog listing incomplete")
	// ErrNeedsConfirmation is returned when the run would deprecate or delete more than the
	// guard allows and was not confirmed.
	ErrNeedsConfirmation = errors.New("run needs confirmation")
)
