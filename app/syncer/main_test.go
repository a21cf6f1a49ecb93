package syncer_test

import (
	"os"
	"testing"

	"github.com/zalando/go-keyring"
)

func TestMain(m *testing.M) {
	// Unit tests use the in-memory keyring; the real Secret Service is tested in store/secret.
	keyring.MockInit()
	os.Exit(m.Run())
}
