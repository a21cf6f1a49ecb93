package secret

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"testing"
)

// Integration test against the real Secret Service. `make test` runs the Go tests inside
// dbus-run-session with gnome-keyring unlocked. Elsewhere the test skips, unless
// KEYRING_TEST_REQUIRED=1 makes a missing keyring a failure.

const (
	realChildEnv   = "SECRET_REAL_KEYRING_CHILD"
	exitNoKeyring  = 77
	requiredEnvVar = "KEYRING_TEST_REQUIRED"
)

// TestRealSecretService runs the round trip in a child process: the other tests replace
// go-keyring's provider with its in-memory mock for the rest of this process.
func TestRealSecretService(t *testing.T) {
	if os.Getenv(realChildEnv) != "" {
		realRoundTrip(t)
		return
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// Without an address go-keyring would start a stray session bus through dbus-launch.
		skipOrFail(t, "DBUS_SESSION_BUS_ADDRESS is not set")
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestRealSecretService$", "-test.v")
	cmd.Env = append(os.Environ(), realChildEnv+"=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && exit.ExitCode() == exitNoKeyring:
		skipOrFail(t, "no usable Secret Service:\n"+string(out))
	case err != nil:
		t.Fatalf("round trip against the real keyring failed: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func skipOrFail(t *testing.T, why string) {
	t.Helper()
	if os.Getenv(requiredEnvVar) == "1" {
		t.Fatalf("%s=1 but %s", requiredEnvVar, why)
	}
	t.Skip(why)
}

func realRoundTrip(t *testing.T) {
	suffix := make([]byte, 6)
	rand.Read(suffix)
	service := "backstage-sync-test-" + hex.EncodeToString(suffix)
	s := New(WithService(service), WithLookupEnv(func(string) (string, bool) { return "", false }))

	_, _, err := s.Get(CompassAPIToken)
	if errors.Is(err, ErrKeyringUnavailable) {
		t.Log(err)
		os.Exit(exitNoKeyring)
	}
	if !errors.Is(err, ErrNotSet) {
		t.Fatalf("Get on a fresh service = %v, want ErrNotSet", err)
	}
	t.Cleanup(func() { s.Delete(CompassAPIToken) })

	if err := s.Set(CompassAPIToken, "real-value-1"); err != nil {
		t.Fatalf("Set: %v", err)
	}
	if err := s.Set(CompassAPIToken, "real-value-2"); err != nil {
		t.Fatalf("Set again: %v", err)
	}
	v, src, err := s.Get(CompassAPIToken)
	if v != "real-value-2" || src != SourceKeyring || err != nil {
		t.Fatalf("Get = %q from %q, %v; want the second value from the keyring", v, src, err)
	}
	if st, err := s.Status(CompassAPIToken); err != nil || !st.Set || st.Source != SourceKeyring {
		t.Errorf("Status = %+v, %v", st, err)
	}
	if err := s.Delete(CompassAPIToken); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, _, err := s.Get(CompassAPIToken); !errors.Is(err, ErrNotSet) {
		t.Errorf("Get after Delete = %v, want ErrNotSet", err)
	}
}
