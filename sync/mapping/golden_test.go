package mapping

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testEnv is the team directory and catalog groups the golden files are mapped with.
func testEnv() Env {
	return Env{
		Teams: TeamList{
			{ID: "ari:cloud:identity::team/auth-uuid", Name: "Team-Auth-004"},
			{ID: "ari:cloud:identity::team/web-uuid", Name: "Web Team"},
			{ID: "ari:cloud:identity::team/pay-1", Name: "payments-team"},
			{ID: "ari:cloud:identity::team/pay-2", Name: "Payments-Team"},
		},
		Groups: GroupMap{
			"group:shop/web-team": {Ref: "group:shop/web-team", Title: "Web team"},
		},
	}
}

type goldenCase struct {
	Entity    string     `json:"entity"`
	Component *Component `json:"component,omitempty"`
	Skip      *Skip      `json:"skip,omitempty"`
}

func TestMapGolden(t *testing.T) {
	t.Parallel()

	defaults := Default()
	defaults.Links.TechDocsBaseURL = "https://backstage.acme.example/docs"

	rulesets := map[string]Rules{
		"default": defaults,
		"rich":    readRules(t, "testdata/rich-rules.yaml"),
	}
	for name, rules := range rulesets {
		t.Run("the "+name+" rules map every sample entity as recorded", func(t *testing.T) {
			t.Parallel()

			m, err := Compile(rules)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			got := mapAll(t, m)
			compareGolden(t, filepath.Join("testdata", name+".golden"), got)
		})
	}
}

func readRules(t *testing.T, path string) Rules {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rules := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}

	return rules
}

func mapAll(t *testing.T, m *Mapper) []byte {
	t.Helper()

	out, err := mapDocs(m, readEntities(t))
	if err != nil {
		t.Fatal(err)
	}

	return out
}

// namedDoc is a sample entity and the name of its file.
type namedDoc struct {
	name string
	doc  map[string]any
}

func readEntities(t *testing.T) []namedDoc {
	t.Helper()

	files, err := filepath.Glob("testdata/entities/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample entities: %v", err)
	}

	docs := make([]namedDoc, 0, len(files))
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		docs = append(docs, namedDoc{name: name, doc: readEntity(t, f)})
	}

	return docs
}

// mapDocs maps every sample and encodes the results as the golden files hold them.
func mapDocs(m *Mapper, docs []namedDoc) ([]byte, error) {
	cases := make([]goldenCase, 0, len(docs))
	for _, d := range docs {
		c, skip := m.Map(d.doc, testEnv())
		gc := goldenCase{Entity: d.name, Skip: skip}
		if skip == nil {
			gc.Component = &c
		}
		cases = append(cases, gc)
	}

	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(cases); err != nil {
		return nil, err
	}

	return out.Bytes(), nil
}

func readEntity(t testing.TB, path string) map[string]any {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}

	return doc
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()

	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (refresh with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the mapping; run go test -run TestMapGolden -update and review "+
			"the diff.\ngot:\n%s", path, got)
	}
}

func TestPreviewGolden(t *testing.T) {
	t.Parallel()

	m := mustCompile(t, readRules(t, "testdata/rich-rules.yaml"))
	var previews []Preview
	for _, name := range []string{"coupon-api", "api"} {
		previews = append(previews, m.Preview(readEntity(t, "testdata/entities/"+name+".json"), testEnv()))
	}

	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(previews); err != nil {
		t.Fatal(err)
	}
	compareGolden(t, filepath.Join("testdata", "preview.golden"), out.Bytes())
}
