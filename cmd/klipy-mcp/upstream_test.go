package main

import (
	"log/slog"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// TestOrgLimitFollowsRateLimit checks that --rate-limit above Klipy's
// organization default raises the organization window with it, so a key
// allowed more is not held to 1,000 requests a minute.
func TestOrgLimitFollowsRateLimit(t *testing.T) {
	for _, tc := range []struct{ rate, wantOrg int }{
		{200, klipy.DefaultOrgLimit},
		{5000, 5000},
	} {
		opts := klipyOptions(&config{RateLimit: tc.rate}, slog.Default())
		if opts.OrgLimit != tc.wantOrg {
			t.Errorf("--rate-limit %d: OrgLimit = %d, want %d", tc.rate, opts.OrgLimit, tc.wantOrg)
		}
	}
}
