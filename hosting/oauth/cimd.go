package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"
)

// Defaults for fetching Client ID Metadata Documents.
const (
	DefaultFetchTimeout  = 5 * time.Second
	DefaultFetchMaxBytes = 8 << 10
	clientCacheTTL       = 10 * time.Minute
	clientCacheSize      = 1000
	// failureTTL is how long a document that could not be used is not
	// fetched again.
	failureTTL = time.Minute
	// fetchRate and fetchBurst bound, process-wide, the fetches of
	// documents not in the cache: an unauthenticated request names the URL,
	// so without a bound the server would fetch whatever it is told to as
	// fast as it is told.
	fetchRate  = 60 // per minute
	fetchBurst = 10
)

// errFetchBudget says a document was not fetched because the process-wide
// fetch budget is spent for now.
var errFetchBudget = errors.New("oauth: too many client metadata documents fetched; try again in a minute")

// FetchOptions govern how the server fetches a Client ID Metadata
// Document: with a short timeout, a size cap, no redirects, and only from
// public addresses unless DialPolicy says otherwise.
type FetchOptions struct {
	// Timeout bounds one fetch; default DefaultFetchTimeout.
	Timeout time.Duration
	// MaxBytes caps a document; default DefaultFetchMaxBytes.
	MaxBytes int64
	// DialPolicy decides whether an address may be connected to; it is
	// checked on the resolved address of every connection, so DNS cannot
	// steer the fetch to an internal host. Default PublicOnly.
	DialPolicy func(netip.Addr) error
	// AllowHTTP accepts http:// client ids (tests on a loopback server).
	AllowHTTP bool
	// Transport, when set, replaces the default transport (tests); the dial
	// policy is then the transport's business.
	Transport http.RoundTripper
}

// PublicOnly refuses loopback, private, link-local, shared (CGNAT),
// unspecified and multicast addresses.
func PublicOnly(a netip.Addr) error {
	a = a.Unmap()
	if a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || a.IsInterfaceLocalMulticast() || cgnat.Contains(a) {
		return fmt.Errorf("address %s is not public", a)
	}
	return nil
}

// AllowLoopback is PublicOnly that also accepts loopback addresses, for
// tests whose metadata server runs on 127.0.0.1.
func AllowLoopback(a netip.Addr) error {
	if a.Unmap().IsLoopback() {
		return nil
	}
	return PublicOnly(a)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// clientCache fetches and caches metadata documents.
type clientCache struct {
	opts FetchOptions
	http *http.Client
	now  func() time.Time

	mu       sync.Mutex
	cache    map[string]cachedClient
	inflight map[string]*flight
	budget   *rate.Limiter
}

// cachedClient is a fetched document's client, or why it could not be
// used, until exp.
type cachedClient struct {
	c   *Client
	err error
	exp time.Time
}

// flight is a fetch under way, which later askers for the same id wait for.
type flight struct {
	done chan struct{}
	c    *Client
	err  error
}

func newClientCache(o FetchOptions, now func() time.Time) *clientCache {
	if o.Timeout <= 0 {
		o.Timeout = DefaultFetchTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultFetchMaxBytes
	}
	if o.DialPolicy == nil {
		o.DialPolicy = PublicOnly
	}
	rt := o.Transport
	if rt == nil {
		d := &net.Dialer{Timeout: o.Timeout, Control: dialControl(o.DialPolicy)}
		rt = &http.Transport{DialContext: d.DialContext, TLSHandshakeTimeout: o.Timeout,
			ResponseHeaderTimeout: o.Timeout, MaxIdleConns: 10, IdleConnTimeout: time.Minute}
	}
	hc := &http.Client{Transport: rt, Timeout: o.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &clientCache{opts: o, http: hc, now: now, cache: make(map[string]cachedClient),
		inflight: make(map[string]*flight), budget: rate.NewLimiter(rate.Limit(fetchRate/60.0), fetchBurst)}
}

// dialControl applies policy to the address actually dialled.
func dialControl(policy func(netip.Addr) error) func(string, string, syscall.RawConn) error {
	return func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		return policy(ap.Addr())
	}
}

// get returns the client described at id: from the cache (a failure is
// remembered for failureTTL), from a fetch of the same id already under way,
// or fetched, within the process-wide budget (errFetchBudget beyond it).
func (cc *clientCache) get(ctx context.Context, id string) (*Client, error) {
	now := cc.now()
	cc.mu.Lock()
	if e, ok := cc.cache[id]; ok && now.Before(e.exp) {
		cc.mu.Unlock()
		return e.c, e.err
	}
	if f, ok := cc.inflight[id]; ok {
		cc.mu.Unlock()
		select {
		case <-f.done:
			return f.c, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if !cc.budget.AllowN(now, 1) {
		cc.mu.Unlock()
		return nil, errFetchBudget
	}
	f := &flight{done: make(chan struct{})}
	cc.inflight[id] = f
	cc.mu.Unlock()

	// The fetch serves everyone waiting for id: one asker leaving does not
	// cut it short (it has its own timeout).
	c, err := cc.fetch(context.WithoutCancel(ctx), id)
	ttl := clientCacheTTL
	if err != nil {
		err, ttl = fmt.Errorf("%w: client metadata document: %v", errUnknownClient, err), failureTTL
	}
	cc.mu.Lock()
	delete(cc.inflight, id)
	if len(cc.cache) >= clientCacheSize {
		clear(cc.cache)
	}
	cc.cache[id] = cachedClient{c: c, err: err, exp: now.Add(ttl)}
	cc.mu.Unlock()
	f.c, f.err = c, err
	close(f.done)
	return c, err
}

// fetch retrieves and checks the document at id.
func (cc *clientCache) fetch(ctx context.Context, id string) (*Client, error) {
	u, err := url.Parse(id)
	if err != nil || u.Fragment != "" || u.User != nil || u.Path == "" || u.Path == "/" {
		return nil, errors.New("client_id must be an https URL with a path")
	}
	ctx, cancel := context.WithTimeout(ctx, cc.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := cc.http.Do(req)
	if err != nil {
		return nil, errors.New("cannot fetch it (unreachable, too slow or not a public address)")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching it returned HTTP %d (redirects are not followed)", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, cc.opts.MaxBytes+1))
	if err != nil {
		return nil, errors.New("cannot read it")
	}
	if int64(len(body)) > cc.opts.MaxBytes {
		return nil, fmt.Errorf("it is larger than %d bytes", cc.opts.MaxBytes)
	}
	var c Client
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, errors.New("it is not a JSON object")
	}
	if c.ClientID != id {
		return nil, errors.New("its client_id differs from its URL")
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	c.Metadata = true
	return &c, nil
}
