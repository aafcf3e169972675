package redislimit_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/redislimit"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// tcpRedis is a redis-server of the test's own on a loopback TCP port, so
// that the test can kill it and start it again on the same address.
type tcpRedis struct {
	t    *testing.T
	bin  string
	port string
	dir  string
	cmd  *exec.Cmd
}

func startTCPRedis(t *testing.T) *tcpRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed; install it to run the Redis outage tests")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	r := &tcpRedis{t: t, bin: bin, port: port, dir: t.TempDir()}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *tcpRedis) url() string {
	return "redis://127.0.0.1:" + r.port + "/0"
}

func (r *tcpRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--bind", "127.0.0.1", "--port", r.port, "--save", "", "--appendonly", "no", "--dir", r.dir)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	waitForRedis(r.t, "redis://127.0.0.1:"+r.port+"/0")
}

func (r *tcpRedis) stop() {
	if r.cmd != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}

// logCount counts log records by level.
type logCount struct {
	mu     sync.Mutex
	counts map[slog.Level]int
}

func (l *logCount) Enabled(context.Context, slog.Level) bool { return true }
func (l *logCount) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[r.Level]++
	return nil
}
func (l *logCount) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logCount) WithGroup(string) slog.Handler      { return l }
func (l *logCount) count(level slog.Level) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.counts[level]
}

// refill drains bucket's burst on l and returns how long the next request
// would wait: the pace l is keeping.
func refill(t *testing.T, l *redislimit.Limiter, bucket string, perMinute int) time.Duration {
	t.Helper()
	// The first request finds Redis gone, which may take a failed dial.
	if err := l.Wait(context.Background(), bucket, perMinute); err != nil {
		t.Fatalf("first Wait: %v", err)
	}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		err := l.Wait(ctx, bucket, perMinute)
		cancel()
		var rl *klipy.RateLimitError
		switch {
		case errors.As(err, &rl):
			return rl.Wait
		case err != nil:
			t.Fatalf("Wait: %v", err)
		}
	}
}

// TestOutagePacesEachReplicaWithItsShare: with Redis gone, each of two
// replicas paces itself with its share of the budget (the replica count last
// seen in Redis), warns once, and goes back to the shared budget when Redis
// returns.
func TestOutagePacesEachReplicaWithItsShare(t *testing.T) {
	r := startTCPRedis(t)
	logs := &logCount{counts: map[slog.Level]int{}}
	opts := redislimit.Options{Fallback: klipy.NewLocalLimiter(), Logger: slog.New(logs), ProbeEvery: time.Nanosecond}
	a, b := replica(t, r.url(), opts), replica(t, r.url(), opts)
	if err := a.Beat(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a.Replicas() != 2 || b.Replicas() != 2 {
		t.Fatalf("replicas seen: %d and %d, want 2 and 2", a.Replicas(), b.Replicas())
	}
	const perMinute = 240 // shared: one every 250 ms; a replica's share: 114/min, one every 526 ms
	r.stop()
	for _, l := range []*redislimit.Limiter{a, b} {
		wait := refill(t, l, "key:outage", perMinute)
		want := time.Minute / time.Duration(redislimit.Share(perMinute, 2))
		if wait < want*8/10 || wait > want {
			t.Errorf("during the outage the next request waits %v, want about %v (a share of %d/min)", wait, want, redislimit.Share(perMinute, 2))
		}
	}
	if n := logs.count(slog.LevelWarn); n != 2 {
		t.Errorf("%d warnings during the outage, want 2 (one per replica)", n)
	}
	r.start()
	if err := a.Wait(context.Background(), "key:back", perMinute); err != nil {
		t.Fatalf("Wait after Redis came back: %v", err)
	}
	if n := logs.count(slog.LevelInfo); n != 1 {
		t.Errorf("%d notes that Redis is back, want 1 (from the replica that used it)", n)
	}
	// The restarted Redis lost the heartbeats: b has not beaten since, so
	// a now counts itself alone.
	if err := a.Beat(context.Background()); err != nil || a.Replicas() != 1 {
		t.Errorf("after the restart a sees %d replicas (%v), want 1", a.Replicas(), err)
	}
	// Budgets are shared again: the two replicas draw from one bucket.
	limit := redislimit.Limit(perMinute)
	granted := 0
	for _, l := range []*redislimit.Limiter{a, b, a, b, a, b, a, b, a, b, a, b} {
		if ok, err := l.Allow(context.Background(), "key:shared-again", perMinute); err != nil {
			t.Fatal(err)
		} else if ok {
			granted++
		}
	}
	if granted > limit.Burst+1 {
		t.Errorf("after the outage two replicas were granted %d at once, want at most the shared burst %d (+1)", granted, limit.Burst)
	}
}

// TestHeartbeatExpires: a replica that stops beating stops counting after
// ReplicaTTL, and one that stops running withdraws at once.
func TestHeartbeatExpires(t *testing.T) {
	url := redisURL(t)
	opts := redislimit.Options{HeartbeatInterval: 50 * time.Millisecond, ReplicaTTL: 200 * time.Millisecond, Prefix: "hb-test:"}
	a, b, c := replica(t, url, opts), replica(t, url, opts), replica(t, url, opts)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	if err := a.Beat(context.Background()); err != nil || a.Replicas() != 3 {
		t.Fatalf("a sees %d replicas (%v), want 3", a.Replicas(), err)
	}
	cancel()
	<-done
	if err := a.Beat(context.Background()); err != nil || a.Replicas() != 2 {
		t.Errorf("after b stopped, a sees %d replicas (%v), want 2", a.Replicas(), err)
	}
	time.Sleep(250 * time.Millisecond) // c's only heartbeat (in Open) is now older than the TTL
	if err := a.Beat(context.Background()); err != nil || a.Replicas() != 1 {
		t.Errorf("after c fell silent, a sees %d replicas (%v), want 1", a.Replicas(), err)
	}
	_ = c
}

func TestShare(t *testing.T) {
	for _, tc := range []struct{ perMinute, replicas, want int }{
		{200, 1, 190}, {200, 2, 95}, {200, 3, 63}, {240, 2, 114}, {10, 4, 1}, {1, 2, 1}, {200, 0, 190},
	} {
		if got := redislimit.Share(tc.perMinute, tc.replicas); got != tc.want {
			t.Errorf("Share(%d, %d) = %d, want %d", tc.perMinute, tc.replicas, got, tc.want)
		}
	}
}

// TestPausesShared: a pause one replica learnt from the server is honoured
// by the others, so that a window found spent is spent for all of them.
func TestPausesShared(t *testing.T) {
	url := redisURL(t)
	a, b := replica(t, url, redislimit.Options{}), replica(t, url, redislimit.Options{})
	if d := b.Paused("key:p"); d != 0 {
		t.Fatalf("before any pause b waits %v, want 0", d)
	}
	a.Pause("key:p", time.Now().Add(20*time.Second))
	if d := b.Paused("key:p"); d < 19*time.Second || d > 20*time.Second {
		t.Errorf("b waits %v after a learnt a 20 s pause, want about 20s", d)
	}
	if d := b.Paused("key:other"); d != 0 {
		t.Errorf("another bucket waits %v, want 0", d)
	}
}

// TestOutageProbesRedisSparingly: during an outage the calls between two
// probes go straight to the fallback; they do not ask Redis, even once it is
// back, until the next probe is due.
func TestOutageProbesRedisSparingly(t *testing.T) {
	r := startTCPRedis(t)
	logs := &logCount{counts: map[slog.Level]int{}}
	l := replica(t, r.url(), redislimit.Options{Fallback: klipy.NewLocalLimiter(), Logger: slog.New(logs), ProbeEvery: time.Hour})
	r.stop()
	if err := l.Wait(context.Background(), "key:probe", 600); err != nil {
		t.Fatalf("Wait during the outage: %v", err)
	}
	r.start()
	for range 5 {
		if err := l.Wait(context.Background(), "key:probe", 600); err != nil {
			t.Fatalf("Wait before the next probe: %v", err)
		}
	}
	if w, i := logs.count(slog.LevelWarn), logs.count(slog.LevelInfo); w != 1 || i != 0 {
		t.Errorf("%d warnings and %d notes that Redis is back; want 1 and 0 (no probe was due)", w, i)
	}
}

// TestOutageWarnsOncePerWarnEvery: through a sustained outage, with a call
// every second (each one a failed probe), the limiter logs one warning, no
// other until DefaultWarnEvery has passed, and the next one then.
func TestOutageWarnsOncePerWarnEvery(t *testing.T) {
	r := startTCPRedis(t)
	logs := &logCount{counts: map[slog.Level]int{}}
	l := replica(t, r.url(), redislimit.Options{Fallback: klipy.NewLocalLimiter(), Logger: slog.New(logs)})
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	redislimit.SetClock(l, func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	r.stop()
	callAt := func(offset time.Duration) int {
		t.Helper()
		mu.Lock()
		now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(offset)
		mu.Unlock()
		if err := l.Wait(context.Background(), "key:warn", 1_000_000); err != nil {
			t.Fatalf("Wait at +%v: %v", offset, err)
		}
		return logs.count(slog.LevelWarn)
	}
	every := redislimit.DefaultWarnEvery
	for s := time.Duration(0); s < every; s += time.Second {
		if w := callAt(s); w != 1 {
			t.Fatalf("at +%v into the outage: %d warnings, want 1", s, w)
		}
	}
	if w := callAt(every); w != 2 {
		t.Errorf("at +%v: %d warnings, want the second one", every, w)
	}
	if w := callAt(2*every - time.Second); w != 2 {
		t.Errorf("at +%v: %d warnings, want still 2", 2*every-time.Second, w)
	}
	if w := callAt(2 * every); w != 3 {
		t.Errorf("at +%v: %d warnings, want the third one", 2*every, w)
	}
}
