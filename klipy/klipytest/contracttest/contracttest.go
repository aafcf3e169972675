// Package contracttest checks HTTP traffic against the contract of record,
// klipy/openapi.yaml. It is for tests only: it pulls in kin-openapi, which
// the product binary must not link.
//
// Wrap puts a validating layer in front of any handler (usually a
// klipytest.Server): every request and every response that passes through
// is validated with kin-openapi's openapi3filter, and each violation fails
// the test with the operation and the validator's message. Tests of the
// client therefore prove that the client sends only what the contract
// allows, and tests of the fake prove that it answers only what the
// contract allows.
//
// What is and is not checked:
//   - The contract is OpenAPI 3.1. kin-openapi v0.153.0 validates 3.1
//     documents with its JSON Schema 2020-12 validator (type arrays such as
//     [string, "null"], const, examples), which openapi3filter enables by
//     itself for 3.1 documents; no loader option is needed.
//   - Security requirements are not checked here (requests without a key
//     are legitimate in 401 tests); the fake checks keys itself.
//   - Undocumented response statuses are violations (IncludeResponseStatus).
//   - Responses carrying klipytest.FaultHeader were deliberately broken by
//     a fault switch (malformed bodies, drift, injected 5xx/429); only their
//     request is validated. Dropped connections have no response to check.
//   - Requests that match no operation are violations unless the wrapper
//     was built with AllowUnmatched.
package contracttest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// SpecPath is the contract of record, found relative to this source file
// (klipy/klipytest/contracttest → klipy/openapi.yaml).
var SpecPath = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "openapi.yaml")
}()

var (
	loadOnce  sync.Once
	loadedDoc *openapi3.T
	loadedRtr routers.Router
	loadErr   error
)

// Load parses and validates the contract once per test binary and returns
// it with a router over its paths (servers removed, so paths match below
// any base).
func Load() (*openapi3.T, routers.Router, error) {
	loadOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(SpecPath)
		if err != nil {
			loadErr = fmt.Errorf("contracttest: load %s: %w", SpecPath, err)
			return
		}
		doc.Servers = nil
		rtr, err := legacy.NewRouter(doc)
		if err != nil {
			loadErr = fmt.Errorf("contracttest: %s is not a valid OpenAPI document: %w", SpecPath, err)
			return
		}
		loadedDoc, loadedRtr = doc, rtr
	})
	return loadedDoc, loadedRtr, loadErr
}

// Option adjusts a wrapper.
type Option func(*wrapper)

// AllowUnmatched lets requests that match no operation of the contract
// through unchecked (for tests of the fake's 404/405 answers).
func AllowUnmatched() Option { return func(w *wrapper) { w.allowUnmatched = true } }

// Wrap returns h behind a contract check. base is the path prefix the API
// is mounted under in the test (e.g. "/api/v1", or "" for none); it is cut
// from request paths before they are matched against the contract's paths.
// Violations are reported with t.Errorf, so Wrap is safe to use from the
// handler's goroutines.
func Wrap(t testing.TB, h http.Handler, base string, opts ...Option) http.Handler {
	t.Helper()
	_, rtr, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	w := &wrapper{t: t, h: h, base: strings.TrimSuffix(base, "/"), router: rtr}
	for _, o := range opts {
		o(w)
	}
	return w
}

// ResponsesOnly skips the request checks (routing still happens), for
// tests that send deliberately invalid requests and want the fake's
// answers to them checked.
func ResponsesOnly() Option { return func(w *wrapper) { w.responsesOnly = true } }

type wrapper struct {
	t              testing.TB
	h              http.Handler
	base           string
	router         routers.Router
	allowUnmatched bool
	responsesOnly  bool
}

var filterOptions = &openapi3filter.Options{
	AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus: true,
	MultiError:            true,
}

func (w *wrapper) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		w.t.Errorf("contracttest: reading request body: %v", err)
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	in := w.checkRequest(r, body)
	// Buffer the answer so it is validated before it is sent.
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, r) // a panic (dropped connection) propagates
	if in != nil && rec.Header().Get(klipytest.FaultHeader) == "" {
		w.checkResponse(in, rec)
	}
	maps.Copy(rw.Header(), rec.Header())
	rw.WriteHeader(rec.Code)
	_, _ = rw.Write(rec.Body.Bytes())
}

// checkRequest validates r; it returns the validation input for the
// response check, nil when no operation matched.
func (w *wrapper) checkRequest(r *http.Request, body []byte) *openapi3filter.RequestValidationInput {
	probe := r.Clone(r.Context())
	probe.URL.Path = strings.TrimPrefix(r.URL.Path, w.base)
	probe.URL.RawPath = ""
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := w.router.FindRoute(probe)
	if err != nil {
		if !w.allowUnmatched {
			w.t.Errorf("contracttest: %s %s matches no operation of the contract: %v", r.Method, probe.URL.Path, err)
		}
		return nil
	}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: filterOptions}
	if w.responsesOnly {
		return in
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		w.t.Errorf("contracttest: request %s (%s %s) violates the contract:\n%v", route.Operation.OperationID, r.Method, probe.URL.Path, err)
	}
	return in
}

func (w *wrapper) checkResponse(in *openapi3filter.RequestValidationInput, rec *httptest.ResponseRecorder) {
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                filterOptions,
	}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		w.t.Errorf("contracttest: response %d to %s violates the contract:\n%v\nbody: %s",
			rec.Code, in.Route.Operation.OperationID, err, truncate(rec.Body.Bytes(), 2000))
	}
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "…"
}
