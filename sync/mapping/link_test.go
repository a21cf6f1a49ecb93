package mapping

import (
	"net/url"
	"testing"
)

func TestCheckURL(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name  string
		url   string
		web   bool
		creds bool
	}{
		{"an https URL", "https://github.com/acme/x/tree/main/", true, false},
		{"an http URL with a port", "http://localhost:7007/docs", true, false},
		{"a URL with an escaped space", "https://x.example/a%20b", true, false},
		{"a URL with credentials", "https://u:p@x.example/", true, true},
		{"a javascript URL", "javascript:alert(1)", false, false},
		{"a relative path", "/docs", false, false},
		{"a URL without a host", "https:///path", false, false},
		{"a URL with a bad escape", "https://x.example/%zz", false, false},
		{"an ftp URL", "ftp://x.example/f", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			web, creds := checkURL(tt.url)
			if web != tt.web || creds != tt.creds {
				t.Errorf("checkURL(%q) = %v, %v; want %v, %v", tt.url, web, creds, tt.web, tt.creds)
			}
		})
	}
}

func TestContainsWord(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		text string
		word string
		want bool
	}{
		{"a whole text", "ci", "ci", true},
		{"a word among others", "the ci pipeline", "ci", true},
		{"a word after a hyphen", "build-ci", "ci", true},
		{"a hyphenated keyword", "on-call rota", "on-call", true},
		{"a word inside another", "circus", "ci", false},
		{"a later whole word after a partial one", "circus ci", "ci", true},
		{"an empty keyword", "ci", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			if got := containsWord(tt.text, tt.word); got != tt.want {
				t.Errorf("containsWord(%q, %q) = %v, want %v", tt.text, tt.word, got, tt.want)
			}
		})
	}
}

// FuzzCheckURL holds the fast path to url.Parse's answer.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{"https://a.example/b?c=d#e", "http://x", "https://a.example:80/", "https://[::1]/"} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		if !plainWebURL(s) {
			return
		}
		u, err := url.Parse(s)
		if err != nil || u.Host == "" || u.User != nil || u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("fast path accepts %q but url.Parse says %v, %+v", s, err, u)
		}
	})
}
