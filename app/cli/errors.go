package cli

import "errors"

// Exit codes returned by Execute. Codes 3 and 4 are kept for sync outcomes.
const (
	// ExitOK means the command did what was asked.
	ExitOK = 0
	// ExitFailure means the command ran and failed.
	ExitFailure = 1
	// ExitUsage means the command could not run as asked: wrong flags or arguments, or an
	// environment it cannot run in, such as a window without a display.
	ExitUsage = 2
)

// ExitError is an error with the exit code it should end the process with and an optional hint
// that tells the user what to do instead.
type ExitError struct {
	Code int
	Err  error
	// Hint is printed after the error, on lines of its own.
	Hint string
}

func (e *ExitError) Error() string { return e.Err.Error() }

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks err as a usage error (exit code ExitUsage).
func usageError(err error, hint string) error {
	return &ExitError{Code: ExitUsage, Err: err, Hint: hint}
}

// exitCode returns the exit code for the error a command returned.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var exitErr *ExitError
	if errors.As(err, &exitErr) {
		return exitErr.Code
	}
	return ExitFailure
}
