package rawio

import (
	"io"
	"net"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// noDeadline clears a deadline: setting one succeeds only on a descriptor
// that waits in the poller.
var noDeadline time.Time

// File returns a reader and writer of f that makes raw system calls, or f
// itself when f does not wait in the poller (a terminal, a regular file, a
// blocking pipe).
func File(f *os.File) io.ReadWriter {
	if f.SetDeadline(noDeadline) != nil {
		return f
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return f
	}
	return &file{rw: rw{rc}, f: f}
}

// Conn returns c read and written with raw system calls, or c itself when
// it has no descriptor (a net.Pipe, a TLS connection).
func Conn(c net.Conn) net.Conn {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return c
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return c
	}
	return &conn{Conn: c, rw: rw{rc}}
}

// file is an os.File read and written raw; errors name the file as the os
// package's do.
type file struct {
	rw
	f *os.File
}

func (f *file) Read(p []byte) (int, error) {
	n, err := f.read(p)
	if errno, ok := err.(syscall.Errno); ok {
		err = &os.PathError{Op: "read", Path: f.f.Name(), Err: errno}
	}
	return n, err
}

func (f *file) Write(p []byte) (int, error) {
	n, err := f.write(p)
	if errno, ok := err.(syscall.Errno); ok {
		err = &os.PathError{Op: "write", Path: f.f.Name(), Err: errno}
	}
	return n, err
}

// conn is a net.Conn read and written raw; errors are the net package's
// *net.OpError.
type conn struct {
	net.Conn
	rw
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.read(p)
	if errno, ok := err.(syscall.Errno); ok {
		err = c.opError("read", errno)
	}
	return n, err
}

func (c *conn) Write(p []byte) (int, error) {
	n, err := c.write(p)
	if errno, ok := err.(syscall.Errno); ok {
		err = c.opError("write", errno)
	}
	return n, err
}

func (c *conn) opError(op string, errno syscall.Errno) error {
	return &net.OpError{Op: op, Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(),
		Err: os.NewSyscallError(op, errno)}
}

// rw makes the raw calls on a descriptor. A failed call returns its
// syscall.Errno for the caller to wrap; the poller's own errors (closed,
// deadline exceeded) come back as the standard library wraps them.
type rw struct{ rc syscall.RawConn }

func (r rw) read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var errno syscall.Errno
	err := r.rc.Read(func(fd uintptr) bool {
		for {
			r1, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false // wait in the poller, then try again
			}
			n, errno = int(r1), e
			return true
		}
	})
	switch {
	case err != nil:
		return 0, err
	case errno != 0:
		return 0, errno
	case n == 0:
		return 0, io.EOF
	}
	return n, nil
}

func (r rw) write(p []byte) (int, error) {
	var done int
	var errno syscall.Errno
	err := r.rc.Write(func(fd uintptr) bool {
		for done < len(p) {
			r1, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done))
			switch e {
			case 0:
				done += int(r1)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false // wait until there is room, then go on
			default:
				errno = e
				return true
			}
		}
		return true
	})
	if err != nil {
		return done, err
	}
	if errno != 0 {
		return done, errno
	}
	return done, nil
}
