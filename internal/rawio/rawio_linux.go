package rawio

import (
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"unsafe"
)

// File returns a reader and writer of f that makes raw system calls, or f
// itself when f does not wait in the poller (a terminal, a regular file, a
// blocking pipe).
func File(f *os.File) io.ReadWriter {
	if !Polled(f) {
		return f
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return f
	}
	return &file{rw: newRW(rc), f: f}
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
	return &conn{Conn: c, rw: newRW(rc)}
}

// file is an os.File read and written raw; errors name the file as the os
// package's do.
type file struct {
	*rw
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
	*rw
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
//
// The callbacks handed to the RawConn are made once, with the state they
// fill, so a call allocates nothing; a mutex per direction keeps that state
// to one call at a time, as the poller's own locks would anyway.
type rw struct {
	rc syscall.RawConn
	r  call
	w  call
}

// call is one direction's state: the buffer, how much was done, the error.
type call struct {
	mu    sync.Mutex
	p     []byte
	n     int
	errno syscall.Errno
	fn    func(fd uintptr) bool
}

func newRW(rc syscall.RawConn) *rw {
	x := &rw{rc: rc}
	x.r.fn = x.r.read
	x.w.fn = x.w.write
	return x
}

// read is the raw read callback: false waits in the poller and tries again.
func (c *call) read(fd uintptr) bool {
	for {
		r1, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&c.p[0])), uintptr(len(c.p)))
		switch e {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			return false
		}
		c.n, c.errno = int(r1), e
		return true
	}
}

// write is the raw write callback: false waits until there is room, then
// goes on from where it stopped.
func (c *call) write(fd uintptr) bool {
	for c.n < len(c.p) {
		r1, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&c.p[c.n])), uintptr(len(c.p)-c.n))
		switch e {
		case 0:
			c.n += int(r1)
		case syscall.EINTR:
		case syscall.EAGAIN:
			return false
		default:
			c.errno = e
			return true
		}
	}
	return true
}

func (x *rw) read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, errno, err := x.call(&x.r, p, false)
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

func (x *rw) write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, errno, err := x.call(&x.w, p, true)
	if err != nil {
		return n, err
	}
	if errno != 0 {
		return n, errno
	}
	return n, nil
}

// call runs one raw read or write of p with c's callback, in the poller.
func (x *rw) call(c *call, p []byte, write bool) (int, syscall.Errno, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.p, c.n, c.errno = p, 0, 0
	var err error
	if write {
		err = x.rc.Write(c.fn)
	} else {
		err = x.rc.Read(c.fn)
	}
	n, errno := c.n, c.errno
	c.p = nil
	return n, errno, err
}
