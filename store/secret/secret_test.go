package secret

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"
)

// The keyring mock is global to the process, so these tests do not run in parallel.

func env(vars map[string]string) Option {
	return WithLookupEnv(func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	})
}

func TestGet(t *testing.T) {
	tests := []struct {
		name       string
		env        map[string]string
		keyring    string
		secret     Name
		wantValue  string
		wantSource Source
		wantErr    error
	}{
		{
			"the environment wins over the keyring",
			map[string]string{"COMPASS_API_TOKEN": "from-env"}, "from-keyring",
			CompassAPIToken, "from-env", SourceEnv, nil,
		},
		{
			"an empty variable falls back to the keyring",
			map[string]string{"COMPASS_API_TOKEN": ""}, "from-keyring",
			CompassAPIToken, "from-keyring", SourceKeyring, nil,
		},
		{
			"the keyring is read when no variable is set",
			nil, "from-keyring",
			BackstageClientSecret, "from-keyring", SourceKeyring, nil,
		},
		{
			"a secret set nowhere is not set",
			nil, "",
			BackstageToken, "", SourceNone, ErrNotSet,
		},
		{
			"an unknown name is refused",
			map[string]string{"GITHUB_TOKEN": "x"}, "",
			Name("github_token"), "", SourceNone, ErrUnknownName,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInit()
			s := New(env(tt.env))
			if tt.keyring != "" {
				if err := keyring.Set(DefaultService, string(tt.secret), tt.keyring); err != nil {
					t.Fatal(err)
				}
			}

			v, src, err := s.Get(tt.secret)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Get error = %v, want %v", err, tt.wantErr)
			}
			if v != tt.wantValue || src != tt.wantSource {
				t.Errorf("Get = %q from %q, want %q from %q", v, src, tt.wantValue, tt.wantSource)
			}
		})
	}
}

func TestSetAndDelete(t *testing.T) {
	keyring.MockInit()
	s := New(env(nil))

	if err := s.Set(BackstageToken, "t0ken"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if v, src, err := s.Get(BackstageToken); v != "t0ken" || src != SourceKeyring || err != nil {
		t.Errorf("Get after Set = %q, %q, %v", v, src, err)
	}
	if err := s.Delete(BackstageToken); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := s.Get(BackstageToken); !errors.Is(err, ErrNotSet) {
		t.Errorf("Get after Delete = %v, want ErrNotSet", err)
	}
	if err := s.Delete(BackstageToken); err != nil {
		t.Errorf("deleting a missing secret = %v, want nil", err)
	}
}

func TestSetRefuses(t *testing.T) {
	tests := []struct {
		name    string
		secret  Name
		value   string
		mockErr error
		want    error
	}{
		{"an empty value is refused", CompassAPIToken, "", nil, ErrEmptyValue},
		{"an unknown name is refused", Name("password"), "x", nil, ErrUnknownName},
		{"a value the keyring finds too big is refused", CompassAPIToken, "x", keyring.ErrSetDataTooBig, ErrValueTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInit()
			if tt.mockErr != nil {
				keyring.MockInitWithError(tt.mockErr)
			}

			if err := New(env(nil)).Set(tt.secret, tt.value); !errors.Is(err, tt.want) {
				t.Errorf("Set = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestAnUnavailableKeyringSaysWhyAndNamesTheVariable(t *testing.T) {
	tests := []struct {
		name       string
		raw        string
		wantReason string
	}{
		{"no session bus", `exec: "dbus-launch": executable file not found in $PATH`, ReasonNoSessionBus},
		{"a session bus address that leads nowhere", "dial unix /tmp/bus: connect: no such file or directory", ReasonNoSessionBus},
		{"no Secret Service provider", "The name org.freedesktop.secrets was not provided by any .service files", ReasonNoProvider},
		{"a locked keyring", "failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'", ReasonLocked},
		{"anything else", "something odd", ReasonNoAnswer},
	}
	ops := []struct {
		op   string
		call func(s *Store) error
	}{
		{"reading", func(s *Store) error { _, _, err := s.Get(CompassAPIToken); return err }},
		{"storing", func(s *Store) error { return s.Set(CompassAPIToken, "abc") }},
		{"deleting", func(s *Store) error { return s.Delete(CompassAPIToken) }},
		{"reading", func(s *Store) error { _, err := s.Status(CompassAPIToken); return err }},
	}
	for _, tt := range tests {
		for _, op := range ops {
			t.Run(tt.name+" while "+op.op, func(t *testing.T) {
				keyring.MockInitWithError(errors.New(tt.raw))

				err := op.call(New(env(nil)))
				var unavailable *UnavailableError
				if !errors.As(err, &unavailable) || !errors.Is(err, ErrKeyringUnavailable) {
					t.Fatalf("error = %v, want *UnavailableError", err)
				}
				if unavailable.Reason != tt.wantReason || unavailable.Op != op.op {
					t.Errorf("reason %q while %q, want %q while %q", unavailable.Reason, unavailable.Op, tt.wantReason, op.op)
				}
				for _, want := range []string{tt.wantReason, "set COMPASS_API_TOKEN in the environment"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not say %q", err, want)
					}
				}
			})
		}
	}
}

func TestSecretValuesNeverReachErrorsOrStatus(t *testing.T) {
	const value = "hunter2-very-secret"
	keyring.MockInitWithError(fmt.Errorf("provider echoed %s back", value))
	s := New(env(nil))

	err := s.Set(BackstageToken, value)
	if err == nil || strings.Contains(err.Error(), value) {
		t.Errorf("Set error %q reveals the value", err)
	}

	keyring.MockInit()
	if err := s.Set(BackstageToken, value); err != nil {
		t.Fatalf("Set: %v", err)
	}
	st, err := s.Status(BackstageToken)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if strings.Contains(fmt.Sprintf("%+v", st), value) {
		t.Errorf("Status %+v reveals the value", st)
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		keyring string
		want    Status
	}{
		{
			"a secret in the environment", map[string]string{"BACKSTAGE_TOKEN": "x"}, "",
			Status{BackstageToken, true, SourceEnv, "BACKSTAGE_TOKEN"},
		},
		{
			"a secret in the keyring", nil, "x",
			Status{BackstageToken, true, SourceKeyring, "BACKSTAGE_TOKEN"},
		},
		{"a secret set nowhere", nil, "", Status{BackstageToken, false, SourceNone, "BACKSTAGE_TOKEN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyring.MockInit()
			s := New(env(tt.env))
			if tt.keyring != "" {
				if err := s.Set(BackstageToken, tt.keyring); err != nil {
					t.Fatal(err)
				}
			}

			got, err := s.Status(BackstageToken)
			if err != nil || got != tt.want {
				t.Errorf("Status = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestAnUnknownNameIsRefusedEverywhere(t *testing.T) {
	keyring.MockInit()
	s := New(env(nil))
	bad := Name("ssh_key")

	if _, err := s.Status(bad); !errors.Is(err, ErrUnknownName) {
		t.Errorf("Status = %v, want ErrUnknownName", err)
	}
	if err := s.Delete(bad); !errors.Is(err, ErrUnknownName) {
		t.Errorf("Delete = %v, want ErrUnknownName", err)
	}
}

func TestEnvVarNames(t *testing.T) {
	want := map[Name]string{
		BackstageToken:        "BACKSTAGE_TOKEN",
		BackstageClientSecret: "BACKSTAGE_CLIENT_SECRET",
		CompassAPIToken:       "COMPASS_API_TOKEN",
	}
	for _, n := range Names() {
		if n.EnvVar() != want[n] {
			t.Errorf("%s.EnvVar() = %s, want %s", n, n.EnvVar(), want[n])
		}
	}
	if len(Names()) != len(want) {
		t.Errorf("Names() = %v", Names())
	}
}
