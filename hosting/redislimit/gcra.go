package redislimit

import (
	"context"
	"fmt"
	"time"

	"github.com/gomodule/redigo/redis"
	"github.com/klipy-ai/klipy-mcp/hosting/redisconn"
	"github.com/klipy-ai/klipy-mcp/klipy"
)

// Budget is a GCRA limit: Rate requests per Period, of which Burst may be
// sent at once.
type Budget struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// Limit returns the GCRA limit used for perMinute requests per minute, with
// klipy's small burst, so a flood of parallel calls is spread over the window
// instead of reaching Klipy at once.
func Limit(perMinute int) Budget {
	return Budget{Rate: perMinute, Period: time.Minute, Burst: klipy.Burst(perMinute)}
}

// interval is the emission interval: the time one request uses up.
func (l Budget) interval() time.Duration { return l.Period / time.Duration(max(l.Rate, 1)) }

// gcraScript decides one request of a GCRA bucket atomically.
//
// The bucket's key holds its theoretical arrival time (TAT, microseconds
// of Redis's clock): when the bucket would be empty again had every request
// so far been sent at the steady rate. A request at now may go when the TAT
// it would leave (the later of TAT and now, plus one emission interval) is
// at most the burst tolerance (burst × interval) ahead of now. If it goes,
// the new TAT is stored until it passes (then the key is worth the same as
// no key); if not, nothing changes and the answer says how long until it
// would fit.
//
// KEYS[1] the bucket; ARGV[1] the emission interval, ARGV[2] the burst
// tolerance, both in microseconds. Returns {1, 0} when allowed, {0, µs to
// wait} when not. Redis's clock (TIME) is the one every replica shares.
// TATs are formatted with %d: Lua's tostring keeps 14 digits, fewer than a
// timestamp in microseconds has.
const gcraScript = `
if redis.replicate_commands then redis.replicate_commands() end
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or 0)
if tat < now then tat = now end
local after = tat + interval
if after - now > tolerance then
  return {0, after - tolerance - now}
end
redis.call('SET', KEYS[1], string.format('%d', after), 'PX', math.ceil((after - now) / 1000))
return {1, 0}
`

var gcra = redis.NewScript(1, gcraScript)

// verdict is the answer of gcraScript.
type verdict struct {
	allowed    bool
	retryAfter time.Duration // when refused: until the next request would be allowed
}

// take asks Redis for one request of bucket rkey under limit.
func (l *Limiter) take(ctx context.Context, rkey string, limit Budget) (verdict, error) {
	// At least a microsecond, the script's unit: a zero interval would
	// store a TAT that expires at once (and PX 0 is an error).
	interval := max(limit.interval(), time.Microsecond)
	tolerance := interval * time.Duration(max(limit.Burst, 1))
	r, err := redisconn.With(ctx, l.pool, func(c redis.Conn) (any, error) {
		return gcra.DoContext(ctx, c, rkey, interval.Microseconds(), tolerance.Microseconds())
	})
	vals, err := redis.Int64s(r, err)
	if err != nil {
		return verdict{}, err
	}
	if len(vals) != 2 {
		return verdict{}, fmt.Errorf("unexpected answer of the rate-limit script: %v", vals)
	}
	return verdict{allowed: vals[0] == 1, retryAfter: time.Duration(vals[1]) * time.Microsecond}, nil
}
