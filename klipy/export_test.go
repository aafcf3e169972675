package klipy

import "time"

// SetClock replaces c's clock, for tests of how long a failed key check is
// remembered.
func SetClock(c *Client, now func() time.Time) { c.now = now }
