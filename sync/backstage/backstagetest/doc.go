// Package backstagetest runs a real Backstage catalog backend on loopback for integration tests.
//
// The backend is a small Node project in the backend directory next to this file, with pinned
// npm packages; backend/install.sh installs it (about two to three minutes the first time, a
// fraction of a second after that). Start writes a catalog into files, starts the backend on a
// free port with a random static token, and waits until the catalog has ingested every entity.
// Put, Remove and Rename edit the catalog files of the running backend and wait until the change
// shows in the catalog API:
//
//	func TestSomething(t *testing.T) {
//		b := backstagetest.Start(t, backstagetest.Options{
//			Catalog: backstagetest.GenerateCatalog(backstagetest.CatalogOptions{Components: 40}),
//		})
//		// Call b.URL with "Authorization: Bearer " + b.Token.
//		if err := b.Remove("component:default/component-009"); err != nil {
//			t.Fatal(err)
//		}
//	}
//
// GenerateCatalog builds a deterministic catalog that covers what the sync maps: every common
// component type and lifecycle, owners, systems, domains, APIs, resources, links, awkward tags,
// annotations and dependencies.
//
// When the backend is not installed, Start skips the test, unless BACKSTAGE_TEST_REQUIRED=1 is
// set: then it fails. With go test -short it always skips. The backend's log is shown when a test
// fails, and the backend is stopped when the test ends (on Linux also when the test binary dies).
package backstagetest
