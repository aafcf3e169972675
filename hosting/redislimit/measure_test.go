package redislimit_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/hosting/redislimit"
	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// stamped records when each request reached the fake and what it answered.
type stamped struct {
	next http.Handler
	mu   sync.Mutex
	at   []time.Time
	code []int
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(c int) { w.code = c; w.ResponseWriter.WriteHeader(c) }

func (s *stamped) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	now := time.Now()
	s.next.ServeHTTP(sw, r)
	s.mu.Lock()
	s.at, s.code = append(s.at, now), append(s.code, sw.code)
	s.mu.Unlock()
}

// TestMeasureOutage is a measurement, not a check run by default (it takes
// two minutes): two replicas share one key's 200/min budget through Redis
// under sustained demand; Redis is killed 30 s in and started again 15 s
// later. It reports the requests the fake received per minute (its own
// fixed windows) and in the busiest sliding minute, and its 429s.
//
//	KLIPY_MEASURE_OUTAGE=1 go test ./hosting/redislimit -run TestMeasureOutage -v -timeout 5m
func TestMeasureOutage(t *testing.T) {
	if os.Getenv("KLIPY_MEASURE_OUTAGE") == "" {
		t.Skip("a two-minute measurement; set KLIPY_MEASURE_OUTAGE=1 to run it")
	}
	const key, perMinute = "klipy_api_measure", 200
	fake := klipytest.New(klipytest.Options{KeyLimit: perMinute, OrgLimit: 1000})
	fake.AddKey(klipytest.Key{Token: key, Org: "org_m", Scopes: []string{klipytest.ScopeAll}})
	rec := &stamped{next: fake}
	srv := httptest.NewServer(rec)
	defer srv.Close()

	r := startTCPRedis(t)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[string]int{}
	start := time.Now()
	const total = 120 * time.Second
	for range 2 {
		lim := replica(t, r.url(), redislimit.Options{Fallback: klipy.NewLocalLimiter(),
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))})
		wg.Go(func() { lim.Run(ctx) })
		c, err := klipy.New(klipy.Options{BaseURL: srv.URL + "/api/v1", APIKey: key, Limiter: lim, RateLimit: perMinute, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		for range 8 {
			wg.Go(func() {
				for time.Since(start) < total {
					cctx, ccancel := context.WithTimeout(ctx, 30*time.Second)
					_, _, err := c.People.Get(cctx, "per_missing")
					ccancel()
					o := "ok"
					switch {
					case errors.Is(err, klipy.ErrNotFound), err == nil:
					case errors.Is(err, klipy.ErrRateLimited):
						o = "rate limited: " + err.Error()
					default:
						o = "error: " + err.Error()
					}
					mu.Lock()
					outcomes[o]++
					mu.Unlock()
				}
			})
		}
	}
	time.AfterFunc(30*time.Second, func() { t.Log("killing Redis"); r.stop() })
	time.AfterFunc(45*time.Second, func() { t.Log("starting Redis again"); r.start() })
	time.Sleep(total)
	cancel()
	wg.Wait()

	rec.mu.Lock()
	defer rec.mu.Unlock()
	perMin := map[time.Time]int{}
	n429 := 0
	for i, at := range rec.at {
		perMin[at.Truncate(time.Minute)]++
		if rec.code[i] == http.StatusTooManyRequests {
			n429++
		}
	}
	busiest := 0
	for i := range rec.at {
		j := i
		for j < len(rec.at) && rec.at[j].Sub(rec.at[i]) < time.Minute {
			j++
		}
		busiest = max(busiest, j-i)
	}
	t.Logf("requests at the fake per calendar minute (the fake's windows): %v", perMin)
	t.Logf("busiest sliding minute: %d requests (budget %d); 429 answers: %d; total %d in %v", busiest, perMinute, n429, len(rec.at), total)
	t.Logf("caller outcomes: %v", outcomes)
	if n429 > 0 {
		t.Errorf("the fake answered 429 %d times", n429)
	}
}
