package app

// ProductName is the name of the product, used for the window title and shown in the UI.
const ProductName = "Backstage Sync for Compass"

// Version is the release version. Release builds set it at link time with
// -ldflags "-X github.com/backstage-sync/backstage-sync/app.Version=v1.2.3".
var Version = "dev"
