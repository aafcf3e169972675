package main

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// pollableInput returns a reader of f that waits for input in the Go
// runtime's poller rather than in a blocking read(2), and a function that
// closes it and undoes what it changed. ok is false when f cannot be read
// that way (a terminal, a regular file, /dev/null); r is then f itself.
//
// A blocking read holds a thread and its scheduler slot while it waits, so
// each message that arrives has to be handed to another thread: on a small
// machine that hand-off is most of a stdio call's cost. A reader that waits
// in the poller lets one thread take the message, make the upstream call
// and write the answer.
//
// A pipe is reopened through /proc, which gives this process an open file
// description of its own: the non-blocking flag set on it is seen by nobody
// else who holds the pipe. A socket (what Node-based clients give the
// servers they spawn) cannot be reopened that way; a duplicate is switched
// to non-blocking, and the flag is put back when done, as the file
// description is shared with whoever else holds the socket.
func pollableInput(f *os.File) (r io.Reader, undo func(), ok bool) {
	none := func() {}
	if f.SetReadDeadline(noDeadline) == nil {
		return f, none, true // already read through the poller
	}
	fd := int(f.Fd())
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return f, none, false
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFIFO:
		p, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fd), os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return f, none, false
		}
		if p.SetReadDeadline(noDeadline) != nil {
			p.Close()
			return f, none, false
		}
		return p, func() { p.Close() }, true
	case syscall.S_IFSOCK:
		dup, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_DUPFD_CLOEXEC, 0)
		if errno != 0 {
			return f, none, false
		}
		if err := syscall.SetNonblock(int(dup), true); err != nil {
			syscall.Close(int(dup))
			return f, none, false
		}
		s := os.NewFile(dup, f.Name())
		restore := func() { s.Close(); syscall.SetNonblock(fd, false) }
		if s.SetReadDeadline(noDeadline) != nil {
			restore()
			return f, none, false
		}
		return s, restore, true
	}
	return f, none, false
}
