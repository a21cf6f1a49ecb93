// Package cli is the command line of backstage-sync. With no command it opens the desktop window;
// the commands below it run the same services without one. Execute returns the process exit code:
// see ExitOK and the codes after it.
package cli
