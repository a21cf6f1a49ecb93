package backstagetest

import "syscall"

// setDeathSignal has the kernel kill the backend when the test binary dies without running its
// cleanups, for example on a test timeout. The signal follows the thread that started the
// process, and Go ends a thread only when a goroutine locked to it exits, so in practice it fires
// when the test binary goes away.
func setDeathSignal(attr *syscall.SysProcAttr) {
	attr.Pdeathsig = syscall.SIGKILL
}
