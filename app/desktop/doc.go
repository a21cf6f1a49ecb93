// Package desktop opens the app's window with Wails: it sets the window options, binds the
// services from package app and bridges the Wails runtime to the app.Events interface.
package desktop
