package klipy

import (
	"encoding/json"
	"errors"
	"testing"
)

// FuzzStringShortcuts checks that the shortcuts of the field reader and
// writer agree with encoding/json byte for byte: plainString with
// Unmarshal on every token it accepts, appendString with Marshal always.
func FuzzStringShortcuts(f *testing.F) {
	for _, s := range []string{``, `plain`, `a"b`, `back\slash`, "tab\there", `<b>&`, "é", "\u2028", "bad\xff", `"quoted"`} {
		f.Add(s)
		b, _ := json.Marshal(s)
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendString(%q) = %s, want x%s", s, got, want)
		}
		got, ok := plainString(json.RawMessage(s))
		if !ok {
			return
		}
		var dec string
		if err := json.Unmarshal([]byte(s), &dec); err != nil {
			t.Fatalf("plainString accepted %q, which is not a JSON string: %v", s, err)
		}
		if got != dec {
			t.Errorf("plainString(%q) = %q, json.Unmarshal says %q", s, got, dec)
		}
	})
}

// FuzzObjectOf checks objectOf's one-pass split against json.Unmarshal into
// a map of raw messages: the same members with the same values, or an
// error for the same inputs.
func FuzzObjectOf(f *testing.F) {
	for _, s := range []string{`{}`, ` {"a":1} `, `{"a":"x\"}","b":[1,{"c":"]"}],"d":null,"e":true}`,
		`{"a\u0062":1,"a":2,"a":3}`, "{\"k\xff\":1}", `[1]`, `null`, `{"a":}`, `{"a":{"b":{"c":[]}}} `, `{"n":-1.5e3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gotErr := objectOf(b)
		var want map[string]json.RawMessage
		wantErr := json.Unmarshal(b, &want)
		if wantErr == nil && want == nil {
			wantErr = errors.New("null")
		}
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("objectOf(%q): error %v, json.Unmarshal: %v", b, gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if keys := got.keys(); len(keys) != len(want) {
			t.Fatalf("objectOf(%q) has members %q, want %d", b, keys, len(want))
		}
		for k, v := range want {
			if g, _ := got.get(k); string(g) != string(v) {
				t.Errorf("objectOf(%q)[%q] = %s, want %s", b, k, g, v)
			}
		}
	})
}

// FuzzRequestID checks requestIDOf against json.Unmarshal into the struct
// it stands for, on valid JSON as unwrap hands it (and that it does not
// panic on anything else).
func FuzzRequestID(f *testing.F) {
	for _, s := range []string{`{"request_id":"r1","api_version":"1"}`, `{"requestId":"r2"}`, `{"request_id":""}`,
		`{"Request_ID":"a","request_id":"b"}`, `{"request_id":"b","REQUEST_ID":"a"}`, `{"request_id":5,"requestId":"c"}`,
		`{"request_id":"\u00e9"}`, `[]`, `null`, `{"request_id":"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var ids struct {
			RequestID string `json:"request_id"`
			CamelID   string `json:"requestId"`
		}
		_ = json.Unmarshal(b, &ids)
		got := requestIDOf(b)
		if !json.Valid(b) {
			return
		}
		if want := firstOf(ids.RequestID, ids.CamelID); got != want {
			t.Errorf("requestIDOf(%q) = %q, json.Unmarshal: %q", b, got, want)
		}
	})
}
