//go:build !unix

package backstagetest

import (
	"os"
	"syscall"
)

// sysProcAttr asks for nothing special: process groups are a Unix notion.
func sysProcAttr() *syscall.SysProcAttr {
	return nil
}

// terminateGroup ends the process pid; there is no gentler signal to send here.
func terminateGroup(pid int) {
	killGroup(pid)
}

// killGroup ends the process pid.
func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
