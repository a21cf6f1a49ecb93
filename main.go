// Command backstage-sync keeps Atlassian Compass in step with a Backstage catalog. It opens a
// desktop window, or runs one of the commands of package cli.
package main

import (
	"embed"
	"os"

	"github.com/backstage-sync/backstage-sync/app/cli"
)

// assets is the built frontend. frontend/dist holds a tracked placeholder so that the module
// builds before the frontend does.
//
//go:embed all:frontend/dist
var assets embed.FS

func main() {
	os.Exit(cli.Main(assets))
}
