package compass

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

// FuzzDecodeComponent feeds arbitrary component results to the decoder: it may refuse them, but
// must not panic, and a decoded component never lists more dependencies than nodes were sent.
func FuzzDecodeComponent(f *testing.F) {
	sample, err := os.ReadFile("testdata/component.json")
	if err != nil {
		f.Fatal(err)
	}
	var doc struct {
		Data struct {
			Compass struct {
				Component json.RawMessage `json:"component"`
			} `json:"compass"`
		} `json:"data"`
	}
	if err := json.Unmarshal(sample, &doc); err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(doc.Data.Compass.Component))
	f.Add([]byte(`{"__typename":"QueryError","message":"x","extensions":[]}`))
	f.Add([]byte(`{"relationships":{"nodes":[{"endNode":null}]},"fields":[{"definition":null}]}`))

	f.Fuzz(func(t *testing.T, raw []byte) {
		comp, err := decodeResult(raw)
		if err != nil {
			return
		}

		var probe struct {
			Relationships *struct {
				Nodes []json.RawMessage `json:"nodes"`
			} `json:"relationships"`
		}
		_ = json.Unmarshal(raw, &probe)
		if probe.Relationships != nil && len(comp.DependsOn) > len(probe.Relationships.Nodes) {
			t.Errorf("%d dependencies from %d nodes", len(comp.DependsOn), len(probe.Relationships.Nodes))
		}
	})
}

// FuzzParseRetryAfter checks that every Retry-After value yields a wait between zero and
// maxRetryAfter.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"", "7", "1.5", "-3", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, v string) {
		if d := parseRetryAfter(v); d < 0 || d > maxRetryAfter {
			t.Errorf("parseRetryAfter(%q) = %s", v, d)
		}
	})
}

// FuzzBodyMessage checks that error bodies never yield an unbounded message.
func FuzzBodyMessage(f *testing.F) {
	for _, seed := range []string{`{"errors":[{"message":"x"}]}`, `{"message":"y"}`, "<html>", "plain\ntext"} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, body string) {
		if m := bodyMessage(body); len(m) > 203 {
			t.Errorf("bodyMessage gave %d bytes", len(m))
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want time.Duration
	}{
		{"seconds are read", "7", 7 * time.Second},
		{"fractions of seconds are read", "0.5", 500 * time.Millisecond},
		{"a negative value means no wait", "-3", 0},
		{"a date in the past means no wait", "Wed, 21 Oct 2015 07:28:00 GMT", 0},
		{"garbage means no wait", "soon", 0},
		{"a huge wait is capped", "1000E7", maxRetryAfter},
		{"infinity is capped", "+Inf", maxRetryAfter},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := parseRetryAfter(tt.in); got != tt.want {
				t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
