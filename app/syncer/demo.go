package syncer

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/backstage-sync/backstage-sync/store/secret"
	"github.com/backstage-sync/backstage-sync/sync/backstage/catalogsim"
	"github.com/backstage-sync/backstage-sync/sync/compass/compasssim"
	"github.com/backstage-sync/backstage-sync/sync/config"
)

// Demo credentials. They only open the simulators that the demo runs on loopback.
const (
	DemoEmail          = "demo@example.com"
	demoCompassToken   = "demo-compass-token"
	demoBackstageToken = "demo-backstage-token"
)

// DemoToken returns the fixed token the demo simulators accept for a secret.
func DemoToken(name secret.Name) string {
	if name == secret.CompassAPIToken {
		return demoCompassToken
	}
	return demoBackstageToken
}

// DemoEnv is the built-in demo: a sample catalog and a simulated Compass site on loopback, and a
// data directory whose settings point at both.
type DemoEnv struct {
	// DataDir is the demo's own data directory, wiped at every start.
	DataDir      string
	BackstageURL string
	CompassURL   string
	// Catalog and Compass are the running simulators, for tests that change them.
	Catalog *catalogsim.Server
	Compass *compasssim.Server

	servers []*http.Server
}

// StartDemo starts the demo servers on loopback ports and writes the demo settings into
// dataDir (any earlier demo database there is removed first, as the simulators start empty).
// Stop the servers with Close.
func StartDemo(dataDir string) (*DemoEnv, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating demo data directory: %w", err)
	}
	if err := os.Remove(filepath.Join(dataDir, DatabaseFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("resetting demo data: %w", err)
	}

	d := &DemoEnv{DataDir: dataDir}
	catalog := catalogsim.New(catalogsim.Options{Token: demoBackstageToken})
	for _, e := range catalogsim.DemoCatalog() {
		if err := catalog.Put(e); err != nil {
			return nil, fmt.Errorf("loading demo catalog: %w", err)
		}
	}
	bsURL, err := d.serve(catalog)
	if err != nil {
		return nil, err
	}
	sim := compasssim.New(compasssim.Options{Email: DemoEmail, Token: demoCompassToken, SiteHost: "127.0.0.1"})
	for _, team := range demoTeams {
		sim.SeedTeam(team)
	}
	csURL, err := d.serve(sim)
	if err != nil {
		d.Close()
		return nil, err
	}
	d.BackstageURL, d.CompassURL = bsURL, csURL
	d.Catalog, d.Compass = catalog, sim

	if err := d.writeSettings(); err != nil {
		d.Close()
		return nil, err
	}

	return d, nil
}

// demoTeams are the Compass teams of the demo site, named like the demo catalog's groups.
var demoTeams = []string{"Storefront Team", "Payments Team", "Identity Team", "Logistics Team", "Data Team", "Platform Team"}

// serve starts h on a free loopback port and returns its URL.
func (d *DemoEnv) serve(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("starting demo server: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	d.servers = append(d.servers, srv)
	go func() { _ = srv.Serve(ln) }()

	return "http://" + ln.Addr().String(), nil
}

func (d *DemoEnv) writeSettings() error {
	s, err := Open(Options{DataDir: d.DataDir, Actor: "demo"})
	if err != nil {
		return err
	}
	defer s.Close()

	st := config.Default()
	st.Backstage.URL = d.BackstageURL
	st.Compass.Site = d.CompassURL
	st.Compass.Email = DemoEmail
	data, err := config.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.MarkDemo(); err != nil {
		return fmt.Errorf("marking demo data: %w", err)
	}

	return s.ImportSettings(data)
}

// Close stops the demo servers.
func (d *DemoEnv) Close() {
	for _, srv := range d.servers {
		_ = srv.Close()
	}
}
