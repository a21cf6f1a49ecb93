// Package secret keeps the app's credentials in the OS keyring (the Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows), with environment variables taking
// precedence for headless and CI use. Secret values never appear in errors or statuses.
package secret

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/zalando/go-keyring"
)

// DefaultService is the keyring service the secrets are filed under.
const DefaultService = "backstage-sync"

// Name identifies one secret the app uses.
type Name string

// The secrets the app knows.
const (
	BackstageToken        Name = "backstage_token"
	BackstageClientSecret Name = "backstage_client_secret"
	CompassAPIToken       Name = "compass_api_token"
)

// Names returns every known secret name.
func Names() []Name {
	return []Name{BackstageToken, BackstageClientSecret, CompassAPIToken}
}

// EnvVar returns the environment variable that overrides the secret, such as BACKSTAGE_TOKEN.
func (n Name) EnvVar() string {
	return strings.ToUpper(string(n))
}

func (n Name) check() error {
	for _, known := range Names() {
		if n == known {
			return nil
		}
	}
	return fmt.Errorf("%w: %q", ErrUnknownName, string(n))
}

// Source says where a secret was found.
type Source string

// Sources of a secret. SourceNone means the secret is not set.
const (
	SourceNone    Source = ""
	SourceEnv     Source = "env"
	SourceKeyring Source = "keyring"
)

// Status says whether a secret is set and where, without its value.
type Status struct {
	Name   Name
	Set    bool
	Source Source
	// EnvVar is the environment variable that overrides the keyring.
	EnvVar string
}

// Store reads and writes the named secrets.
type Store struct {
	service   string
	lookupEnv func(string) (string, bool)
}

// Option changes a Store made by New.
type Option func(*Store)

// WithService files the secrets under another keyring service name, for tests or a second
// instance on one machine.
func WithService(service string) Option {
	return func(s *Store) { s.service = service }
}

// WithLookupEnv replaces os.LookupEnv.
func WithLookupEnv(lookup func(string) (string, bool)) Option {
	return func(s *Store) { s.lookupEnv = lookup }
}

// New returns a Store over the OS keyring and the process environment.
func New(opts ...Option) *Store {
	s := &Store{service: DefaultService, lookupEnv: os.LookupEnv}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Get returns the value of a secret and where it came from: the environment variable when it is
// set and not empty, else the keyring. It fails with ErrNotSet when neither holds it and with an
// *UnavailableError when the keyring cannot be reached.
func (s *Store) Get(name Name) (string, Source, error) {
	if err := name.check(); err != nil {
		return "", SourceNone, err
	}
	if v, ok := s.lookupEnv(name.EnvVar()); ok && v != "" {
		return v, SourceEnv, nil
	}

	v, err := keyring.Get(s.service, string(name))
	if errors.Is(err, keyring.ErrNotFound) {
		return "", SourceNone, fmt.Errorf("reading %s: %w: store it in the settings or set %s",
			name, ErrNotSet, name.EnvVar())
	}
	if err != nil {
		return "", SourceNone, unavailable("reading", name, err, "")
	}
	return v, SourceKeyring, nil
}

// Set stores a secret in the keyring. An environment variable, when set, still takes precedence
// on Get.
func (s *Store) Set(name Name, value string) error {
	if err := name.check(); err != nil {
		return err
	}
	if value == "" {
		return fmt.Errorf("storing %s: %w", name, ErrEmptyValue)
	}

	err := keyring.Set(s.service, string(name), value)
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return fmt.Errorf("storing %s: %w", name, ErrValueTooLong)
	}
	if err != nil {
		return unavailable("storing", name, err, value)
	}
	return nil
}

// Delete removes a secret from the keyring. Deleting a secret that is not stored is not an
// error. The environment variable, if any, is not touched.
func (s *Store) Delete(name Name) error {
	if err := name.check(); err != nil {
		return err
	}

	err := keyring.Delete(s.service, string(name))
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return unavailable("deleting", name, err, "")
	}
	return nil
}

// Status says whether a secret is set and where. When the environment variable is set the
// keyring is not consulted.
func (s *Store) Status(name Name) (Status, error) {
	st := Status{Name: name, EnvVar: name.EnvVar()}
	_, src, err := s.Get(name)
	if errors.Is(err, ErrNotSet) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Set, st.Source = true, src
	return st, nil
}

// unavailable turns a keyring failure other than ErrNotFound into an *UnavailableError. go-keyring
// offers no typed errors for these cases, so its messages are matched here and only here.
func unavailable(op string, name Name, err error, value string) error {
	msg := err.Error()
	if value != "" {
		msg = strings.ReplaceAll(msg, value, "[redacted]")
	}
	return &UnavailableError{Op: op, Name: name, Reason: reason(err, msg), Detail: msg}
}

func reason(err error, msg string) string {
	switch {
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return ReasonUnsupported
	case strings.Contains(msg, "dbus-launch"), strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"),
		strings.Contains(msg, "dial unix"):
		return ReasonNoSessionBus
	case strings.Contains(msg, "not provided by any .service files"), strings.Contains(msg, "ServiceUnknown"):
		return ReasonNoProvider
	case strings.Contains(msg, "unlock"), strings.Contains(msg, "locked"), strings.Contains(msg, "dismissed"):
		return ReasonLocked
	default:
		return ReasonNoAnswer
	}
}
