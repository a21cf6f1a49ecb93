package syncer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/backstage-sync/backstage-sync/app/syncer"
	"github.com/backstage-sync/backstage-sync/store/secret"
	"github.com/backstage-sync/backstage-sync/sync/config"
	"github.com/backstage-sync/backstage-sync/sync/engine"
)

func noEnv(string) string { return "" }

func open(t *testing.T, dir string) *syncer.Syncer {
	t.Helper()
	s, err := syncer.Open(syncer.Options{
		DataDir: dir, Getenv: noEnv,
		Secrets: secret.New(secret.WithLookupEnv(func(string) (string, bool) { return "", false }),
			secret.WithService("backstage-sync-test-"+t.Name())),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestDemoSyncIsCompleteAndASecondRunChangesNothing(t *testing.T) {
	t.Parallel()
	demo, err := syncer.StartDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	s := open(t, demo.DataDir)

	// A preview shows what each create writes; the applied run reports creates without it.
	preview, err := s.Run(context.Background(), engine.Options{DryRun: true}, nil)
	if err != nil {
		t.Fatalf("demo preview: %v", err)
	}
	owned := 0
	for _, it := range preview.Items {
		for _, c := range it.Changes {
			if c.Field == "ownerId" && c.To != "" {
				owned++
			}
		}
	}
	if owned == 0 {
		t.Error("no demo component gets an owner team")
	}

	res, err := s.Run(context.Background(), engine.Options{}, nil)
	if err != nil {
		t.Fatalf("demo sync: %v", err)
	}
	if res.Status != engine.StatusSucceeded || res.Counts.Created == 0 {
		t.Fatalf("demo sync: status %s, counts %+v", res.Status, res.Counts)
	}

	again, err := s.Run(context.Background(), engine.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts.Unchanged != res.Counts.Created || again.API.CompassMutations != 0 {
		t.Errorf("second run: %+v with %d mutations", again.Counts, again.API.CompassMutations)
	}
}

func TestImportRefusesBadSettingsAndKeepsWhatWasStored(t *testing.T) {
	t.Parallel()
	s := open(t, t.TempDir())
	good := "backstage:\n  url: https://backstage.example.com\ncompass:\n  site: acme.atlassian.net\n  email: a@example.com\n"
	if err := s.ImportSettings([]byte(good)); err != nil {
		t.Fatalf("importing good settings: %v", err)
	}

	tests := []struct {
		name, yaml, key string
	}{
		{"an unknown key", good + "colour: blue\n", "colour"},
		{"plain http to a remote host", strings.Replace(good, "https://backstage.example.com", "http://backstage.example.com", 1), "backstage.url"},
		{"a broken expression", good + "mapping:\n  filters:\n    include:\n      - name: bad\n        expression: 'kind =='\n", "expression"},
		{"an unknown type id", good + "mapping:\n  types:\n    default: BANANA\n", "types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.ImportSettings([]byte(tt.yaml))
			if err == nil {
				t.Fatal("bad settings were accepted")
			}
			if !strings.Contains(err.Error(), tt.key) {
				t.Errorf("error %q does not name %q", err, tt.key)
			}
			st, _, err := s.Settings()
			if err != nil || st.Backstage.URL != "https://backstage.example.com" {
				t.Errorf("stored settings changed: %+v, %v", st.Backstage, err)
			}
		})
	}
}

func TestRunWithoutSettingsOrSecretsSaysWhatToDo(t *testing.T) {
	t.Parallel()
	s := open(t, t.TempDir())
	if _, err := s.Run(context.Background(), engine.Options{}, nil); !errors.Is(err, syncer.ErrNotConfigured) {
		t.Fatalf("run without settings: %v", err)
	}

	good := "backstage:\n  url: https://backstage.example.com\ncompass:\n  site: acme.atlassian.net\n  email: a@example.com\n"
	if err := s.ImportSettings([]byte(good)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Run(context.Background(), engine.Options{}, nil)
	var missing *syncer.MissingSecretError
	if !errors.As(err, &missing) || !strings.Contains(err.Error(), "BACKSTAGE_TOKEN") {
		t.Fatalf("run without secrets: %v", err)
	}
}

func TestExportHoldsNoSecrets(t *testing.T) {
	t.Parallel()
	s := open(t, t.TempDir())
	good := "backstage:\n  url: https://backstage.example.com\ncompass:\n  site: acme.atlassian.net\n  email: a@example.com\n"
	if err := s.ImportSettings([]byte(good)); err != nil {
		t.Fatal(err)
	}
	out, err := s.ExportSettings()
	if err != nil {
		t.Fatal(err)
	}
	back, err := config.Parse(out)
	if err != nil || back.Compass.Email != "a@example.com" {
		t.Fatalf("export does not read back: %v", err)
	}
}

func TestSetupReportsConfiguredAndDemoDirectories(t *testing.T) {
	t.Parallel()
	empty := syncer.Setup{DataDir: t.TempDir()}
	if ok, err := empty.Configured(context.Background()); ok || err != nil || empty.Demo() {
		t.Fatalf("empty directory: configured %v, demo %v, %v", ok, empty.Demo(), err)
	}

	demo, err := syncer.StartDemo(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	setup := syncer.Setup{DataDir: demo.DataDir}
	if ok, err := setup.Configured(context.Background()); !ok || err != nil || !setup.Demo() {
		t.Errorf("demo directory: configured %v, demo %v, %v", ok, setup.Demo(), err)
	}
}
