package klipy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// This file is the one place where a call becomes HTTP: scope check, pacing,
// the request, retries, error classification and decoding.

// opSpec describes one operation of the contract.
type opSpec struct {
	method string
	path   string // "{id}" stands for the escaped record id
	scope  Scope  // "" when any valid key may call it
	create bool   // re-sending could create a second record
}

// ops is every operation of the contract, by operation id.
var ops = map[string]opSpec{
	"authenticate":      {http.MethodGet, "/authenticate", "", false},
	"getPerson":         {http.MethodGet, "/people/{id}", ScopePeopleRead, false},
	"queryPeople":       {http.MethodPost, "/people/query", ScopePeopleRead, false},
	"createPerson":      {http.MethodPost, "/people", ScopePeopleWrite, true},
	"upsertPerson":      {http.MethodPut, "/people", ScopePeopleWrite, false},
	"updatePerson":      {http.MethodPatch, "/people/{id}", ScopePeopleWrite, false},
	"deletePerson":      {http.MethodDelete, "/people/{id}", ScopePeopleWrite, false},
	"getCompany":        {http.MethodGet, "/companies/{id}", ScopeCompaniesRead, false},
	"createCompany":     {http.MethodPost, "/companies", ScopeCompaniesWrite, true},
	"updateCompany":     {http.MethodPatch, "/companies/{id}", ScopeCompaniesWrite, false},
	"deleteCompany":     {http.MethodDelete, "/companies/{id}", ScopeCompaniesRemove, false},
	"getInteraction":    {http.MethodGet, "/interactions/{id}", ScopeInteractionsRead, false},
	"queryInteractions": {http.MethodPost, "/interactions/query", ScopeInteractionsRead, false},
	"createInteraction": {http.MethodPost, "/interactions", ScopeInteractionsWrite, true},
}

// operationScope returns the scope an operation (by its contract operation
// id, e.g. "deleteCompany") needs; "" for authenticate, which any valid key
// may call. ok is false for an unknown operation.
func operationScope(op string) (scope Scope, ok bool) {
	spec, ok := ops[op]
	return spec.scope, ok
}

// Retry tuning (SPEC §5).
const (
	maxAttempts   = 3                      // per call, for network errors and 5xx
	max429Waits   = 3                      // per call, for short Retry-After waits
	max429Wait    = 10 * time.Second       // longer Retry-After waits are the caller's
	backoffBase   = 100 * time.Millisecond // doubled per attempt, then jittered
	maxWindowWait = 5 * time.Minute        // cap on a server-reported window reset
)

// callBudget bounds a whole call whose context has no deadline: every
// attempt, the backoffs between them and the short 429 waits. Without it a
// caller with no deadline of its own could wait on the limiter indefinitely.
func (c *Client) callBudget() time.Duration {
	return maxAttempts*c.timeout + max429Waits*max429Wait
}

// call is one operation invocation.
type call struct {
	op   string
	id   string // the record id for paths with {id}
	body any    // the JSON body, nil for none
	safe bool   // a create made idempotent by the caller (primaryId)
}

// decoder reads a 2xx body into the method's result. Its envelope is a
// value, the zero one when the body had none, so that the usual answer
// allocates none.
type decoder func(body []byte) (envelope, error)

// exchange is the outcome of one HTTP attempt.
type exchange struct {
	status int
	header http.Header
	body   []byte
	err    error // nothing usable came back
	sent   bool  // with err: the request may have reached the server
	final  bool  // with err: retrying cannot help
}

// do runs c.op: it refuses it when a known scope is missing, paces it,
// sends it (retrying what SPEC §5 allows), classifies failures and decodes
// the answer with into. Everything it returns passes seal, the one exit
// where text that came from upstream is scrubbed of keys.
func (c *Client) do(ctx context.Context, cl call, into decoder) (*Response, error) {
	if _, ok := ctx.Deadline(); !ok {
		ctx = &callCtx{ctx, time.Now().Add(c.callBudget())}
	}
	return c.seal(c.run(ctx, cl, into))
}

// callCtx is the context of a call whose caller set no deadline: the
// caller's, reporting the call's budget as its deadline. No timer enforces
// it, which would cost every call a second context and timer besides its
// attempt's: nothing in a call waits on its context without first checking
// that the wait ends before the deadline (fits; Limiter.Wait does so too),
// each attempt runs under a context whose deadline is at most the budget's
// (attemptContext), and judge takes a passed deadline for one that fired
// (callErr).
type callCtx struct {
	context.Context
	deadline time.Time
}

func (c *callCtx) Deadline() (time.Time, bool) { return c.deadline, true }

// callErr is ctx.Err(), and context.DeadlineExceeded once the budget of a
// callCtx has passed.
func callErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if cc, ok := ctx.(*callCtx); ok && !time.Now().Before(cc.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// attemptContext bounds one attempt by the client's timeout and the call's
// deadline.
func (c *Client) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	d := time.Now().Add(c.timeout)
	if cc, ok := ctx.(*callCtx); ok {
		ctx = cc.Context
		if cc.deadline.Before(d) {
			d = cc.deadline
		}
	}
	return context.WithDeadline(ctx, d)
}

// run is do without the call deadline and the final scrub.
func (c *Client) run(ctx context.Context, cl call, into decoder) (*Response, error) {
	spec, ok := ops[cl.op]
	if !ok {
		return nil, fmt.Errorf("klipy: unknown operation %q", cl.op)
	}
	if !c.Allows(spec.scope) {
		return nil, &ScopeError{Op: cl.op, Scope: spec.scope}
	}
	target, body, err := c.prepare(spec, cl)
	if err != nil {
		return nil, err
	}
	b := &budget{retry: !spec.create || cl.safe}
	for {
		if err := c.pace(ctx, cl.op); err != nil {
			return nil, err
		}
		ex := c.send(ctx, cl.op, spec.method, &target, body)
		resp := c.observe(ex)
		again, err := c.judge(ctx, cl.op, ex, b)
		switch {
		case again:
			continue
		case err != nil:
			return resp, err
		}
		return resp, c.decode(cl.op, ex, resp, into)
	}
}

// budget counts a call's attempts against what it may still do.
type budget struct {
	retry bool // the call may be re-sent after it may have reached the server
	tries int  // attempts that count against maxAttempts
	waits int  // 429s waited out
}

// judge decides what an exchange means: send again (after any backoff, which
// it sleeps), fail with a classified error, or succeed (false, nil).
func (c *Client) judge(ctx context.Context, op string, ex exchange, b *budget) (again bool, err error) {
	b.tries++
	switch {
	case ex.err != nil:
		if err := callErr(ctx); err != nil {
			return false, fmt.Errorf("klipy: %s: %w", op, err)
		}
		if !ex.final && (b.retry || !ex.sent) && c.backoff(ctx, op, b.tries, ex) {
			return true, nil
		}
		return false, &TransportError{Op: op, Err: scrub(ex.err, c.key)}
	case ex.status == http.StatusTooManyRequests:
		// Not processed, so safe to re-send even for a create; the wait
		// itself happens in pace, which now sees the window as spent.
		wait := c.retryWait(ex.header)
		if b.waits < max429Waits && wait <= max429Wait && fits(ctx, wait) {
			b.waits, b.tries = b.waits+1, b.tries-1
			return true, nil
		}
		e := c.apiError(op, ex)
		e.RetryAfter = wait
		return false, e
	case retryableStatus(ex.status) && b.retry && c.backoff(ctx, op, b.tries, ex):
		return true, nil
	case ex.status < 200 || ex.status > 299:
		return false, c.apiError(op, ex)
	}
	return false, nil
}

// prepare builds the URL and the body of a call: the base's path followed
// by the operation's, the id escaped as a path segment. The URL is built
// as url.Parse would read its text (FuzzPrepareURL), which spares writing
// the text and parsing it again.
func (c *Client) prepare(spec opSpec, cl call) (url.URL, []byte, error) {
	u := c.reqBase
	if pre, post, ok := strings.Cut(spec.path, "{id}"); ok {
		if strings.TrimSpace(cl.id) == "" {
			return u, nil, fmt.Errorf("klipy: %s: %w: the id is empty", cl.op, ErrValidation)
		}
		u.Path, u.RawPath = u.Path+pre+cl.id+post, ""
		if esc := url.PathEscape(cl.id); esc != cl.id || c.reqBase.RawPath != "" {
			u.RawPath = rawPath(u.Path, c.reqBase.EscapedPath()+pre+esc+post)
		}
	} else {
		u.Path += spec.path // operation paths need no escaping (TestOperationPathsArePlain)
		if c.reqBase.RawPath != "" {
			u.RawPath = rawPath(u.Path, c.reqBase.EscapedPath()+spec.path)
		}
	}
	if cl.body == nil {
		return u, nil, nil
	}
	b, err := json.Marshal(cl.body)
	if err != nil {
		return u, nil, fmt.Errorf("klipy: %s: encoding the request: %w", cl.op, err)
	}
	return u, b, nil
}

// rawPath is the RawPath url.Parse sets for the escaped path raw of path:
// "" when it is path's default escaping.
func rawPath(path, raw string) string {
	if (&url.URL{Path: path}).EscapedPath() == raw {
		return ""
	}
	return raw
}

// send makes one HTTP attempt, bounded by the client's timeout.
func (c *Client) send(ctx context.Context, op, method string, target *url.URL, body []byte) exchange {
	ctx, cancel := c.attemptContext(ctx)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "", rd)
	if err != nil {
		return exchange{err: err, final: true}
	}
	*req.URL, req.Host = *target, target.Host // the URL Parse("") allocated, filled
	c.setHeaders(req, body != nil)
	start := c.hookStart(c.hooks.Request != nil)
	res, err := c.http.Do(req)
	if err != nil {
		c.hookRequest(op, 0, start)
		return exchange{err: err, sent: !isDialError(err)}
	}
	defer res.Body.Close()
	b, err := readAll(&io.LimitedReader{R: res.Body, N: MaxResponseBytes + 1}, res.ContentLength)
	c.hookRequest(op, res.StatusCode, start)
	b = c.redact(b) // the exchange boundary: nothing below sees a key the upstream echoed
	ex := exchange{status: res.StatusCode, header: res.Header, body: b, sent: true}
	switch {
	case err != nil:
		ex.err = fmt.Errorf("reading the answer (HTTP %d): %w", res.StatusCode, err)
	case len(b) > MaxResponseBytes:
		ex.err = fmt.Errorf("the answer (HTTP %d) is larger than the %d MiB limit", res.StatusCode, MaxResponseBytes>>20)
		ex.final = true
	}
	return ex
}

// readAll is io.ReadAll with the buffer sized from the answer's
// Content-Length (size, -1 when unknown), so a body is read without
// regrowing and copying the buffer. Unknown, it starts at io.ReadAll's
// 512 bytes and grows as append does. r is concrete so that it can stay
// on the caller's stack.
func readAll(r *io.LimitedReader, size int64) ([]byte, error) {
	if size < 0 || size > MaxResponseBytes {
		size = 511
	}
	b := make([]byte, 0, size+1) // +1: the read that meets EOF needs room
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

func (c *Client) setHeaders(req *http.Request, hasBody bool) {
	// Canonical names, values shared between requests: no allocation.
	h := req.Header
	if c.auth == AuthAPIKeyHeader {
		h["X-Klipy-Api-Key"] = c.keyHeader
	} else {
		h["Authorization"] = c.keyHeader
	}
	h["User-Agent"] = c.agentFor(req.Context())
	h["Accept"] = jsonHeader
	if hasBody {
		h["Content-Type"] = jsonHeader
	}
}

var jsonHeader = []string{"application/json"}

// hookStart is the start of what a hook times, read only when there is a
// hook (a server without metrics spares the clock).
func (c *Client) hookStart(hooked bool) time.Time {
	if !hooked {
		return time.Time{}
	}
	return time.Now()
}

func (c *Client) hookRequest(op string, status int, start time.Time) {
	if c.hooks.Request != nil {
		c.hooks.Request(op, status, time.Since(start))
	}
}

// isDialError reports an error raised while connecting, before any byte of
// the request was written.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryableStatus reports the statuses worth re-sending an idempotent call on.
func retryableStatus(s int) bool {
	return s == http.StatusBadGateway || s == http.StatusServiceUnavailable ||
		s == http.StatusGatewayTimeout || s == http.StatusRequestTimeout
}

// backoff sleeps the jittered exponential delay after attempt n, and reports
// false (without sleeping) when no attempt is left or the delay would pass
// ctx's deadline.
func (c *Client) backoff(ctx context.Context, op string, n int, ex exchange) bool {
	if n >= attemptsFor(ctx) {
		return false
	}
	d := backoffBase << (n - 1)
	d = d/2 + rand.N(d/2+1)
	if !fits(ctx, d) {
		return false
	}
	c.log.DebugContext(ctx, "klipy: retrying", "op", op, "attempt", n+1, "status", ex.status,
		"error", errString(scrub(ex.err, c.key)), "backoff", d)
	return sleep(ctx, d) == nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// fits reports whether waiting d leaves ctx's deadline unpassed.
func fits(ctx context.Context, d time.Duration) bool {
	deadline, ok := ctx.Deadline()
	return !ok || time.Until(deadline) > d
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// apiError classifies a non-2xx answer.
func (c *Client) apiError(op string, ex exchange) *APIError {
	e := parseAPIError(op, ex.status, ex.body, c.key)
	e.RequestID = firstOf(requestID(ex.header), e.RequestID)
	return e
}

// decode runs into on a 2xx body and classifies what it cannot read.
func (c *Client) decode(op string, ex exchange, resp *Response, into decoder) error {
	env, err := into(ex.body)
	if resp.RequestID == "" {
		resp.RequestID = env.requestID()
	}
	if err != nil {
		return &TransportError{Op: op, Err: fmt.Errorf("HTTP %d: %w", ex.status, err)}
	}
	if env.failed != "" {
		return &APIError{Op: op, StatusCode: ex.status, Code: "request_failed", Message: env.failed, RequestID: resp.RequestID}
	}
	return nil
}

// scrubbed is an error whose message had key-looking tokens removed.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

func scrub(err error, key string) error {
	if err == nil {
		return nil
	}
	return &scrubbed{msg: redactString(err.Error(), key), err: err}
}

// seal is the exit of every call. Text that came from upstream (request
// ids from headers or meta, messages, codes and details of errors and of
// {"success":false} answers, causes of transport failures) is scrubbed here
// a second time after decoding, where JSON escapes could have hidden a key
// from the scrub of the raw answer; and an error whose text still shows a
// key-like token is wrapped so that its message cannot.
func (c *Client) seal(resp *Response, err error) (*Response, error) {
	if resp != nil {
		resp.RequestID = c.clean(resp.RequestID)
	}
	if err == nil {
		return resp, nil
	}
	var ae *APIError
	if errors.As(err, &ae) {
		ae.Code, ae.Message, ae.RequestID = c.clean(ae.Code), c.clean(ae.Message), c.clean(ae.RequestID)
		ae.Details = c.cleanDetails(ae.Details)
	}
	if s := err.Error(); c.clean(s) != s {
		err = scrub(err, c.key)
	}
	return resp, err
}

// clean is redactString with the client's key, free when s holds nothing
// that looks like a key.
func (c *Client) clean(s string) string {
	if !strings.Contains(s, "klipy_") && (c.key == "" || !strings.Contains(s, c.key)) {
		return s
	}
	return redactString(s, c.key)
}

// redact is the byte form of clean.
func (c *Client) redact(b []byte) []byte {
	if !bytes.Contains(b, []byte("klipy_")) && (c.key == "" || !bytes.Contains(b, []byte(c.key))) {
		return b
	}
	return redact(b, c.key)
}

// cleanDetails scrubs an error's decoded details.
func (c *Client) cleanDetails(d any) any {
	if d == nil {
		return nil
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil
	}
	if r := c.redact(b); !bytes.Equal(r, b) {
		var out any
		if json.Unmarshal(r, &out) != nil {
			return nil
		}
		return out
	}
	return d
}
