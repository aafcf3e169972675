package tools

import (
	"container/list"
	"context"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// The records cache keeps, per key, the people records a search_people scan
// read (SPEC §3): any query, email or company filter by that key within
// recordsTTL is answered from them with no upstream request, and a write by
// the key drops them. It also remembers the names of people the key fetched
// or scanned, so interaction lists can name their contacts without asking
// upstream. Memory is bounded three ways: records per key by --search-scan,
// and cached keys and bytes in total, least recently used first out.
const (
	recordsTTL     = 60 * time.Second
	namesTTL       = 15 * time.Minute
	maxCachedKeys  = 1000
	maxCachedBytes = 64 << 20
	maxNamesPerKey = 5000
)

// scanPageSize is the page size of the query pages a scan reads.
const scanPageSize = 100

// peopleScan is what one scan of a key's people read, indexed for matching.
// Flags about how the scan went travel with it, so a cached answer reports
// them exactly as the first one did.
type peopleScan struct {
	people   []indexed
	complete bool      // every record was read: the scan limit did not stop it
	check    pageCheck // what the client found on the pages scanned
	at       time.Time
	bytes    int
}

// keyCache is one key's entry: its latest scan and the names it has seen.
type keyCache struct {
	client *klipy.Client // a client holds exactly one key
	scan   *peopleScan
	names  map[string]string
	nbytes int       // bytes of names
	used   time.Time // last access, for namesTTL
	gen    uint64    // bumped by every write, so a scan that raced a write is not kept
	elem   *list.Element
}

func (k *keyCache) size() int {
	n := entryOverhead + k.nbytes
	if k.scan != nil {
		n += k.scan.bytes
	}
	return n
}

// entryOverhead is what a key's entry costs besides its records and names.
const entryOverhead = 256

// recordsCache is the per-key records cache of one server.
type recordsCache struct {
	mu       sync.Mutex
	now      func() time.Time
	maxKeys  int
	maxBytes int
	bytes    int
	lru      *list.List // of *keyCache, most recently used first
	m        map[*klipy.Client]*keyCache
}

func newRecordsCache(now func() time.Time, maxKeys, maxBytes int) *recordsCache {
	return &recordsCache{now: now, maxKeys: maxKeys, maxBytes: maxBytes, lru: list.New(), m: map[*klipy.Client]*keyCache{}}
}

// entry returns c's entry, creating it when create is set; the caller
// holds mu. An entry idle for namesTTL starts over.
func (rc *recordsCache) entry(c *klipy.Client, create bool) *keyCache {
	k := rc.m[c]
	now := rc.now()
	if k != nil && now.Sub(k.used) >= namesTTL {
		rc.remove(k)
		k = nil
	}
	if k == nil {
		if !create {
			return nil
		}
		k = &keyCache{client: c}
		k.elem = rc.lru.PushFront(k)
		rc.m[c] = k
		rc.bytes += k.size()
	}
	k.used = now
	rc.lru.MoveToFront(k.elem)
	return k
}

func (rc *recordsCache) remove(k *keyCache) {
	rc.lru.Remove(k.elem)
	delete(rc.m, k.client)
	rc.bytes -= k.size()
}

// scan returns c's scan while it is fresh, else nil, and the generation a
// new scan must be stored under.
func (rc *recordsCache) scan(c *klipy.Client) (*peopleScan, uint64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := rc.entry(c, false)
	if k == nil {
		return nil, 0
	}
	if k.scan != nil && rc.now().Sub(k.scan.at) >= recordsTTL {
		rc.bytes -= k.scan.bytes
		k.scan = nil
	}
	return k.scan, k.gen
}

// put stores s as c's scan unless a write by c happened since gen was read,
// and remembers the names it read.
func (rc *recordsCache) put(c *klipy.Client, gen uint64, s *peopleScan) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := rc.entry(c, true)
	if k.gen != gen || s.bytes+entryOverhead > rc.maxBytes {
		return
	}
	s.at = rc.now()
	if k.scan != nil {
		rc.bytes -= k.scan.bytes
	}
	k.scan = s
	rc.bytes += s.bytes
	for i := range s.people {
		rc.addName(k, s.people[i].p)
	}
	rc.shrink(k)
}

// remember records the names of people c fetched.
func (rc *recordsCache) remember(c *klipy.Client, people ...*klipy.Person) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := rc.entry(c, true)
	for _, p := range people {
		rc.addName(k, p)
	}
	rc.shrink(k)
}

func (rc *recordsCache) addName(k *keyCache, p *klipy.Person) {
	old, known := k.names[p.ID]
	if known && isPersonName(p, old) {
		return // the usual case of a person read again: nothing to build
	}
	name := personName(p)
	if p.ID == "" || name == "" || len(k.names) >= maxNamesPerKey {
		return
	}
	if k.names == nil {
		k.names = map[string]string{}
	}
	if known {
		k.nbytes -= nameBytes(p.ID, old)
		rc.bytes -= nameBytes(p.ID, old)
	}
	k.names[p.ID] = name
	k.nbytes += nameBytes(p.ID, name)
	rc.bytes += nameBytes(p.ID, name)
}

func nameBytes(id, name string) int { return len(id) + len(name) + 64 }

// names returns the names c has seen of the people ids, leaving out the
// ones it has not.
func (rc *recordsCache) names(c *klipy.Client, ids []string) map[string]string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := rc.entry(c, false)
	if k == nil {
		return nil
	}
	var out map[string]string
	for _, id := range ids {
		if n, ok := k.names[id]; ok {
			if out == nil {
				out = map[string]string{}
			}
			out[id] = n
		}
	}
	return out
}

// forget drops c's scan and names after a write by c, so that the next
// search sees the write.
func (rc *recordsCache) forget(c *klipy.Client) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := rc.entry(c, true)
	rc.bytes -= k.size()
	k.scan, k.names, k.nbytes = nil, nil, 0
	k.gen++
	rc.bytes += k.size()
}

// shrink drops least recently used entries other than keep until the cache
// is within its bounds.
func (rc *recordsCache) shrink(keep *keyCache) {
	for e := rc.lru.Back(); e != nil && (rc.bytes > rc.maxBytes || rc.lru.Len() > rc.maxKeys); {
		prev := e.Prev()
		if k := e.Value.(*keyCache); k != keep {
			rc.remove(k)
		}
		e = prev
	}
	if rc.bytes > rc.maxBytes { // keep alone is too big: keep nothing of it
		rc.bytes -= keep.size()
		keep.scan, keep.names, keep.nbytes = nil, nil, 0
		rc.bytes += keep.size()
	}
}

// usage returns the cache's accounted bytes and keys.
func (rc *recordsCache) usage() (bytes, keys int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.bytes, rc.lru.Len()
}

// scanPeople reads query pages until max records were scanned or none are
// left. filter, when set, is sent upstream.
func scanPeople(ctx context.Context, c *klipy.Client, filter *klipy.PeopleFilter, max int) (*peopleScan, error) {
	s := &peopleScan{check: pageCheck{scan: true}}
	q := &klipy.PeopleQuery{Filter: filter}
	seen := map[string]bool{}
	for len(s.people) < max {
		q.Limit = min(scanPageSize, max-len(s.people))
		page, _, err := c.People.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		stop, complete := scanEnd(page, seen)
		s.check.add(checkOf(page, peopleFilterArgs(filter)))
		for _, p := range page.Items {
			x := indexPerson(p)
			s.people = append(s.people, x)
			s.bytes += x.size()
		}
		if stop {
			s.complete = complete
			return s, nil
		}
		q.Cursor = page.NextCursor
	}
	return s, nil
}
