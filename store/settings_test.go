package store

import (
	"errors"
	bolt "go.etcd.io/bbolt"
	"strings"
	"testing"
)

type testSettings struct {
	BackstageURL string            `json:"backstageUrl"`
	TokenURL     string            `json:"tokenUrl,omitempty"`
	APIToken     string            `json:"apiToken,omitempty"`
	Nested       map[string]any    `json:"nested,omitempty"`
	Labels       map[string]string `json:"labels,omitempty"`
	invalid      error
}

func (s testSettings) Validate() error { return s.invalid }

func TestSaveSettings(t *testing.T) {
	t.Parallel()
	valid := testSettings{BackstageURL: "https://backstage.example"}
	tests := []struct {
		name    string
		save    testSettings
		wantErr error
	}{
		{
			"valid settings are stored",
			testSettings{BackstageURL: "https://new.example"}, nil,
		},
		{
			"settings that fail validation are refused",
			testSettings{invalid: errors.New("url is required")}, ErrInvalidSettings,
		},
		{
			"a token value is refused",
			testSettings{BackstageURL: "x", APIToken: "abc"}, ErrSecretInSettings,
		},
		{
			"a nested secret is refused",
			testSettings{Nested: map[string]any{"oauth": map[string]any{"client_secret": "s"}}},
			ErrSecretInSettings,
		},
		{
			"a password in a list is refused",
			testSettings{Nested: map[string]any{"hosts": []any{map[string]any{"Password": "p"}}}},
			ErrSecretInSettings,
		},
		{
			"an empty token field is accepted",
			testSettings{BackstageURL: "x", APIToken: ""}, nil,
		},
		{
			"a key that only starts with token is accepted",
			testSettings{TokenURL: "https://auth.example/token"}, nil,
		},
		{
			"a non-string value under a secret-like key is accepted",
			testSettings{Nested: map[string]any{"hasToken": true}}, nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := openTest(t)
			if err := s.SaveSettings(valid); err != nil {
				t.Fatalf("saving the first settings: %v", err)
			}

			err := s.SaveSettings(tt.save)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("SaveSettings error = %v, want %v", err, tt.wantErr)
			}

			var got testSettings
			found, err := s.LoadSettings(&got)
			if err != nil || !found {
				t.Fatalf("LoadSettings = %v, %v", found, err)
			}
			want := tt.save
			if tt.wantErr != nil {
				want = valid
			}
			want.invalid = nil
			if got.BackstageURL != want.BackstageURL || got.TokenURL != want.TokenURL {
				t.Errorf("loaded %+v, want %+v", got, want)
			}
		})
	}
}

func TestASecretInSettingsIsNamedButNotShown(t *testing.T) {
	t.Parallel()
	s := openTest(t)

	err := s.SaveSettings(testSettings{APIToken: "very-secret-value"})
	if !errors.Is(err, ErrSecretInSettings) {
		t.Fatalf("SaveSettings error = %v, want ErrSecretInSettings", err)
	}
	if !strings.Contains(err.Error(), "apiToken") || strings.Contains(err.Error(), "very-secret-value") {
		t.Errorf("error %q should name the key and hide the value", err)
	}
}

func TestLoadSettingsReportsWhenNothingWasSaved(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	dst := testSettings{BackstageURL: "untouched"}

	found, err := s.LoadSettings(&dst)
	if err != nil || found {
		t.Fatalf("LoadSettings = %v, %v; want not found", found, err)
	}
	if dst.BackstageURL != "untouched" {
		t.Errorf("dst was changed to %+v", dst)
	}
}

func TestSettingsRevisionGrowsWithEachSave(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	for i := 0; i < 3; i++ {
		if err := s.SaveSettings(testSettings{BackstageURL: "x"}); err != nil {
			t.Fatalf("SaveSettings: %v", err)
		}
	}

	var rec settingsRecord
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		rec, err = decodeSettings(tx.Bucket(bucketSettings).Get(keySettings))
		return err
	})
	if err != nil {
		t.Fatalf("reading the record: %v", err)
	}
	if rec.Revision != 3 || rec.Format != settingsFormat {
		t.Errorf("record revision %d format %d, want 3 and %d", rec.Revision, rec.Format, settingsFormat)
	}
}
