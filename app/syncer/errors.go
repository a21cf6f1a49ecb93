package syncer

import (
	"errors"
	"fmt"

	"github.com/backstage-sync/backstage-sync/store/secret"
)

var (
	// ErrNoDataDir is returned by Open without a data directory.
	ErrNoDataDir = errors.New("no data directory given")
	// ErrNotConfigured is returned when no settings were imported yet.
	ErrNotConfigured = errors.New("no settings yet: import them with 'backstage-sync config import FILE' " +
		"(or try 'backstage-sync demo')")
)

// MissingSecretError is returned when a token the settings need is neither in the environment
// nor in the keyring.
type MissingSecretError struct {
	Name secret.Name
}

// Error names the secret and both ways to provide it.
func (e *MissingSecretError) Error() string {
	return fmt.Sprintf("secret %s is not set: run 'backstage-sync secrets set %s' or set %s",
		e.Name, e.Name, e.Name.EnvVar())
}
