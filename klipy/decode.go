package klipy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/klipy-ai/klipy-mcp/internal/jsonscan"
)

// This file is the tolerant reader of response bodies (SPEC §1): the
// {object,data,meta} and {success,data} envelopes or none, lists bare or
// wrapped, page_info wherever it is put and however it is spelled.

// errMalformed marks a body the reader could not make sense of.
var errMalformed = errors.New("malformed response body")

// envelope is what the reader learned from the outer object of a body.
type envelope struct {
	payload json.RawMessage // data, or the whole body when there is no envelope
	top     fields          // the outer object, nil when the body is not an object (or unneeded)
	meta    json.RawMessage // the outer object's meta, nil when it has none
	failed  string          // the message of a {"success": false} answer
}

// requestID returns the request id meta carries, "" when none. It is read
// only when asked for: the answer's headers usually say it already.
func (e envelope) requestID() string {
	if e.meta == nil {
		return ""
	}
	return requestIDOf(e.meta)
}

// unwrap splits an envelope from its payload. An object is an envelope when
// it has "data" and no "id" of its own.
func unwrap(body []byte) (*envelope, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, fmt.Errorf("%w: empty body", errMalformed)
	}
	env := &envelope{payload: body}
	top, err := objectOf(body) // validates an object while reading it
	if err != nil {
		if !json.Valid(body) {
			return nil, fmt.Errorf("%w: not valid JSON", errMalformed)
		}
		return env, nil // an array or a scalar: a bare payload
	}
	env.top = top
	env.meta = top.at("meta")
	var ok bool
	if raw := top.at("success"); raw != nil && string(raw) != "true" && json.Unmarshal(raw, &ok) == nil && !ok {
		var msg string
		_ = json.Unmarshal(top.at("error"), &msg)
		env.failed = firstOf(msg, scalarString(top.at("message")), "the API reported failure")
	}
	if data, has := top.get("data"); has {
		if _, hasID := top.get("id"); !hasID {
			env.payload = data
		}
	}
	return env, nil
}

// requestIDOf reads meta's request_id (or requestId) as json.Unmarshal
// into a struct would, field names matched without regard to case; the
// usual meta, valid (unwrap checked the body) with one plain "request_id",
// is read without reflection or copies.
func requestIDOf(meta json.RawMessage) string {
	if id, ok := plainMember(meta, "request_id"); ok && id != "" {
		return id
	}
	var ids struct {
		RequestID string `json:"request_id"`
		CamelID   string `json:"requestId"`
	}
	_ = json.Unmarshal(meta, &ids)
	return firstOf(ids.RequestID, ids.CamelID)
}

// plainMember returns the plain string value of name in the valid object
// b, and false when b is not an object, name is missing or not a plain
// string, or another key would match name for encoding/json.
func plainMember(b []byte, name string) (string, bool) {
	i := jsonscan.SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return "", false
	}
	var val []byte
	for i = jsonscan.SkipSpace(b, i+1); i < len(b) && b[i] == '"'; {
		end, escaped := stringEnd(b, i)
		if end-1 <= i {
			return "", false // not valid after all
		}
		key := b[i+1 : end-1]
		i = jsonscan.SkipSpace(b, end)
		if i = jsonscan.SkipSpace(b, i+1); i >= len(b) { // the colon
			return "", false
		}
		vend := valueEnd(b, i)
		switch {
		case !escaped && string(key) == name:
			val = b[i:vend]
		case escaped || strings.EqualFold(string(key), name):
			return "", false
		}
		i = jsonscan.SkipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
		}
	}
	if i >= len(b) || b[i] != '}' || val == nil {
		return "", false
	}
	return plainString(val)
}

// decodeRecord decodes the payload of body into v: a record type by its
// fast path when the answer is as usual, anything else by readRecord.
func decodeRecord(body []byte, v any) (envelope, error) {
	if r, ok := v.(fieldsReader); ok {
		if env, ok := r.readAnswer(body); ok {
			return env, nil
		}
	}
	env, err := readRecord(body, v)
	return env.value(), err
}

// value is *e, the zero envelope when e is nil.
func (e *envelope) value() envelope {
	if e == nil {
		return envelope{}
	}
	return *e
}

// readRecord is the general path of decodeRecord.
func readRecord(body []byte, v any) (*envelope, error) {
	env, err := unwrap(body)
	if err != nil {
		return nil, err
	}
	if isNull(env.payload) {
		return env, fmt.Errorf("%w: no data in the answer", errMalformed)
	}
	if err := decodeValid(env.payload, v); err != nil {
		return env, fmt.Errorf("%w: %v", errMalformed, err)
	}
	return env, nil
}

// decodeValid decodes b, which unwrap has already validated, into v. A
// record type reads its own JSON: calling it directly spares
// encoding/json's two more passes over b (validation, then finding the
// value's end).
func decodeValid(b []byte, v any) error {
	if r, ok := v.(fieldsReader); ok {
		if i := jsonscan.SkipSpace(b, 0); i < len(b) && b[i] == '{' {
			r.readFields(splitObject(nil, b[i:])) // valid: no second validation
			return nil
		}
	}
	if u, ok := v.(json.Unmarshaler); ok {
		return u.UnmarshalJSON(b)
	}
	return json.Unmarshal(b, v)
}

// fieldsReader is a record that reads itself from the members of a valid
// object, or (readAnswer) from a whole answer, by readAnswer: false when
// the answer is one the general path must read.
type fieldsReader interface {
	readFields(m fields)
	readAnswer(body []byte) (envelope, bool)
}

// listKeys are the names a wrapped list has been seen or guessed under.
// "edges" (Relay: [{node, cursor}]) is unwrapped to its nodes.
var listKeys = []string{"data", "items", "people", "contacts", "interactions", "companies", "results", "records", "nodes", "edges"}

// decodePage decodes one page of a list.
func decodePage[T any](body []byte) (*Page[T], *envelope, error) {
	env, err := unwrap(body)
	if err != nil {
		return nil, nil, err
	}
	items, holders, _ := findList(env.payload, 0, payloadAt(env, body))
	if items == nil {
		return nil, env, fmt.Errorf("%w: no list in the answer", errMalformed)
	}
	page := &Page[T]{}
	if err := json.Unmarshal(items, &page.Items); err != nil {
		return nil, env, fmt.Errorf("%w: %v", errMalformed, err)
	}
	if page.Items == nil {
		page.Items = []T{}
	}
	holders = append(holders, holder{env.top, ""})
	page.NextCursor, page.HasMore, page.CursorField = pageInfo(holders)
	if page.HasMore && page.NextCursor == "" {
		page.Incomplete = IncompleteNoCursor
	}
	return page, env, nil
}

// holder is an object a list was found in, and its path in the answer
// ("" for the outer object, "data." for the payload of an envelope).
type holder struct {
	obj fields
	at  string
}

// payloadAt is the path of the envelope's payload in body: "data." when
// the envelope was taken off, else "".
func payloadAt(env *envelope, body []byte) string {
	if env.top != nil && !bytes.Equal(bytes.TrimSpace(env.payload), bytes.TrimSpace(body)) {
		return "data."
	}
	return ""
}

// findList returns the array in raw (raw itself, or under one of listKeys,
// two levels deep at most), the objects passed on the way, which may hold
// page_info, and the path it took from raw ("" for a bare array,
// "items"); at is raw's own path in the answer.
func findList(raw json.RawMessage, depth int, at string) (json.RawMessage, []holder, string) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		return raw, nil, ""
	}
	obj, err := objectOf(raw)
	if err != nil || depth > 2 {
		return nil, nil, ""
	}
	for _, k := range listKeys {
		inner, ok := obj.get(k)
		if !ok {
			continue
		}
		if k == "edges" {
			inner = edgeNodes(inner)
		}
		if items, holders, path := findList(inner, depth+1, at+k+"."); items != nil {
			return items, append(holders, holder{obj, at}), joinPath(k, path)
		}
	}
	return nil, nil, ""
}

// edgeNodes turns a Relay edges array ([{"node": {...}, "cursor": "…"}])
// into the array of its nodes; anything else is returned unchanged.
func edgeNodes(raw json.RawMessage) json.RawMessage {
	var edges []struct {
		Node json.RawMessage `json:"node"`
	}
	if json.Unmarshal(raw, &edges) != nil {
		return raw
	}
	nodes := make([]json.RawMessage, 0, len(edges))
	for _, e := range edges {
		if e.Node == nil {
			return raw
		}
		nodes = append(nodes, e.Node)
	}
	b, err := json.Marshal(nodes)
	if err != nil {
		return raw
	}
	return b
}

func joinPath(a, b string) string {
	if b == "" {
		return a
	}
	return a + "." + b
}

// cursorNames and moreNames are the spellings the reader knows.
var (
	cursorNames = []string{"end_cursor", "endCursor", "next_cursor", "nextCursor", "cursor"}
	moreNames   = []string{"has_next_page", "hasNextPage", "has_more", "hasMore"}
	infoNames   = []string{"page_info", "pageInfo", "pagination"}
)

// candidate is an object that may carry cursor fields, and where it is.
type candidate struct {
	obj  fields
	path string // "page_info.", "meta.", "" for the holder itself
}

// pageInfo finds the cursor and the more-pages flag in the page_info object
// (page_info, pageInfo or pagination) of any holder, its meta, or the holder
// itself, and says where the cursor was. The cursor is reported only when
// more pages exist: Relay-style APIs return an end cursor on the last page
// too.
func pageInfo(holders []holder) (cursor string, more bool, field string) {
	var candidates []candidate
	for _, hd := range holders {
		h := hd.obj
		if h == nil {
			continue
		}
		for _, k := range infoNames {
			if pi, err := objectOf(h.at(k)); err == nil {
				candidates = append(candidates, candidate{pi, hd.at + k + "."})
			}
		}
		if meta, err := objectOf(h.at("meta")); err == nil {
			candidates = append(candidates, candidate{meta, hd.at + "meta."})
			for _, k := range infoNames {
				if pi, err := objectOf(meta.at(k)); err == nil {
					candidates = append(candidates, candidate{pi, hd.at + "meta." + k + "."})
				}
			}
		}
		candidates = append(candidates, candidate{h, hd.at})
	}
	known := false
	for _, c := range candidates {
		if cursor == "" {
			for _, n := range cursorNames {
				if s := scalarString(c.obj.at(n)); s != "" {
					cursor, field = s, c.path+n
					break
				}
			}
		}
		if !known {
			c.obj.take(func(raw json.RawMessage) bool {
				known = json.Unmarshal(raw, &more) == nil
				return known
			}, moreNames...)
		}
	}
	if !known {
		more = cursor != ""
	}
	if !more {
		cursor, field = "", ""
	}
	return cursor, more, field
}

// decodeDelete reads a delete answer: an empty body (204) or any payload
// means the record is gone.
func decodeDelete(body []byte, id string) (*DeleteResult, *envelope, error) {
	res := &DeleteResult{ID: id, Deleted: true}
	if len(bytes.TrimSpace(body)) == 0 {
		return res, nil, nil
	}
	env, err := unwrap(body)
	if err != nil {
		return nil, nil, err
	}
	if obj, err := objectOf(env.payload); err == nil {
		obj.str(&res.ID, "id", "_id")
		obj.take(func(raw json.RawMessage) bool { return json.Unmarshal(raw, &res.Deleted) == nil }, "deleted")
	}
	if res.ID == "" {
		res.ID = id
	}
	return res, env, nil
}

// decodeCreated reads an interaction-create answer: {id, isDuplicate}, in
// either spelling, or a whole interaction.
func decodeCreated(body []byte) (*InteractionCreated, *envelope, error) {
	env, err := unwrap(body)
	if err != nil {
		return nil, nil, err
	}
	obj, err := objectOf(env.payload)
	if err != nil {
		return nil, env, fmt.Errorf("%w: %v", errMalformed, err)
	}
	res := &InteractionCreated{}
	obj.str(&res.ID, "id", "_id", "interactionId")
	obj.take(func(raw json.RawMessage) bool {
		return json.Unmarshal(raw, &res.IsDuplicate) == nil
	}, "isDuplicate", "is_duplicate", "duplicate")
	if res.ID == "" {
		return nil, env, fmt.Errorf("%w: no interaction id in the answer", errMalformed)
	}
	return res, env, nil
}
