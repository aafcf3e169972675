//go:build !linux

package rawio

import (
	"io"
	"net"
	"os"
)

// File returns f: raw system calls are made on Linux only.
func File(f *os.File) io.ReadWriter { return f }

// Conn returns c: raw system calls are made on Linux only.
func Conn(c net.Conn) net.Conn { return c }
