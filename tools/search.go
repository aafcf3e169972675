package tools

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// scanTTL is how long a search_people query scan is reused.
const scanTTL = 60 * time.Second

// maxScans bounds the scan cache.
const maxScans = 256

// scanPageSize is the page size of the query pages a scan reads.
const scanPageSize = 100

// cursor is the opaque pagination state handed to the model. It carries the
// upstream cursor or an offset into a cached scan, and a fingerprint of the
// search it belongs to so a cursor from another search is refused.
type cursor struct {
	Search   string `json:"s"`
	Upstream string `json:"u,omitempty"`
	Offset   int    `json:"o,omitempty"`
}

func (c cursor) encode() *string {
	b, _ := json.Marshal(c)
	s := base64.RawURLEncoding.EncodeToString(b)
	return &s
}

// decodeCursor returns the cursor the model passed back for search, or an
// invalid-argument error that says what to do.
func decodeCursor(s, search string) (cursor, error) {
	if s == "" {
		return cursor{Search: search}, nil
	}
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || json.Unmarshal(b, &c) != nil || c.Offset < 0 {
		return c, invalidArg("cursor", "is not a cursor this server issued; pass next_cursor back unchanged, or omit cursor to start again")
	}
	if c.Search != search {
		return c, invalidArg("cursor", "belongs to a search with different arguments; repeat the same arguments with it, or omit cursor to start again")
	}
	return c, nil
}

// fingerprint identifies a search by its tool and arguments (not the key).
func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:6])
}

// scan is the outcome of scanning people for a free-text query.
type scan struct {
	matches  []*klipy.Person
	scanned  int
	complete bool
	check    pageCheck // what the client found on the pages scanned
	at       time.Time
}

type scanKey struct {
	client *klipy.Client // per key: a client holds exactly one key
	search string
}

// scanCache keeps recent scans per client and search for scanTTL.
type scanCache struct {
	mu  sync.Mutex
	now func() time.Time
	ttl time.Duration
	m   map[scanKey]*scan
}

func newScanCache(now func() time.Time, ttl time.Duration) *scanCache {
	return &scanCache{now: now, ttl: ttl, m: map[scanKey]*scan{}}
}

func (sc *scanCache) get(k scanKey) *scan {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	s := sc.m[k]
	if s == nil || sc.now().Sub(s.at) >= sc.ttl {
		delete(sc.m, k)
		return nil
	}
	return s
}

func (sc *scanCache) put(k scanKey, s *scan) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	s.at = sc.now()
	if len(sc.m) >= maxScans {
		sc.evict()
	}
	sc.m[k] = s
}

// forget drops every scan of client c, so a search after a write made with
// that key sees the write instead of a cached scan.
func (sc *scanCache) forget(c *klipy.Client) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for k := range sc.m {
		if k.client == c {
			delete(sc.m, k)
		}
	}
}

// evict drops expired scans, or the oldest one when none has expired.
func (sc *scanCache) evict() {
	var oldest scanKey
	var oldestAt time.Time
	for k, s := range sc.m {
		if sc.now().Sub(s.at) >= sc.ttl {
			delete(sc.m, k)
			continue
		}
		if oldestAt.IsZero() || s.at.Before(oldestAt) {
			oldest, oldestAt = k, s.at
		}
	}
	if len(sc.m) >= maxScans {
		delete(sc.m, oldest)
	}
}

// scanPeople reads query pages until max records were scanned or none are
// left, keeping the people query matches.
func scanPeople(ctx context.Context, c *klipy.Client, query string, filter *klipy.PeopleFilter, max int) (*scan, error) {
	s := &scan{check: pageCheck{scan: true}}
	q := &klipy.PeopleQuery{Filter: filter}
	terms := strings.Fields(strings.ToLower(query))
	seen := map[string]bool{}
	for s.scanned < max {
		q.Limit = min(scanPageSize, max-s.scanned)
		page, _, err := c.People.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		stop, complete := scanEnd(page, seen)
		s.check.add(checkOf(page, peopleFilterArgs(filter)))
		s.scanned += page.FilteredOut
		for _, p := range page.Items {
			s.scanned++
			if matches(p, terms) {
				s.matches = append(s.matches, p)
			}
		}
		if stop {
			s.complete = complete
			return s, nil
		}
		q.Cursor = page.NextCursor
	}
	return s, nil
}

// matches reports whether every term occurs in one of the person's first
// name, last name, full name, email or title (case-insensitive).
func matches(p *klipy.Person, terms []string) bool {
	fields := strings.ToLower(strings.Join([]string{p.FirstName, p.LastName,
		p.FirstName + " " + p.LastName, p.Email, p.Title}, "\x00"))
	whole := strings.Join(terms, " ")
	if strings.Contains(fields, whole) {
		return true
	}
	for _, t := range terms {
		if !strings.Contains(fields, t) {
			return false
		}
	}
	return len(terms) > 0
}
