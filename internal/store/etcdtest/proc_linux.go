package etcdtest

import "syscall"

// dieWithParent has a member's process killed when the test's ends, however
// it ends.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
