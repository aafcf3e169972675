package klipytest

import (
	"encoding/base64"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// workspace is one organization's data.
type workspace struct {
	mu           sync.RWMutex
	people       map[string]*entry
	companies    map[string]*entry
	interactions map[string]*entry
	byPrimaryID  map[string]string // interaction primaryId → interaction id
}

// entry is one stored record: its JSON fields (known and unknown, exactly
// as returned) plus the keys it is ordered by.
type entry struct {
	seq    uint64 // creation order
	dateMs int64  // interactions: interactionDate in epoch ms
	fields map[string]any
}

func newWorkspace() *workspace {
	return &workspace{
		people:       map[string]*entry{},
		companies:    map[string]*entry{},
		interactions: map[string]*entry{},
		byPrimaryID:  map[string]string{},
	}
}

// workspaceLocked returns org's workspace, creating it; s.mu must be held
// for writing.
func (s *Server) workspaceLocked(org string) *workspace {
	ws := s.workspaces[org]
	if ws == nil {
		ws = newWorkspace()
		s.workspaces[org] = ws
	}
	return ws
}

// workspace returns the workspace of the request's organization.
func (c *call) ws() *workspace {
	c.s.mu.RLock()
	ws := c.s.workspaces[c.key.Org]
	c.s.mu.RUnlock()
	if ws != nil {
		return ws
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.workspaceLocked(c.key.Org)
}

// newID returns a fresh, opaque-looking id with the given prefix ("per",
// "cmp", "int"), unique within the server. Ids are deterministic: the n-th
// record a server creates always gets the same id.
func (s *Server) newID(prefix string) (string, uint64) {
	n := s.seq.Add(1)
	// Multiplying by an odd constant not divisible by 3 is a bijection
	// modulo 36^10, so distinct n give distinct ids.
	const mod = 3656158440062976 // 36^10
	v := (n * 2654435761) % mod
	digits := strconv.FormatUint(v, 36)
	return prefix + "_" + strings.Repeat("0", 10-len(digits)) + digits, n
}

// snapshot returns a shallow copy of the record's fields, safe to encode
// after the lock is released (stored values are never mutated in place).
func (e *entry) snapshot() map[string]any { return maps.Clone(e.fields) }

// rfc3339 formats t the way records carry timestamps.
func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// rfc3339ms formats t with millisecond precision (interaction dates arrive
// as epoch milliseconds).
func rfc3339ms(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// cursor is a keyset position: the ordering keys of the last record of a
// page. Its wire form is opaque (base64url of "v1|kind|seq|dateMs").
type cursor struct {
	kind   string
	seq    uint64
	dateMs int64
}

func (k cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "v1|%s|%d|%d", k.kind, k.seq, k.dateMs))
}

func decodeCursor(s, kind string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	parts := strings.Split(string(b), "|")
	if len(parts) != 4 || parts[0] != "v1" || parts[1] != kind {
		return cursor{}, false
	}
	seq, err1 := strconv.ParseUint(parts[2], 10, 64)
	ms, err2 := strconv.ParseInt(parts[3], 10, 64)
	if err1 != nil || err2 != nil {
		return cursor{}, false
	}
	return cursor{kind: kind, seq: seq, dateMs: ms}, true
}

// page is one page of a sorted result set.
type page struct {
	items []map[string]any
	info  pageInfo
}

// paginate sorts the matching entries, skips those up to and including the
// cursor's position, and returns at most limit of the rest. newestFirst
// orders by interaction date (descending, ties by creation descending);
// otherwise records come in creation order.
func paginate(all []*entry, kind string, after *cursor, limit int, newestFirst bool) page {
	less := func(a, b *entry) int { return cmpUint(a.seq, b.seq) }
	if newestFirst {
		less = func(a, b *entry) int {
			if a.dateMs != b.dateMs {
				return cmpInt(b.dateMs, a.dateMs)
			}
			return cmpUint(b.seq, a.seq)
		}
	}
	slices.SortFunc(all, less)
	start := 0
	if after != nil {
		pos := &entry{seq: after.seq, dateMs: after.dateMs}
		start, _ = slices.BinarySearchFunc(all, pos, less)
		if start < len(all) && less(all[start], pos) == 0 {
			start++
		}
	}
	end := min(start+limit, len(all))
	var p page
	for _, e := range all[start:end] {
		p.items = append(p.items, e.snapshot())
	}
	if end < len(all) && end > start {
		last := all[end-1]
		cur := cursor{kind: kind, seq: last.seq, dateMs: last.dateMs}.encode()
		p.info = pageInfo{HasNextPage: true, EndCursor: &cur}
	}
	return p
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int { return cmpUint(uint64(a)+1<<63, uint64(b)+1<<63) }
