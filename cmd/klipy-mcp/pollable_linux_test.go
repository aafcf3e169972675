package main

import (
	"io"
	"os"
	"syscall"
	"testing"

	"github.com/klipy-ai/klipy-mcp/internal/rawio"
)

// nonblocking reports whether fd's open file description is non-blocking.
func nonblocking(t *testing.T, fd int) bool {
	t.Helper()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	return flags&syscall.O_NONBLOCK != 0
}

// isPollable reports whether r is a file read through the runtime's poller.
func isPollable(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && rawio.Polled(f)
}

// readThrough writes msg on w and reads it back from r.
func readThrough(t *testing.T, r io.Reader, w *os.File, msg string) {
	t.Helper()
	if _, err := w.WriteString(msg); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(r, got); err != nil || string(got) != msg {
		t.Fatalf("read %q, %v; want %q", got, err, msg)
	}
}

// TestPollableInputPipe: a blocking pipe is reopened as a description of
// its own, read through the poller, and the original is left blocking.
func TestPollableInputPipe(t *testing.T) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	rf, w := os.NewFile(uintptr(fds[0]), "stdin"), os.NewFile(uintptr(fds[1]), "w")
	defer rf.Close()
	defer w.Close()
	if isPollable(rf) {
		t.Fatal("a pipe made with pipe2 is already pollable: the test proves nothing")
	}

	r, undo, ok := pollable(rf, false)
	if !ok || !isPollable(r) || r == io.Reader(rf) {
		t.Fatalf("pollable(pipe) = %T, ok=%v; want a new pollable file", r, ok)
	}
	if nonblocking(t, fds[0]) {
		t.Error("the original pipe description was made non-blocking")
	}
	readThrough(t, r, w, "{\"jsonrpc\":\"2.0\"}\n")
	w.Close()
	if n, err := r.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Errorf("after the writer closed: %d, %v; want EOF", n, err)
	}
	undo()
	if _, err := rf.Stat(); err != nil {
		t.Errorf("undo closed the original: %v", err)
	}
}

// TestPollableInputSocket: a blocking socket (what Node-based clients
// give their servers) is read through the poller and left blocking again
// by undo.
func TestPollableInputSocket(t *testing.T) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	sf, peer := os.NewFile(uintptr(fds[0]), "stdin"), os.NewFile(uintptr(fds[1]), "peer")
	defer sf.Close()
	defer peer.Close()
	if isPollable(sf) {
		t.Fatal("the socket is already pollable: the test proves nothing")
	}

	r, undo, ok := pollable(sf, false)
	if !ok || !isPollable(r) {
		t.Fatalf("pollable(socket) = %T, ok=%v; want a pollable file", r, ok)
	}
	readThrough(t, r, peer, "{\"id\":1}\n")
	undo()
	if nonblocking(t, fds[0]) {
		t.Error("undo left the socket non-blocking")
	}
	if _, err := peer.WriteString("x"); err != nil {
		t.Fatal(err)
	}
	if n, err := sf.Read(make([]byte, 1)); n != 1 || err != nil {
		t.Errorf("the original after undo: %d, %v", n, err)
	}
}

// TestPollableInputKeepsOthers: a regular file is read as it is, and a
// file already read through the poller is returned unchanged.
func TestPollableInputKeepsOthers(t *testing.T) {
	reg, err := os.CreateTemp(t.TempDir(), "session")
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	if r, undo, ok := pollable(reg, false); ok || r != io.Reader(reg) {
		t.Errorf("pollable(regular file) = %T, %v; want the file, false", r, ok)
	} else {
		undo()
	}

	pr, pw, err := os.Pipe() // os.Pipe's ends are pollable already
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	r, undo, ok := pollable(pr, false)
	if !ok || r != io.Reader(pr) {
		t.Errorf("pollable(os.Pipe) = %T, %v; want the same file, true", r, ok)
	}
	undo()
	readThrough(t, pr, pw, "still open\n")
}

// TestPollableOutputPipe: the write end of a blocking pipe (the client's
// read end is elsewhere) is reopened for writing in the poller, and the
// original is left blocking.
func TestPollableOutputPipe(t *testing.T) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	r, wf := os.NewFile(uintptr(fds[0]), "client"), os.NewFile(uintptr(fds[1]), "stdout")
	defer r.Close()
	defer wf.Close()
	w, undo, ok := pollable(wf, true)
	if !ok || w == wf || !rawio.Polled(w) {
		t.Fatalf("pollable(pipe, write) = %v, ok=%v; want a new pollable file", w.Name(), ok)
	}
	if nonblocking(t, fds[1]) {
		t.Error("the original pipe description was made non-blocking")
	}
	readThrough(t, r, w, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n")
	undo()
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("undo left the reopened file open")
	}
}
