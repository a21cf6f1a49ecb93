package secret

import (
	"errors"
	"fmt"
)

var (
	// ErrUnknownName is returned for a secret name other than the ones listed by Names.
	ErrUnknownName = errors.New("unknown secret name")

	// ErrNotSet is returned by Get when neither the environment nor the keyring holds the secret.
	ErrNotSet = errors.New("secret is not set")

	// ErrEmptyValue is returned by Set for an empty value; use Delete to remove a secret.
	ErrEmptyValue = errors.New("secret value is empty")

	// ErrValueTooLong is returned by Set when the platform keyring refuses a value that large.
	ErrValueTooLong = errors.New("secret value is too long for the keyring")

	// ErrKeyringUnavailable is matched by the *UnavailableError returned when the OS keyring
	// cannot be reached: no session bus, no Secret Service provider, a locked keyring or an
	// unsupported platform. The environment variables still work.
	ErrKeyringUnavailable = errors.New("keyring unavailable")
)

// Reasons an UnavailableError gives for an unreachable keyring.
const (
	ReasonNoSessionBus = "no D-Bus session bus is running"
	ReasonNoProvider   = "no Secret Service provider (such as gnome-keyring or KeePassXC) is running"
	ReasonLocked       = "the keyring is locked and could not be unlocked"
	ReasonUnsupported  = "this platform has no supported keyring"
	ReasonNoAnswer     = "the keyring did not answer"
)

// UnavailableError says why the OS keyring could not be used for one secret and which
// environment variable can be used instead. It never holds the secret value.
type UnavailableError struct {
	// Op is what was being done: "reading", "storing" or "deleting".
	Op   string
	Name Name
	// Reason is one of the Reason constants.
	Reason string
	// Detail is the keyring's own message, with the value removed.
	Detail string
}

// Error describes the failure and names the environment variable to use instead.
func (e *UnavailableError) Error() string {
	prep := "from"
	if e.Op == "storing" {
		prep = "in"
	}
	return fmt.Sprintf("%s %s %s the OS keyring: %v: %s (%s); set %s in the environment instead",
		e.Op, e.Name, prep, ErrKeyringUnavailable, e.Reason, e.Detail, e.Name.EnvVar())
}

// Unwrap makes errors.Is(err, ErrKeyringUnavailable) true.
func (e *UnavailableError) Unwrap() error {
	return ErrKeyringUnavailable
}
