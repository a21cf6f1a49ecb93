package plan

import "errors"

var (
	// ErrInvalidPolicy is returned by Compute when the policy cannot be applied: no alias source,
	// fewer than one missing run, a negative threshold or an unknown deletion mode.
	ErrInvalidPolicy = errors.New("invalid plan policy")

	// ErrDuplicateRef is returned by Compute when the same entity ref appears twice among the
	// desired components, the skipped entities or the known components.
	ErrDuplicateRef = errors.New("duplicate entity ref")
)
