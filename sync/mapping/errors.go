package mapping

import (
	"errors"
	"strings"
)

// ErrInvalidPath is returned by ParsePath when a path does not follow the path syntax; the
// wrapping message names the offset of the first problem.
var ErrInvalidPath = errors.New("invalid path")

// ErrInvalidRules is matched by every *RulesError, so callers can test for a settings problem
// with errors.Is without caring about the details.
var ErrInvalidRules = errors.New("invalid mapping rules")

// Problem is one thing wrong with the rules. Key is the settings path of the offending value,
// with the rules living under "mapping", for example "mapping.filters.exclude[2].expression".
type Problem struct {
	Key     string `json:"key"`
	Message string `json:"message"`
}

// RulesError is returned by Compile with every problem it found, in settings order.
type RulesError struct {
	Problems []Problem
}

// Error lists the problems, one "key: message" per line.
func (e *RulesError) Error() string {
	lines := make([]string, 0, len(e.Problems))
	for _, p := range e.Problems {
		lines = append(lines, p.Key+": "+p.Message)
	}

	return strings.Join(lines, "\n")
}

// Is reports whether target is ErrInvalidRules.
func (e *RulesError) Is(target error) bool {
	return target == ErrInvalidRules
}
