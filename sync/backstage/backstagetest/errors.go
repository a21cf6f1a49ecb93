package backstagetest

import (
	"errors"
	"fmt"
)

var (
	// ErrBackendExited is returned by every wait when the backend process ended before the
	// catalog showed what was waited for. Its log holds the reason.
	ErrBackendExited = errors.New("backstage backend exited")

	// ErrWaitTimeout is returned when the catalog did not show an expected state within the
	// wait's bound (Options.StartTimeout or Options.WaitTimeout). A common cause is an edit the
	// catalog refused: it keeps the last good entity and logs a processing error.
	ErrWaitTimeout = errors.New("timed out waiting for the catalog")

	// ErrUnknownRef is returned by Remove and Rename for a ref that no catalog file holds.
	ErrUnknownRef = errors.New("entity ref not in the catalog files")

	// ErrInvalidRef is returned for a ref that is not of the form kind:namespace/name.
	ErrInvalidRef = errors.New("invalid entity ref")
)

// StatusError is an answer from the catalog with an unexpected HTTP status.
type StatusError struct {
	Method     string
	Path       string
	StatusCode int
	// Body is the start of the answer's body.
	Body string
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.StatusCode, e.Body)
}
