package main

import (
	"fmt"
	"os"
	"syscall"

	"github.com/klipy-ai/klipy-mcp/internal/rawio"
)

// pollable returns a version of f, one of the stdio streams, that waits in
// the Go runtime's poller rather than in a blocking system call, and a
// function that closes it and undoes what it changed. ok is false when f
// cannot be used that way (a terminal, a regular file, /dev/null); the
// file returned is then f itself.
//
// A blocking read holds a thread and its processor while it waits, so each
// message that arrives has to be handed to another thread: on a small
// machine that hand-off is most of a stdio call's cost. With the streams in
// the poller, one thread takes the message, makes the upstream call and
// writes the answer.
//
// A pipe is reopened through /proc, which gives this process an open file
// description of its own: the non-blocking flag set on it is seen by nobody
// else who holds the pipe. A socket (what Node-based clients give the
// servers they spawn) cannot be reopened that way; a duplicate is switched
// to non-blocking, and the flag is put back when done, as the file
// description is shared with whoever else holds the socket.
func pollable(f *os.File, write bool) (p *os.File, undo func(), ok bool) {
	none := func() {}
	if rawio.Polled(f) {
		return f, none, true // already in the poller
	}
	fd := int(f.Fd())
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return f, none, false
	}
	switch st.Mode & syscall.S_IFMT {
	case syscall.S_IFIFO:
		mode := os.O_RDONLY
		if write {
			mode = os.O_WRONLY
		}
		p, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fd), mode|syscall.O_NONBLOCK, 0)
		if err != nil {
			return f, none, false
		}
		if !rawio.Polled(p) {
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
		// The socket was blocking: os.NewFile puts a non-blocking one in
		// the poller, which returned above.
		restore := func() { s.Close(); syscall.SetNonblock(fd, false) }
		if !rawio.Polled(s) {
			restore()
			return f, none, false
		}
		return s, restore, true
	}
	return f, none, false
}
