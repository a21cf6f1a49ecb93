package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/backstage-sync/backstage-sync/app/syncer"
	"github.com/backstage-sync/backstage-sync/internal/benchtable"
	"github.com/backstage-sync/backstage-sync/sync/engine"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(envBenchChild); dir != "" {
		os.Exit(benchChild(dir))
	}
	// The commands' unit tests use the in-memory keyring; store/secret tests the real one.
	keyring.MockInit()
	code := m.Run()
	benchtable.Print(os.Stdout)
	os.Exit(code)
}

func startDemo(t *testing.T) *syncer.DemoEnv {
	t.Helper()
	demo, err := syncer.StartDemo(filepath.Join(t.TempDir(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(demo.Close)
	return demo
}

func syncJSON(t *testing.T, dir string, args ...string) (int, engine.Result, string) {
	t.Helper()
	code, out, errOut := run(t, Env{}, append([]string{"--data-dir", dir, "sync", "--json"}, args...)...)
	var res engine.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("sync --json printed no JSON object (exit %d): %v\n%s\n%s", code, err, out, errOut)
	}
	return code, res, errOut
}

func TestSyncDryRunThenApplyThenNothingToDo(t *testing.T) {
	t.Parallel()
	demo := startDemo(t)

	_, raw, _ := run(t, Env{}, "--data-dir", demo.DataDir, "sync", "--json", "--dry-run")
	if !strings.Contains(raw, `"demo": true`) {
		t.Errorf("sync --json on demo data does not say so:\n%.300s", raw)
	}
	code, preview, _ := syncJSON(t, demo.DataDir, "--dry-run")
	if code != ExitOK || !preview.DryRun || preview.Counts.Created == 0 {
		t.Fatalf("dry run: exit %d, %+v", code, preview.Counts)
	}
	if n := len(demo.Compass.Dump().Components); n != 0 {
		t.Fatalf("dry run created %d components", n)
	}

	code, applied, _ := syncJSON(t, demo.DataDir)
	if code != ExitOK || applied.Counts.Created != preview.Counts.Created {
		t.Fatalf("sync: exit %d, created %d, planned %d", code, applied.Counts.Created, preview.Counts.Created)
	}

	code, again, _ := syncJSON(t, demo.DataDir)
	if code != ExitOK || again.Counts.Unchanged != applied.Counts.Created || again.API.CompassMutations != 0 {
		t.Errorf("second sync: exit %d, %+v, %d mutations", code, again.Counts, again.API.CompassMutations)
	}
}

func TestSyncStopsForConfirmationWithExitFour(t *testing.T) {
	t.Parallel()
	demo := startDemo(t)
	code, out, errOut := run(t, Env{}, "--data-dir", demo.DataDir, "config", "export")
	if code != ExitOK {
		t.Fatalf("export: %d %s", code, errOut)
	}
	if !strings.Contains(out, "default_policy: deprecate") {
		t.Fatalf("exported settings lack the default deletion policy:\n%s", out)
	}
	settings := strings.Replace(out, "default_policy: deprecate", "default_policy: delete", 1)
	file := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(file, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, Env{}, "--data-dir", demo.DataDir, "config", "import", file); code != ExitOK {
		t.Fatalf("import: %d %s", code, errOut)
	}
	if code, _, _ := syncJSON(t, demo.DataDir); code != ExitOK {
		t.Fatalf("initial sync exit %d", code)
	}
	before := len(demo.Compass.Dump().Components)

	removed := 0
	for _, e := range demo.Catalog.Entities() {
		if e["kind"] == "Component" && removed < before/2 {
			md := e["metadata"].(map[string]any)
			if _, err := demo.Catalog.Delete("component:default/" + md["name"].(string)); err != nil {
				t.Fatal(err)
			}
			removed++
		}
	}
	syncJSON(t, demo.DataDir)
	code, res, errOut := syncJSON(t, demo.DataDir)

	if code != ExitNeedsConfirmation || res.Status != engine.StatusNeedsConfirmation {
		t.Fatalf("exit %d, status %s: want 4 and needs_confirmation (%s)", code, res.Status, errOut)
	}
	if n := len(demo.Compass.Dump().Components); n != before {
		t.Errorf("guarded run left %d components, had %d", n, before)
	}
	if code, res, _ := syncJSON(t, demo.DataDir, "--yes"); code != ExitOK || res.Counts.Deleted != removed {
		t.Errorf("confirmed run: exit %d, deleted %d, want %d", code, res.Counts.Deleted, removed)
	}
}

func TestCommandsRefuseBadInputWithUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("backstage:\n  url: http://backstage.example.com\n  colour: red\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		want     string
	}{
		{"sync without settings", []string{"sync"}, "", ExitUsage, "config import"},
		{"import with an unknown key", []string{"config", "import", bad}, "", ExitUsage, "colour"},
		{"export without settings", []string{"config", "export"}, "", ExitUsage, "no settings"},
		{"a secret with an unknown name", []string{"secrets", "set", "password"}, "x\n", ExitUsage, "compass_api_token"},
		{"a secret with no value", []string{"secrets", "set", "compass_api_token"}, "", ExitUsage, "standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := Env{Stdin: strings.NewReader(tt.stdin)}
			code, _, errOut := run(t, env, append([]string{"--data-dir", filepath.Join(dir, tt.name)}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.want)
			}
		})
	}
}

func TestSecretsSetStoresTheValueWithoutPrintingIt(t *testing.T) {
	t.Parallel()
	env := Env{Stdin: strings.NewReader("s3cret-value\n")}
	code, out, errOut := run(t, env, "--data-dir", t.TempDir(), "secrets", "set", "compass_api_token")
	if code != ExitOK || strings.Contains(out+errOut, "s3cret-value") {
		t.Fatalf("exit %d, output %q %q", code, out, errOut)
	}
	got, err := keyring.Get("backstage-sync", "compass_api_token")
	if err != nil || got != "s3cret-value" {
		t.Errorf("keyring holds %q, %v", got, err)
	}
}

func TestStatusReportsManagedComponentsAndRuns(t *testing.T) {
	t.Parallel()
	demo := startDemo(t)
	code, applied, _ := syncJSON(t, demo.DataDir)
	if code != ExitOK {
		t.Fatalf("sync exit %d", code)
	}

	code, out, errOut := run(t, Env{}, "--data-dir", demo.DataDir, "status", "--json")
	if code != ExitOK {
		t.Fatalf("status exit %d: %s", code, errOut)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	if !rep.Configured || !rep.Demo || rep.ManagedComponents != applied.Counts.Created {
		t.Errorf("status: configured %v, demo %v, managed %d; want true, true, %d",
			rep.Configured, rep.Demo, rep.ManagedComponents, applied.Counts.Created)
	}
	if len(rep.Runs) != 1 || rep.Runs[0].ID != applied.RunID || rep.Runs[0].Status != "succeeded" {
		t.Errorf("status runs = %+v, want the one run %s", rep.Runs, applied.RunID)
	}

	_, text, _ := run(t, Env{}, "--data-dir", demo.DataDir, "status")
	if !strings.Contains(text, "DEMO DATA") || !strings.Contains(text, "managed components") {
		t.Errorf("status text lacks the demo label or the counts:\n%s", text)
	}
}

func TestSecretsStatusNeverPrintsValues(t *testing.T) {
	t.Parallel()
	env := Env{Getenv: func(k string) string {
		if k == "COMPASS_API_TOKEN" {
			return "env-secret-value"
		}
		return ""
	}}
	code, out, _ := run(t, env, "--data-dir", t.TempDir(), "secrets", "status")
	if code != ExitOK || strings.Contains(out, "env-secret-value") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if !strings.Contains(out, "compass_api_token") || !strings.Contains(out, "set (env)") {
		t.Errorf("secrets status does not say the token comes from the environment:\n%s", out)
	}
}

func TestResultJSONIsPrintedAsOneIndentedObject(t *testing.T) {
	t.Parallel()
	for _, items := range [][]engine.Item{
		{},
		{{Ref: "component:default/a", Action: "create", Reason: "new entity"}},
		{
			{Ref: "component:default/a", Action: "update", ComponentID: "ari:a",
				Changes: []engine.Change{{Field: "name", From: "A", To: `"items": null`}}},
			{Ref: "component:default/b", Action: "failed", Error: "boom", Warnings: []string{"owner: none"}},
		},
	} {
		res := &engine.Result{RunID: "r1", Status: engine.StatusSucceeded, Items: items, Error: `"items": null`,
			Counts: engine.Counts{Created: 1}, Warnings: []string{"w"}}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(jsonResult{res, true}); err != nil {
			t.Fatal(err)
		}

		var got bytes.Buffer
		if err := writeResultJSON(&got, res, true); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%d items: printed\n%s\nwant\n%s", len(items), got.String(), want.String())
		}
	}
}
