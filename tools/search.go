package tools

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

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

// scanTimeout bounds a shared scan, which outlives the call that started it
// when that call is cancelled while others wait for the same scan.
const scanTimeout = 2 * time.Minute

// peopleRecords returns the key's people records: the cached scan while it
// is fresh, else a new scan, which is then cached. Concurrent searches by
// one key (an assistant looking up several people at once) share one scan.
func (s *srv) peopleRecords(ctx context.Context, c *klipy.Client) (*peopleScan, error) {
	if sc, _ := s.records.scan(c); sc != nil {
		return sc, nil
	}
	ch := s.scanning.DoChan(fmt.Sprintf("%p", c), func() (any, error) {
		sc, gen := s.records.scan(c)
		if sc != nil {
			return sc, nil
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.scanTimeout)
		defer cancel()
		sc, err := scanPeople(sctx, c, nil, s.cfg.SearchScan)
		if err != nil {
			return nil, err
		}
		s.records.put(c, gen, sc)
		return sc, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, r.Err
		}
		return r.Val.(*peopleScan), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// selectPeople returns the people of sc that pass filter and, when q has
// words, match q, best match first.
func selectPeople(sc *peopleScan, q query, filter *klipy.PeopleFilter) []*klipy.Person {
	idx := sc.people
	if filter != nil {
		idx = nil
		for _, x := range sc.people {
			if passes(x.p, filter) {
				idx = append(idx, x)
			}
		}
	}
	if len(q.words) > 0 {
		return rankPeople(idx, q)
	}
	out := make([]*klipy.Person, len(idx))
	for i, x := range idx {
		out[i] = x.p
	}
	return out
}

// passes applies a search_people filter the way the API does: email
// case-insensitively, company id exactly.
func passes(p *klipy.Person, f *klipy.PeopleFilter) bool {
	return (f.Email == "" || strings.EqualFold(strings.TrimSpace(p.Email), strings.TrimSpace(f.Email))) &&
		(f.CompanyID == "" || p.CompanyID == f.CompanyID)
}

// fromRecords says whether a search is answered from the key's records: a
// free-text query always is; a filter is while a complete scan is cached
// (or when its first page was).
func (s *srv) fromRecords(c *klipy.Client, q query, filter *klipy.PeopleFilter, cur cursor) bool {
	switch {
	case cur.Upstream != "":
		return false
	case len(q.words) > 0 || cur.Offset > 0:
		return true
	case filter == nil:
		return false
	}
	sc, _ := s.records.scan(c)
	return sc != nil && sc.complete
}

// peopleFromRecords answers a search from the key's (cached) records.
func (s *srv) peopleFromRecords(ctx context.Context, c *klipy.Client, q query, filter *klipy.PeopleFilter, cur cursor, limit int) (schema.SearchPeopleResult, error) {
	sc, err := s.peopleRecords(ctx, c)
	if err == nil && filter != nil && !sc.complete {
		// The scan stopped at --search-scan, and the filter's people may lie
		// beyond it: let the API filter, and scan that.
		sc, err = scanPeople(ctx, c, filter, s.cfg.SearchScan)
	}
	if err != nil {
		return schema.SearchPeopleResult{}, err
	}
	matches := selectPeople(sc, q, filter)
	start := min(cur.Offset, len(matches))
	end := min(start+limit, len(matches))
	scanned, complete := len(sc.people), sc.complete
	res := schema.SearchPeopleResult{People: personRows(matches[start:end]), Scanned: &scanned, ScanComplete: &complete}
	res.FilteredOut, res.Incomplete, res.Note = sc.check.report(0, "")
	if end < len(matches) {
		res.NextCursor = cursor{Search: cur.Search, Offset: end}.encode()
	}
	return res, nil
}
