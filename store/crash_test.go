package store

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Robustness tests: a process that dies in the middle of its work, and records that are not
// what the store wrote.

const crashEnv = "STORE_CRASH_DB"

// TestCrashHelperProcess is the process that crashes. It does nothing unless started by
// TestACrashKeepsCommittedWorkOnly.
func TestCrashHelperProcess(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the crashing process")
	}
	s, err := Open(path)
	if err != nil {
		os.Exit(3)
	}
	must := func(err error) {
		if err != nil {
			os.Exit(4)
		}
	}
	must(s.PutLinks([]Link{link("component:default/committed", "ari:c/1", "e1")}))
	must(s.PutIntents([]Intent{{ID: "batch-1", Ref: "component:default/new", Operation: "create", CreatedAt: seen}}))
	_, err = s.Append(Entry{Actor: "sync", Action: "run.start", Target: "run-1"})
	must(err)
	must(s.SaveRun(Run{ID: "run-1", StartedAt: time.Now(), Status: RunRunning}))

	// Die halfway through a write transaction, without committing or closing.
	_ = s.update(func(tx *bolt.Tx) error {
		lb := newLinkBatch(tx)
		_ = lb.put(link("component:default/uncommitted", "ari:c/2", "e2"))
		_ = lb.flush()
		os.Exit(2)
		return nil
	})
}

func TestACrashKeepsCommittedWorkOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("crashing process ended with %v, want exit status 2", err)
	}

	s, err := Open(path, WithLockTimeout(time.Second))
	if err != nil {
		t.Fatalf("reopening after the crash: %v", err)
	}
	defer s.Close()

	if _, err := s.LinkByRef("component:default/committed"); err != nil {
		t.Errorf("committed link lost: %v", err)
	}
	if _, err := s.LinkByRef("component:default/uncommitted"); !errors.Is(err, ErrNotFound) {
		t.Errorf("uncommitted link = %v, want ErrNotFound", err)
	}
	if _, err := s.LinkByComponent("ari:c/2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("uncommitted component index = %v, want ErrNotFound", err)
	}
	intents, err := s.PendingIntents()
	if err != nil || len(intents) != 1 || intents[0].ID != "batch-1" {
		t.Errorf("PendingIntents = %+v, %v; want batch-1", intents, err)
	}
	if r, err := s.GetRun("run-1"); err != nil || r.Status != RunRunning {
		t.Errorf("GetRun = %+v, %v; want the run left running", r, err)
	}
	if err := s.VerifyAudit(); err != nil {
		t.Errorf("VerifyAudit after the crash: %v", err)
	}
}

func TestCorruptRecordsAreReportedNotPanicked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		bucket []byte
		key    []byte
		read   func(s *Store) error
	}{
		{"a corrupt link", bucketLinks, []byte("component:default/a"), func(s *Store) error {
			_, err := s.LinkByRef("component:default/a")
			return err
		}},
		{"a corrupt status", bucketStatus, []byte("component:default/a"), func(s *Store) error {
			_, err := s.Status("component:default/a")
			return err
		}},
		{"a corrupt intent", bucketIntents, []byte("i-1"), func(s *Store) error {
			_, err := s.PendingIntents()
			return err
		}},
		{"corrupt settings", bucketSettings, keySettings, func(s *Store) error {
			_, err := s.LoadSettings(&testSettings{})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			path := s.Path()
			s.Close()
			rawUpdate(t, path, func(tx *bolt.Tx) error {
				return tx.Bucket(tt.bucket).Put(tt.key, []byte(`{"unexpected":`))
			})
			s, err := Open(path)
			if err != nil {
				t.Fatalf("reopening: %v", err)
			}
			defer s.Close()

			if err := tt.read(s); !errors.Is(err, ErrCorrupt) {
				t.Errorf("reading %s = %v, want ErrCorrupt", tt.name, err)
			}
		})
	}
}
