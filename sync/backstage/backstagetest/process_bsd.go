//go:build unix && !linux

package backstagetest

import "syscall"

// setDeathSignal does nothing here: only Linux offers a parent death signal, so a test binary
// that dies without running its cleanups leaves the backend running.
func setDeathSignal(*syscall.SysProcAttr) {}
