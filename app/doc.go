// Package app holds the services the UI calls. Their exported methods are the API that the
// desktop window binds through Wails and that a headless server can expose over HTTP, so nothing
// here imports Wails: the desktop runtime reaches the services only through the Events interface.
package app
