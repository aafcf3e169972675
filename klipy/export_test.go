package klipy

import "time"

// OperationScope exposes the operation → scope table to the external tests.
var OperationScope = operationScope

// SetClock replaces c's clock, for tests of how long a failed key check is
// remembered.
func SetClock(c *Client, now func() time.Time) { c.now = now }
