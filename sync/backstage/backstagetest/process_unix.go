//go:build unix

package backstagetest

import "syscall"

// sysProcAttr puts the backend in its own process group, so that stopping it reaches every
// process it started.
func sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(attr)
	return attr
}

// terminateGroup asks the process group led by pid to stop.
func terminateGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGTERM)
}

// killGroup ends the process group led by pid.
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}
