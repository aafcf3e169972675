// Package redisconn opens the Redis connections of a hosted klipy-mcp
// (--redis-url): it parses the URL, builds a connection pool with timeouts,
// and runs commands on it so that a connection Redis closed while it sat
// idle (a restart, a failover) costs a retry rather than a failed call.
//
// It uses github.com/gomodule/redigo, a small client: everything klipy-mcp
// links is paid for in resident pages by every command, stdio included,
// even when Redis is never used (docs/benchmarks.md).
package redisconn

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gomodule/redigo/redis"
)

// Timeouts of one connection.
const (
	DialTimeout  = 5 * time.Second
	ReadTimeout  = 3 * time.Second
	WriteTimeout = 3 * time.Second
	// IdleTimeout closes a connection unused for this long.
	IdleTimeout = 30 * time.Minute
)

// Target is where a Redis URL points and how to log in.
type Target struct {
	Network  string // "tcp" or "unix"
	Addr     string // host:port or a socket path
	Username string // for an ACL user; empty for requirepass
	Password string
	DB       int
	TLS      *tls.Config // set for rediss://
}

// ParseURL reads a Redis URL:
//
//	redis://[[user]:password@]host[:port][/db]
//	rediss://[[user]:password@]host[:port][/db][?skip_verify=true]   (TLS)
//	unix://[[user]:password@]/path/to/socket[?db=N]
//
// The port defaults to 6379 and the database to 0. Any other query
// parameter is an error, so that a setting meant for another client is not
// silently ignored.
func ParseURL(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included: keep
		// only what is wrong.
		if ue := (*url.Error)(nil); errors.As(err, &ue) {
			err = ue.Err
		}
		return Target{}, err
	}
	var t Target
	if u.User != nil {
		t.Username = u.User.Username()
		t.Password, _ = u.User.Password()
	}
	q := u.Query()
	switch u.Scheme {
	case "redis", "rediss":
		if u.Opaque != "" {
			return Target{}, fmt.Errorf("%s:// URL needs a host: redis://host:6379/0", u.Scheme)
		}
		host, port := u.Hostname(), u.Port()
		if host == "" {
			host = "localhost"
		}
		if port == "" {
			port = "6379"
		}
		t.Network, t.Addr = "tcp", net.JoinHostPort(host, port)
		if p := strings.Trim(u.Path, "/"); p != "" {
			if t.DB, err = strconv.Atoi(p); err != nil || t.DB < 0 {
				return Target{}, fmt.Errorf("invalid database %q in the URL path: want a number, e.g. /0", p)
			}
		}
		if u.Scheme == "rediss" {
			t.TLS = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
			if v := q.Get("skip_verify"); v != "" {
				skip, err := strconv.ParseBool(v)
				if err != nil {
					return Target{}, fmt.Errorf("invalid skip_verify %q", v)
				}
				t.TLS.InsecureSkipVerify = skip
			}
			q.Del("skip_verify")
		}
	case "unix":
		if u.Path == "" {
			return Target{}, errors.New("unix:// URL needs a socket path: unix:///run/redis.sock")
		}
		t.Network, t.Addr = "unix", u.Path
		if v := q.Get("db"); v != "" {
			if t.DB, err = strconv.Atoi(v); err != nil || t.DB < 0 {
				return Target{}, fmt.Errorf("invalid db %q: want a number", v)
			}
		}
		q.Del("db")
	default:
		return Target{}, fmt.Errorf("scheme %q: want redis://, rediss:// or unix://", u.Scheme)
	}
	for k := range q {
		return Target{}, fmt.Errorf("unsupported URL parameter %q", k)
	}
	return t, nil
}

// options are the dial options of t, but for the dialler.
func (t Target) options() []redis.DialOption {
	opts := []redis.DialOption{
		redis.DialReadTimeout(ReadTimeout),
		redis.DialWriteTimeout(WriteTimeout),
		redis.DialDatabase(t.DB),
	}
	if t.Password != "" {
		// A user name without a password sends no AUTH: the server's
		// default user is used, as with most Redis clients.
		opts = append(opts, redis.DialUsername(t.Username), redis.DialPassword(t.Password))
	}
	if t.TLS != nil {
		opts = append(opts, redis.DialUseTLS(true), redis.DialTLSConfig(t.TLS), redis.DialTLSHandshakeTimeout(DialTimeout))
	}
	return opts
}

// NewPool returns a pool of connections to t. Connections are dialled on
// demand with one attempt each (a limiter must fail over to its fallback at
// once while Redis is down); the pool keeps up to ten idle connections per
// CPU and does not cap the active ones.
func NewPool(t Target) *redis.Pool {
	opts := t.options()
	dialer := &net.Dialer{Timeout: DialTimeout, KeepAlive: 5 * time.Minute}
	return &redis.Pool{
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			var sock net.Conn
			c, err := redis.DialContext(ctx, t.Network, t.Addr, append(opts, redis.DialContextFunc(
				func(ctx context.Context, network, addr string) (net.Conn, error) {
					nc, err := dialer.DialContext(ctx, network, addr)
					sock = nc
					return nc, err
				}))...)
			if err != nil {
				return nil, err
			}
			return &ctxConn{Conn: c, sock: sock}, nil
		},
		MaxIdle:     10 * runtime.GOMAXPROCS(0),
		IdleTimeout: IdleTimeout,
	}
}

// ctxConn is a connection whose DoContext honours its context without the
// goroutine redigo starts for every such call (which doubled the latency
// of a GET on a local socket): the context's deadline bounds the read, and
// a cancellation interrupts the I/O by moving the socket's deadline to now.
type ctxConn struct {
	redis.Conn
	sock net.Conn // the socket under Conn (under TLS, if any)
}

// DoContext implements redis.ConnWithContext.
func (c *ctxConn) DoContext(ctx context.Context, cmd string, args ...any) (any, error) {
	return c.bounded(ctx, func(cwt redis.ConnWithTimeout, d time.Duration) (any, error) {
		return cwt.DoWithTimeout(d, cmd, args...)
	})
}

// ReceiveContext implements redis.ConnWithContext.
func (c *ctxConn) ReceiveContext(ctx context.Context) (any, error) {
	return c.bounded(ctx, func(cwt redis.ConnWithTimeout, d time.Duration) (any, error) {
		return cwt.ReceiveWithTimeout(d)
	})
}

// bounded runs one exchange under ctx.
func (c *ctxConn) bounded(ctx context.Context, f func(redis.ConnWithTimeout, time.Duration) (any, error)) (any, error) {
	timeout := ReadTimeout
	dl, hasDeadline := ctx.Deadline()
	if hasDeadline {
		timeout = min(timeout, time.Until(dl))
	}
	if err := ctx.Err(); err != nil || timeout <= 0 {
		// Commands may have been queued by Send: this connection's
		// replies would be out of step, so it is not reused.
		c.Conn.Close()
		return nil, cmp.Or(err, context.DeadlineExceeded)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.sock.SetDeadline(time.Now()) })
	r, err := f(c.Conn.(redis.ConnWithTimeout), timeout)
	if !stop() {
		// The socket's deadline has been moved: never reuse it.
		c.Conn.Close()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if hasDeadline && !time.Now().Before(dl) {
			// The socket's deadline, set to the context's, fired a
			// moment before the context's own timer.
			return nil, context.DeadlineExceeded
		}
	}
	return r, err
}

// Open parses url and returns a pool on it with the address it names (for
// messages, without credentials).
func Open(url string) (*redis.Pool, string, error) {
	t, err := ParseURL(url)
	if err != nil {
		return nil, "", err
	}
	return NewPool(t), t.Addr, nil
}

// Do runs one command on a connection from p, honouring ctx.
func Do(ctx context.Context, p *redis.Pool, cmd string, args ...any) (any, error) {
	return With(ctx, p, func(c redis.Conn) (any, error) {
		return redis.DoContext(c, ctx, cmd, args...)
	})
}

// With runs f on a connection from p. When f fails because the connection
// was broken (Redis closed it while it sat idle in the pool), the
// connection is dropped and f runs again on the next one; it stops at the
// first connection the pool had to dial, so that an unreachable Redis costs
// one dial attempt, not one per idle connection.
func With(ctx context.Context, p *redis.Pool, f func(redis.Conn) (any, error)) (any, error) {
	for range p.MaxIdle + 2 {
		dialled := p.IdleCount() == 0
		c, err := p.GetContext(ctx)
		if err != nil {
			return nil, err
		}
		r, err := f(c)
		c.Close()
		if err == nil || dialled || !broken(err) || ctx.Err() != nil {
			return r, err
		}
	}
	return nil, errors.New("redis: every pooled connection was broken")
}

// broken reports an error that says the connection is gone (rather than a
// reply error, a timeout or a cancellation): the command may be retried on
// another connection.
func broken(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed)
}
