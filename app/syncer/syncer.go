// Package syncer puts the pieces of one sync together for the CLI, the window and the service:
// the store in the data directory, the settings, the secrets, the two API clients and the
// engine.
package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/backstage-sync/backstage-sync/store"
	"github.com/backstage-sync/backstage-sync/store/secret"
	"github.com/backstage-sync/backstage-sync/sync/backstage"
	"github.com/backstage-sync/backstage-sync/sync/compass"
	"github.com/backstage-sync/backstage-sync/sync/config"
	"github.com/backstage-sync/backstage-sync/sync/engine"
	"github.com/backstage-sync/backstage-sync/sync/mapping"
	"github.com/backstage-sync/backstage-sync/sync/plan"
)

// DatabaseFile is the name of the database inside the data directory.
const DatabaseFile = "backstage-sync.db"

// metaDemo marks a data directory that holds demo settings.
const metaDemo = "app.demo"

// Options configure a Syncer.
type Options struct {
	// DataDir holds the database.
	DataDir string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Secrets reads the tokens; nil means the OS keyring with environment overrides.
	Secrets *secret.Store
	Logger  *slog.Logger
	// Actor is who the audit log credits, for example "cli".
	Actor string
	// HTTPClient is used for both APIs; nil means a client with sensible timeouts.
	HTTPClient *http.Client
}

// Syncer runs syncs with the settings and state kept in one data directory.
type Syncer struct {
	opts  Options
	store *store.Store
}

// Open opens (or creates) the database in the data directory.
func Open(opts Options) (*Syncer, error) {
	if opts.DataDir == "" {
		return nil, fmt.Errorf("opening data directory: %w", ErrNoDataDir)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Secrets == nil {
		opts.Secrets = secret.New()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Actor == "" {
		opts.Actor = "app"
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 60 * time.Second}
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}

	st, err := store.Open(filepath.Join(opts.DataDir, DatabaseFile))
	if err != nil {
		return nil, err
	}

	return &Syncer{opts: opts, store: st}, nil
}

// Close closes the database.
func (s *Syncer) Close() error {
	return s.store.Close()
}

// Store returns the underlying store, for status pages and exports.
func (s *Syncer) Store() *store.Store {
	return s.store
}

// Settings returns the stored settings with the environment overrides applied, and whether
// any were stored. With none stored it returns the defaults.
func (s *Syncer) Settings() (config.Settings, bool, error) {
	st := config.Default()
	found, err := s.store.LoadSettings(&st)
	if err != nil {
		return config.Settings{}, false, fmt.Errorf("reading settings: %w", err)
	}
	if !found {
		st = config.Default()
	}
	st.ApplyEnv(s.opts.Getenv)

	return st, found, nil
}

// ImportSettings parses, validates and stores settings from YAML. Invalid settings are refused
// and what was stored stays as it was.
func (s *Syncer) ImportSettings(data []byte) error {
	st, err := config.Parse(data)
	if err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	if err := s.store.SaveSettings(st); err != nil {
		return fmt.Errorf("storing settings: %w", err)
	}

	return s.audit("settings.import", "settings", map[string]string{"hash": hashOf(st)})
}

// ExportSettings returns the stored settings as YAML, without environment overrides. Secrets
// are never part of the settings.
func (s *Syncer) ExportSettings() ([]byte, error) {
	st := config.Default()
	found, err := s.store.LoadSettings(&st)
	if err != nil {
		return nil, fmt.Errorf("reading settings: %w", err)
	}
	if !found {
		return nil, ErrNotConfigured
	}

	return config.Marshal(st)
}

// Demo reports whether the data directory holds the built-in demo.
func (s *Syncer) Demo() bool {
	b, err := s.store.GetMeta(metaDemo)
	return err == nil && string(b) == "true"
}

// MarkDemo marks the data directory as holding demo settings and data.
func (s *Syncer) MarkDemo() error {
	return s.store.PutMeta(metaDemo, []byte("true"))
}

// Run performs one sync with the stored settings.
func (s *Syncer) Run(ctx context.Context, opts engine.Options, progress engine.Progress) (*engine.Result, error) {
	st, found, err := s.Settings()
	if err != nil {
		return nil, err
	}
	if !found && st.Backstage.URL == "" {
		return nil, ErrNotConfigured
	}
	if err := st.Validate(); err != nil {
		return nil, err
	}

	eng, err := s.engine(st, progress)
	if err != nil {
		return nil, err
	}
	defer leanGC(s.opts.Getenv)()

	return eng.Run(ctx, opts)
}

// engine builds the clients and the engine for one run.
func (s *Syncer) engine(st config.Settings, progress engine.Progress) (*engine.Engine, error) {
	bc, err := s.backstageClient(st)
	if err != nil {
		return nil, err
	}
	cc, err := s.compassClient(st)
	if err != nil {
		return nil, err
	}
	rules := st.Rules()
	mapper, err := mapping.Compile(rules)
	if err != nil {
		return nil, err
	}

	return engine.New(engine.Config{
		Source: engine.NewCatalog(bc, listFilters(st, rules)),
		Target: cc,
		Store:  &engineStore{st: s.store, now: time.Now},
		Mapper: mapper,
		Policy: policyOf(st),
		RulesHash: hashOf(struct {
			R mapping.Rules
			S string
		}{rules, st.Compass.ExternalSource}),
		BatchSize:   st.Sync.BatchSize,
		Concurrency: st.Sync.Concurrency,
		Actor:       s.opts.Actor,
		Progress:    progress,
		Logger:      s.opts.Logger,
	})
}

// listFilters narrows the catalog listing to the kinds the mapping includes, when every include
// rule names kinds, plus groups for owner resolution.
func listFilters(st config.Settings, rules mapping.Rules) []string {
	if len(st.Backstage.Filters) > 0 {
		return st.Backstage.Filters
	}
	kinds := map[string]bool{}
	for _, in := range rules.Filters.Include {
		if len(in.Kinds) == 0 {
			return nil
		}
		for _, k := range in.Kinds {
			kinds[strings.ToLower(k)] = true
		}
	}
	var filters []string
	for k := range kinds {
		filters = append(filters, "kind="+k)
	}

	return filters
}

func policyOf(st config.Settings) plan.Policy {
	p := plan.DefaultPolicy(st.Compass.ExternalSource)
	p.Adoption = st.Sync.Adoption
	p.DefaultDeletion = plan.Mode(st.Deletion.DefaultPolicy)
	p.Deletion = map[string]plan.Mode{}
	for kind, mode := range st.Deletion.Policy {
		p.Deletion[strings.ToLower(kind)] = plan.Mode(mode)
	}
	p.MissingRuns = st.Deletion.MissingRuns
	p.ThresholdPercent = float64(st.Deletion.ThresholdPercent)
	p.ThresholdCount = st.Deletion.ThresholdCount
	p.DeprecateLabel = st.Deletion.DeprecateLabel

	return p
}

func (s *Syncer) backstageClient(st config.Settings) (*backstage.Client, error) {
	var auth backstage.Auth
	switch st.Backstage.Auth.Type {
	case config.AuthClientCredentials:
		secretValue, err := s.secret(secret.BackstageClientSecret)
		if err != nil {
			return nil, err
		}
		a := st.Backstage.Auth
		auth = backstage.ClientCredentials{
			TokenURL: a.TokenURL, ClientID: a.ClientID, ClientSecret: secretValue,
			Scopes: a.Scopes, Audience: a.Audience,
		}
	default:
		token, err := s.secret(secret.BackstageToken)
		if err != nil {
			return nil, err
		}
		auth = backstage.StaticToken(token)
	}

	return backstage.New(st.Backstage.URL, auth, backstage.WithHTTPClient(s.opts.HTTPClient))
}

func (s *Syncer) compassClient(st config.Settings) (*compass.Client, error) {
	token, err := s.secret(secret.CompassAPIToken)
	if err != nil {
		return nil, err
	}

	return compass.New(st.Compass.SiteURL(), st.Compass.Email, token, compass.WithHTTPClient(s.opts.HTTPClient))
}

// secret reads one secret: the demo's fixed tokens in a demo data directory, else the
// environment or the keyring.
func (s *Syncer) secret(name secret.Name) (string, error) {
	if s.Demo() {
		return DemoToken(name), nil
	}
	v, _, err := s.opts.Secrets.Get(name)
	if errors.Is(err, secret.ErrNotSet) {
		return "", &MissingSecretError{Name: name}
	}
	if err != nil {
		return "", err
	}

	return v, nil
}

func (s *Syncer) audit(action, target string, details map[string]string) error {
	_, err := s.store.Append(store.Entry{
		Time: time.Now(), Actor: s.opts.Actor, Action: action, Target: target, Details: details,
	})
	return err
}

// hashOf returns a short stable hash of v's JSON form.
func hashOf(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
