package klipy

import (
	"encoding/json"
	"maps"
	"slices"
)

// Layout describes how an answer was laid out, as the tolerant reader found
// it. Diagnostics (klipy-mcp doctor) report it so that a difference between
// Klipy's real API and the contract can be pasted into a bug report.
type Layout struct {
	// Envelope lists the keys of the outer object when the payload was
	// wrapped in one (e.g. object, data, meta, page_info); nil for a bare
	// payload.
	Envelope []string
	// List is where a list was found: "data", "data.edges", "people";
	// "" for a bare array or a single record.
	List string
	// Cursor is where the next cursor was read, e.g. "page_info.end_cursor";
	// "" when there was none.
	Cursor string
	// More says whether the answer claimed more pages.
	More bool
	// Fields is the sorted union of the keys of the record(s), after any
	// envelope, list wrapper or Relay edge was taken off.
	Fields []string
	// Records counts the records in a list answer (1 for a record).
	Records int
}

// DescribeAnswer reads body as the client would (a list when list is set,
// else a single record) and says how it was laid out. It returns the
// reader's error when the client could not read the answer.
func DescribeAnswer(body []byte, list bool) (Layout, error) {
	env, err := unwrap(body)
	if err != nil {
		return Layout{}, err
	}
	var l Layout
	at := payloadAt(env, body)
	wrapped := at != ""
	if wrapped || (list && env.top != nil) {
		l.Envelope = env.top.keys()
	}
	if !list {
		obj, err := objectOf(env.payload)
		if err != nil {
			return l, errMalformed
		}
		l.Fields, l.Records = obj.keys(), 1
		return l, nil
	}
	items, holders, path := findList(env.payload, 0, at)
	if items == nil {
		return l, errMalformed
	}
	if l.List = path; wrapped {
		l.List = joinPath("data", path)
	}
	var recs []map[string]json.RawMessage
	if err := json.Unmarshal(items, &recs); err != nil {
		return l, errMalformed
	}
	seen := map[string]bool{}
	for _, r := range recs {
		for k := range r {
			seen[k] = true
		}
	}
	l.Fields, l.Records = slices.Sorted(maps.Keys(seen)), len(recs)
	_, l.More, l.Cursor = pageInfo(append(holders, holder{env.top, ""}))
	return l, nil
}
