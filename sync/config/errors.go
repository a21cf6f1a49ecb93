package config

import (
	"errors"
	"strings"
)

// ErrParse is returned by Parse when the document is not YAML, holds more than one document,
// or has a key that Settings does not know.
var ErrParse = errors.New("reading settings")

// ErrInvalid is matched by every *ValidationError.
var ErrInvalid = errors.New("invalid settings")

// Problem is one thing wrong with the settings: Key is the dotted settings path (with list
// indexes in brackets) and Message says what to fix.
type Problem struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// ValidationError is returned by Validate with every problem found, in settings order.
type ValidationError struct {
	Problems []Problem `json:"problems"`
}

// Error lists the problems, one "key: message" per line.
func (e *ValidationError) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, p.Key+": "+p.Message)
	}

	return strings.Join(lines, "\n")
}

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool {
	return target == ErrInvalid
}
