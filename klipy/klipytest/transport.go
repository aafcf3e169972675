package klipytest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// ErrDropped is the error an in-process transport returns for a request
// whose handler aborted without a response (e.g. DropNext).
var ErrDropped = errors.New("klipytest: connection dropped by the server")

// NewTransport returns an http.RoundTripper that serves every request by
// calling h in-process: no sockets, no network. Sandbox mode puts it under
// the real client (any base URL works, e.g. "http://sandbox.invalid/api/v1").
//
// The handler runs on the caller's goroutine under the request's context;
// its response is buffered and returned whole. A handler that panics with
// http.ErrAbortHandler yields ErrDropped; any other panic propagates.
func NewTransport(h http.Handler) http.RoundTripper { return transport{h} }

type transport struct{ h http.Handler }

func (t transport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	in := req.Clone(req.Context())
	if req.Body == nil {
		in.Body = http.NoBody
	}
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "in-process"
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	rec := &recorder{header: http.Header{}}
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler {
				panic(p)
			}
			resp, err = nil, ErrDropped
		}
		if req.Body != nil {
			_ = req.Body.Close()
		}
	}()
	t.h.ServeHTTP(rec, in)
	return rec.response(req), nil
}

// recorder is a minimal buffering http.ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func (r *recorder) response(req *http.Request) *http.Response {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	h := r.header.Clone()
	h.Set("Content-Length", strconv.Itoa(r.body.Len()))
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", r.status, http.StatusText(r.status)),
		StatusCode:    r.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(r.body.Bytes())),
		ContentLength: int64(r.body.Len()),
		Request:       req,
	}
}
