package klipy

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary answers to the tolerant reader: no input may
// panic, every record it accepts must marshal to valid JSON that reads back
// to the same JSON, and no error may show a key. Seeds are in
// testdata/fuzz/FuzzDecode; run with go test -fuzz=FuzzDecode ./klipy/.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"object":"success","data":{"id":"p1","createdAt":1748736000000,"x":[1]},"meta":{"request_id":"r"}}`))
	f.Add([]byte(`{"data":{"people":[{"id":"p1"}],"page_info":{"has_next_page":true,"end_cursor":"c"}}}`))
	f.Add([]byte(`{"error":{"code":"bad","message":"klipy_api_secret leaked","details":{"k":"klipy\u005fapi_x"}}}`))
	f.Add([]byte(`{"data":{"edges":[{"node":{"id":"p1"},"cursor":"x"}],"pageInfo":{"hasNextPage":true,"endCursor":"c"}}}`))
	f.Add([]byte(`{"data":[{"id":"p1"}],"page_info":{"has_next_page":true,"next_page_token":"c"}}`))
	f.Add([]byte(`{"errors":[{"code":"a","message":"b"},{"code":1}]}`))
	f.Add([]byte(`{"data":{"organization":{"id":"o1","name":"Acme"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		roundTrip[Person](t, body)
		roundTrip[Company](t, body)
		roundTrip[Interaction](t, body)
		roundTrip[Workspace](t, body)
		if p, _, err := decodePage[*Person](body); err == nil {
			if p.NextCursor != "" && !p.HasMore {
				t.Errorf("a cursor on the last page: %+v", p)
			}
			if p.HasMore && p.NextCursor == "" && p.Incomplete == "" {
				t.Errorf("more pages, no cursor, and not marked incomplete: %+v", p)
			}
			// doctor's description of a page agrees with what the reader did.
			l, err := DescribeAnswer(body, true)
			if err != nil || l.More != p.HasMore || l.Cursor != p.CursorField || l.Records != len(p.Items) {
				t.Errorf("DescribeAnswer = %+v, %v; the page read %+v", l, err, p)
			}
		}
		_, _ = DescribeAnswer(body, false)
		_, _, _ = decodePage[*Interaction](body)
		if d, _, err := decodeDelete(body, "id1"); err == nil && (d.ID == "" || d == nil) {
			t.Errorf("delete result without id: %+v", d)
		}
		if c, _, err := decodeCreated(body); err == nil && c.ID == "" {
			t.Errorf("created without id: %+v", c)
		}
		e := parseAPIError("op", 400, body, "klipy_api_secret")
		all := e.Error()
		if b, err := json.Marshal(e.Details); err == nil {
			all += " " + string(b)
		}
		if strings.Contains(all, "klipy_api_secret") || tokenPattern.MatchString(all) {
			t.Errorf("error shows a key: %s", all)
		}
	})
}

// roundTrip checks that a record the reader accepts writes valid JSON, and
// that reading and writing that JSON again changes nothing.
func roundTrip[T any](t *testing.T, body []byte) {
	var v T
	if _, err := decodeRecord(body, &v); err != nil {
		return
	}
	first, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	if !json.Valid(first) {
		t.Fatalf("%T marshalled to invalid JSON: %s", v, first)
	}
	var again T
	if err := json.Unmarshal(first, &again); err != nil {
		t.Fatalf("%T does not read its own JSON %s: %v", v, first, err)
	}
	second, err := json.Marshal(again)
	if err != nil || !bytes.Equal(first, second) {
		t.Fatalf("%T round trip changed:\n%s\n%s (%v)", v, first, second, err)
	}
}
