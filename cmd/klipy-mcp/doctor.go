package main

import (
	"bytes"
	"context"
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
// prints a report. It exits 1 when any check failed.
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
	d := &doctor{r: &report{w: e.stdout}, c: client, rec: rec}
	fmt.Fprintf(e.stdout, "klipy-mcp doctor: %s (key %s)\n", opts.BaseURL, keyFingerprint(opts.APIKey))
	d.run(ctx)
	return d.r.finish()
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
	companyID := d.people(ctx)
	d.interactions(ctx)
	d.company(ctx, companyID)
	d.contract()
}

// authenticate checks reachability, the key, the workspace, scopes and the
// rate-limit window.
func (d *doctor) authenticate(ctx context.Context) bool {
	start := time.Now()
	ws, resp, err := d.c.Authenticate(ctx)
	var apiErr *klipy.APIError
	switch {
	case err != nil && !errors.As(err, &apiErr):
		d.r.fail("reachable: %v", err)
		return false
	case errors.Is(err, klipy.ErrUnauthorized):
		d.r.ok("reachable (HTTP %d in %s)", apiErr.StatusCode, since(start))
		d.r.fail("key valid: the API rejected the key as invalid or expired; issue a new key in Klipy (Settings → API keys)")
		return false
	case err != nil:
		d.r.ok("reachable (HTTP %d in %s)", apiErr.StatusCode, since(start))
		d.r.fail("authenticate: %v (HTTP %d, request %s)", err, apiErr.StatusCode, apiErr.RequestID)
		return false
	}
	d.r.ok("reachable (HTTP %d in %s)", resp.StatusCode, since(start))
	d.r.ok("key valid: workspace %q%s", ws.Name, orgSuffix(ws.OrganizationID))
	d.scopes(ws)
	d.rateLimit(resp.RateLimit)
	return true
}

func orgSuffix(org string) string {
	if org == "" {
		return ""
	}
	return " (organization " + org + ")"
}

// scopes reports the key's scopes.
func (d *doctor) scopes(ws *klipy.Workspace) {
	if scopes, known := d.c.Scopes(); known {
		names := make([]string, len(scopes))
		for i, s := range scopes {
			names[i] = string(s)
		}
		d.r.ok("scopes: %s", strings.Join(names, ", "))
		return
	}
	d.r.warn("scopes: the API does not report them; declare them with --scopes (KLIPY_SCOPES) so tools the key cannot use are hidden")
}

// rateLimit reports the headroom in the current window.
func (d *doctor) rateLimit(rl klipy.RateLimit) {
	if rl.Limit <= 0 {
		d.r.warn("rate limit: the response carried no X-RateLimit-* headers")
		return
	}
	reset := ""
	if !rl.Reset.IsZero() {
		reset = fmt.Sprintf(", window resets in %s", time.Until(rl.Reset).Round(time.Second))
	}
	line := fmt.Sprintf("rate limit: %d of %d requests left%s", rl.Remaining, rl.Limit, reset)
	if rl.Remaining*10 < rl.Limit {
		d.r.warn("%s (less than 10%% headroom)", line)
		return
	}
	d.r.ok("%s", line)
}

// people queries one person and returns the company id it links to, if any.
func (d *doctor) people(ctx context.Context) string {
	page, _, err := d.c.People.Query(ctx, &klipy.PeopleQuery{Limit: 1})
	if !d.probe("people", klipy.ScopePeopleRead, err) {
		return ""
	}
	d.r.ok("people: query answered (%d record(s) on the first page)", len(page.Items))
	if len(page.Items) > 0 {
		return page.Items[0].CompanyID
	}
	return ""
}

// interactions queries one interaction.
func (d *doctor) interactions(ctx context.Context) {
	page, _, err := d.c.Interactions.Query(ctx, &klipy.InteractionsQuery{Limit: 1})
	if d.probe("interactions", klipy.ScopeInteractionsRead, err) {
		d.r.ok("interactions: query answered (%d record(s) on the first page)", len(page.Items))
	}
}

// company reads the company a person linked to.
func (d *doctor) company(ctx context.Context, id string) {
	if id == "" {
		d.r.skip("companies: no company id found through a person; not probed")
		return
	}
	c, _, err := d.c.Companies.Get(ctx, id)
	if d.probe("companies", klipy.ScopeCompaniesRead, err) {
		d.r.ok("companies: read company %s (%q)", c.ID, c.Name)
	}
}

// probe reports a failed probe and says whether it succeeded. A key
// without the probe's scope is not a problem: the probe is skipped.
func (d *doctor) probe(area string, scope klipy.Scope, err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, klipy.ErrMissingScope), errors.Is(err, klipy.ErrForbidden):
		d.r.skip("%s: the key lacks %s; not probed (tools needing it are hidden)", area, scope)
	default:
		d.r.fail("%s: %v", area, err)
	}
	return false
}

// contract compares every successful response with the contract.
func (d *doctor) contract() {
	for _, p := range contractProbes {
		body, ok := d.rec.last(p.method, p.suffix)
		if !ok {
			continue
		}
		dr, err := compareResponse(body, p.record, p.list)
		switch {
		case err != nil:
			d.r.fail("contract %s: %v", p.op, err)
		case len(dr.MissingRequired) > 0:
			d.r.fail("contract %s drifted from %s: %s", p.op, p.record.Schema, describe(dr))
		case !dr.empty():
			d.r.warn("contract %s: differs from %s (tolerated): %s", p.op, p.record.Schema, describe(dr))
		default:
			d.r.ok("contract %s: matches %s", p.op, p.record.Schema)
		}
	}
}

// describe lists what a drift found.
func describe(d drift) string {
	var parts []string
	if len(d.MissingRequired) > 0 {
		parts = append(parts, "required fields missing: "+strings.Join(d.MissingRequired, ", "))
	}
	if len(d.Unknown) > 0 {
		parts = append(parts, "unknown fields: "+strings.Join(d.Unknown, ", "))
	}
	if len(d.MissingOptional) > 0 {
		parts = append(parts, "absent optional fields: "+strings.Join(d.MissingOptional, ", "))
	}
	return strings.Join(parts, "; ")
}

// contractProbes maps each probe's request to the shape of its answer.
var contractProbes = []struct {
	op, method, suffix string
	record             shape
	list               bool
}{
	{"authenticate", http.MethodGet, "/authenticate", shapeAuth, false},
	{"queryPeople", http.MethodPost, "/people/query", shapePerson, true},
	{"queryInteractions", http.MethodPost, "/interactions/query", shapeInteraction, true},
	{"getCompany", http.MethodGet, "/companies/", shapeCompany, false},
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// report writes ✓/!/–/✗ lines and remembers failures.
type report struct {
	w        io.Writer
	problems int
}

func (r *report) line(mark, format string, args ...any) {
	fmt.Fprintf(r.w, "%s %s\n", mark, fmt.Sprintf(format, args...))
}

func (r *report) ok(format string, args ...any)   { r.line("✓", format, args...) }
func (r *report) warn(format string, args ...any) { r.line("!", format, args...) }
func (r *report) skip(format string, args ...any) { r.line("–", format, args...) }
func (r *report) fail(format string, args ...any) { r.problems++; r.line("✗", format, args...) }

// finish prints the summary and returns errSilent when a check failed.
func (r *report) finish() error {
	if r.problems > 0 {
		fmt.Fprintf(r.w, "%d problem(s) found\n", r.problems)
		return errSilent
	}
	fmt.Fprintln(r.w, "all checks passed")
	return nil
}

// recorder is an http.RoundTripper that keeps the raw body of every
// successful answer, so doctor can compare them with the contract.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

type exchange struct {
	method, path string
	body         []byte
}

// RoundTrip sends req through the base transport and records the answer.
func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.base.RoundTrip(req)
	if err != nil || resp.StatusCode/100 != 2 {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.log = append(r.log, exchange{method: req.Method, path: req.URL.Path, body: body})
	r.mu.Unlock()
	return resp, nil
}

// last returns the body of the latest answer to method on a path containing
// suffix ("/companies/" matches any company).
func (r *recorder) last(method, suffix string) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.log) - 1; i >= 0; i-- {
		ex := r.log[i]
		if ex.method == method && strings.Contains(ex.path, suffix) {
			return ex.body, true
		}
	}
	return nil, false
}
