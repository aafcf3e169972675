package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// runDoctor checks the configured key end to end with read-only probes and
// prints a report (--json: the same as one JSON document, for a bug
// report; the key never appears in either). It exits 1 when any check
// failed.
func runDoctor(ctx context.Context, e *env) error {
	if len(e.args) > 0 {
		return usageError("doctor takes no arguments (got %q)", e.args[0])
	}
	logger, closeLog, err := e.keyedLogger()
	if err != nil {
		return err
	}
	defer closeLog()
	opts := klipyOptions(e.cfg, logger)
	rec := &recorder{base: http.DefaultTransport}
	if opts.HTTPClient != nil {
		rec.base = opts.HTTPClient.Transport
	}
	opts.HTTPClient = &http.Client{Transport: rec}
	client, err := klipy.New(opts)
	if err != nil {
		return usageError("%v", err)
	}
	r := &report{w: e.stdout, BaseURL: opts.BaseURL, json: e.cfg.JSON}
	if !r.json {
		fmt.Fprintf(e.stdout, "klipy-mcp doctor: %s (key %s)\n", opts.BaseURL, keyFingerprint(opts.APIKey))
	}
	d := &doctor{r: r, c: client, rec: rec}
	d.run(ctx)
	return r.finish()
}

// doctor runs the probes and writes the report.
type doctor struct {
	r   *report
	c   *klipy.Client
	rec *recorder
}

// run performs every check; it stops early when the API is unreachable or
// the key is rejected, since nothing after that can succeed.
func (d *doctor) run(ctx context.Context) {
	if !d.authenticate(ctx) {
		return
	}
	found := d.readOperations(ctx)
	d.company(ctx, found.companyID)
	d.r.skip(line{Check: "deletePerson", Detail: "not probed (doctor never writes); the contract guesses people:write, and Klipy may ask for ALL: a refusal names the likely scope"})
}

// authenticate checks reachability, the key, the workspace, scopes and the
// rate-limit window, and the shape of the answer.
func (d *doctor) authenticate(ctx context.Context) bool {
	start := time.Now()
	ws, resp, err := d.c.Authenticate(ctx)
	var apiErr *klipy.APIError
	var closed *klipy.AuthenticateClosedError
	switch {
	case errors.As(err, &closed):
		d.closedAuthenticate(closed.StatusCode, closed.Message, start)
		return true
	case err != nil && !errors.As(err, &apiErr):
		d.r.fail(line{Check: "reachable", Detail: err.Error()})
		return false
	case refusedForScope(apiErr):
		d.closedAuthenticate(apiErr.StatusCode, apiErr.Message, start)
		return true
	case errors.Is(err, klipy.ErrUnauthorized):
		d.r.ok(line{Check: "reachable", Detail: fmt.Sprintf("HTTP %d in %s", apiErr.StatusCode, since(start))})
		d.r.fail(line{Check: "key valid", Detail: "the API rejected the key as invalid or expired; issue a new key in Klipy (Settings → API keys)"})
		return false
	case err != nil:
		d.r.ok(line{Check: "reachable", Detail: fmt.Sprintf("HTTP %d in %s", apiErr.StatusCode, since(start))})
		d.r.fail(line{Check: "authenticate", Status: apiErr.StatusCode, Detail: fmt.Sprintf("%v (request %s)", err, apiErr.RequestID)})
		return false
	}
	d.r.ok(line{Check: "reachable", Detail: fmt.Sprintf("HTTP %d in %s", resp.StatusCode, since(start))})
	d.r.ok(line{Check: "key valid", Detail: fmt.Sprintf("workspace %q%s", ws.Name, orgSuffix(ws.OrganizationID))})
	d.scopes()
	d.rateLimit(resp.RateLimit)
	d.shape("authenticate", shapeAuth, false)
	return true
}

// closedAuthenticate reports an /authenticate that refused a key for want
// of a scope while the key works for other operations.
func (d *doctor) closedAuthenticate(status int, msg string, start time.Time) {
	d.r.ok(line{Check: "reachable", Detail: fmt.Sprintf("HTTP %d in %s", status, since(start))})
	d.r.warn(line{Check: "authenticate", Status: status, Detail: "refused for this key (" + msg + "): " +
		"Klipy lists Authenticate under the ALL scope, so a narrower key may not call it; the workspace, organization " +
		"and scopes stay unknown (declare scopes with --scopes). The other operations are probed below"})
	d.scopes()
}

// refusedForScope reports whether an authenticate error is a refusal for
// want of a scope (a 403, or a 401 that speaks of scope) rather than a bad
// key: the docs list Authenticate under ALL, and say a refusal is "401 or
// 403".
func refusedForScope(ae *klipy.APIError) bool {
	if ae == nil {
		return false
	}
	scope := strings.Contains(strings.ToLower(ae.Code+" "+ae.Message), "scope")
	return ae.StatusCode == http.StatusForbidden || (ae.StatusCode == http.StatusUnauthorized && scope)
}

func orgSuffix(org string) string {
	if org == "" {
		return ""
	}
	return " (organization " + org + ")"
}

// scopes reports the key's scopes.
func (d *doctor) scopes() {
	if scopes, known := d.c.Scopes(); known {
		names := make([]string, len(scopes))
		for i, s := range scopes {
			names[i] = string(s)
		}
		d.r.ok(line{Check: "scopes", Detail: strings.Join(names, ", ")})
		return
	}
	d.r.warn(line{Check: "scopes", Detail: "the API does not report them; declare them with --scopes (KLIPY_SCOPES) so tools the key cannot use are hidden"})
}

// rateLimit reports the headroom in the current window.
func (d *doctor) rateLimit(rl klipy.RateLimit) {
	if rl.Limit <= 0 {
		d.r.warn(line{Check: "rate limit", Detail: "the response carried no X-RateLimit-* headers"})
		return
	}
	reset := ""
	if !rl.Reset.IsZero() {
		reset = fmt.Sprintf(", window resets in %s", time.Until(rl.Reset).Round(time.Second))
	}
	detail := fmt.Sprintf("%d of %d requests left%s", rl.Remaining, rl.Limit, reset)
	if rl.Remaining*10 < rl.Limit {
		d.r.warn(line{Check: "rate limit", Detail: detail + " (less than 10% headroom)"})
		return
	}
	d.r.ok(line{Check: "rate limit", Detail: detail})
}

// skipped reports an operation the key may not call and says whether err
// was that; any other error is a problem.
func (d *doctor) skipped(op string, scope klipy.Scope, err error) bool {
	var status int
	if ae := (*klipy.APIError)(nil); errors.As(err, &ae) {
		status = ae.StatusCode // 0 when the client refused it before sending
	}
	switch {
	case err == nil:
		return false
	case errors.Is(err, klipy.ErrMissingScope), errors.Is(err, klipy.ErrForbidden):
		d.r.skip(line{Check: op, Status: status, Detail: fmt.Sprintf("the key lacks %s; not probed (tools needing it are hidden)", scope)})
	default:
		d.r.fail(line{Check: op, Status: status, Detail: err.Error()})
	}
	return true
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// recorder is an http.RoundTripper that keeps the status and raw body of
// every answer, so doctor can describe them and compare them with the
// contract.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

type exchange struct {
	method, path string
	status       int
	body         []byte
}

// RoundTrip sends req through the base transport and records the answer.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.log = append(r.log, exchange{method: req.Method, path: req.URL.Path, status: resp.StatusCode, body: body})
	r.mu.Unlock()
	return resp, nil
}

// last returns the latest answer; doctor's probes run one at a time, so it
// is the answer to the call that just returned.
func (r *recorder) last() (exchange, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.log) == 0 {
		return exchange{}, false
	}
	return r.log[len(r.log)-1], true
}

// report collects the lines of the report: printed as they come (text), or
// as one JSON document at the end.
type report struct {
	w        io.Writer
	json     bool
	BaseURL  string `json:"base_url"`
	Lines    []line `json:"checks"`
	Problems int    `json:"problems"`
}

// line is one check: a header check (reachable, key, scopes) or one
// operation, with what its answer looked like.
type line struct {
	Check    string            `json:"check"`
	Outcome  string            `json:"outcome"` // ok, warning, skipped, problem
	Status   int               `json:"status,omitempty"`
	Envelope []string          `json:"envelope,omitempty"`
	List     string            `json:"list,omitempty"`
	Cursor   string            `json:"cursor,omitempty"`
	Paging   string            `json:"paging,omitempty"`
	Filters  map[string]string `json:"filters,omitempty"`
	Unknown  []string          `json:"unknown_fields,omitempty"`
	Missing  []string          `json:"missing_fields,omitempty"`
	Detail   string            `json:"detail,omitempty"`
	answer   bool              // the line describes an answer's shape
}

var marks = map[string]string{"ok": "✓", "warning": "!", "skipped": "–", "problem": "✗"}

func (r *report) add(outcome string, l line) {
	l.Outcome = outcome
	if outcome == "problem" {
		r.Problems++
	}
	r.Lines = append(r.Lines, l)
	if !r.json {
		fmt.Fprintf(r.w, "%s %s\n", marks[outcome], l.text())
	}
}

func (r *report) ok(l line)   { r.add("ok", l) }
func (r *report) warn(l line) { r.add("warning", l) }
func (r *report) skip(l line) { r.add("skipped", l) }
func (r *report) fail(l line) { r.add("problem", l) }

// finish prints the summary (or the JSON document) and returns errSilent
// when a check failed.
func (r *report) finish() error {
	if r.json {
		enc := json.NewEncoder(r.w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if r.Problems > 0 {
		fmt.Fprintf(r.w, "%d problem(s) found\n", r.Problems)
	} else {
		fmt.Fprintln(r.w, "all checks passed")
	}
	if r.Problems > 0 {
		return errSilent
	}
	return nil
}
