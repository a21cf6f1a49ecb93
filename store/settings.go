package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Validator is a settings value that can check itself.
type Validator interface {
	Validate() error
}

// settingsFormat is the version of the envelope that wraps stored settings.
const settingsFormat = 1

var keySettings = []byte("current")

// settingsRecord wraps the caller's settings JSON with a revision that grows on every save.
type settingsRecord struct {
	Format   int             `json:"format"`
	Revision uint64          `json:"revision"`
	SavedAt  time.Time       `json:"saved_at"`
	Settings json.RawMessage `json:"settings"`
}

// SaveSettings validates v and stores it as JSON, replacing the previous settings. Invalid
// settings fail with ErrInvalidSettings and leave what is stored untouched.
//
// The caller must pass settings without secrets: tokens belong in the OS keyring. As a guard,
// settings whose JSON holds a non-empty string under a key ending in "token", "secret" or
// "password" (any case, ignoring "_" and "-") fail with ErrSecretInSettings.
func (s *Store) SaveSettings(v Validator) error {
	if v == nil {
		return fmt.Errorf("saving settings: %w: nil settings", ErrInvalidSettings)
	}
	if err := v.Validate(); err != nil {
		return fmt.Errorf("saving settings: %w: %w", ErrInvalidSettings, err)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding settings: %w", err)
	}
	if err := checkNoSecrets(raw); err != nil {
		return fmt.Errorf("saving settings: %w", err)
	}

	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		rec := settingsRecord{Format: settingsFormat, SavedAt: s.now().UTC(), Settings: raw}
		if old := b.Get(keySettings); old != nil {
			prev, err := decodeSettings(old)
			if err != nil {
				return fmt.Errorf("reading settings: %w", err)
			}
			rec.Revision = prev.Revision
		}
		rec.Revision++

		out, err := encode(rec)
		if err != nil {
			return err
		}
		return b.Put(keySettings, out)
	})
}

// LoadSettings decodes the stored settings into dst, which must be a pointer. It returns false
// and leaves dst alone when no settings were ever saved.
func (s *Store) LoadSettings(dst any) (found bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSettings).Get(keySettings)
		if v == nil {
			return nil
		}
		rec, err := decodeSettings(v)
		if err != nil {
			return fmt.Errorf("reading settings: %w", err)
		}
		if err := json.Unmarshal(rec.Settings, dst); err != nil {
			return fmt.Errorf("decoding settings: %w", err)
		}
		found = true
		return nil
	})
	return found, err
}

func decodeSettings(b []byte) (settingsRecord, error) {
	return decode(b, func(r *settingsRecord) error {
		if r.Format != settingsFormat {
			return fmt.Errorf("settings format %d is not %d", r.Format, settingsFormat)
		}
		if len(r.Settings) == 0 {
			return fmt.Errorf("settings are missing")
		}
		return nil
	})
}

// secretKeySuffixes are the key endings that mark a value as a secret.
var secretKeySuffixes = []string{"token", "secret", "password"}

// checkNoSecrets fails with ErrSecretInSettings, naming the key but never the value, when raw
// holds a non-empty string under a key named like a secret.
func checkNoSecrets(raw []byte) error {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("reading encoded settings: %w", err)
	}
	return findSecret(doc, "")
}

func findSecret(node any, path string) error {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			p := path + "." + k
			if s, ok := v.(string); ok && s != "" && isSecretKey(k) {
				return fmt.Errorf("%w: %s holds a value; keep it in the OS keyring",
					ErrSecretInSettings, strings.TrimPrefix(p, "."))
			}
			if err := findSecret(v, p); err != nil {
				return err
			}
		}
	case []any:
		for i, v := range n {
			if err := findSecret(v, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func isSecretKey(k string) bool {
	k = strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
	for _, suffix := range secretKeySuffixes {
		if strings.HasSuffix(k, suffix) {
			return true
		}
	}
	return false
}
