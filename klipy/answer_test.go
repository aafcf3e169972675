package klipy

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// answerSeeds are answers of every shape the fast path takes or declines.
var answerSeeds = []string{
	string(personAnswer),
	`{"object":"success","data":{"id":"p1","createdAt":1748736000000,"x":[1]},"meta":{"request_id":"r"}}`,
	`{"success":true,"data":{"id":"p1","first_name":"A","created_at":"2025-06-01T02:00:00+02:00"}}`,
	`{"success":false,"error":"nope","data":{"id":"p1"}}`,
	`{"id":"p1","data":{"x":1},"email":"a@b.co"}`,
	` {"id":"p1","email":null,"title":{"en":"CTO"},"phone":5} `,
	`{"data":null}`, `{"data":[{"id":"p1"}]}`, `{"data":"p1"}`, `[{"id":"p1"}]`, `"x"`, `{}`, ``,
	`{"data":{"id":"p1"},"data":{"id":"p2","a":1}}`, `{"data":{"id":"p1"},"data":null}`,
	`{"d\u0061ta":{"id":"p1"}}`, `{"data":{"\u0069d":"p1","k\u00e9y":1,"id":"p3"}}`, "{\"data\":{\"bad\xff\":2,\"id\":\"p\xff\"}}",
	`{"data":{"id":"p1","id":"p2","_id":"p3","n":-0.5e+7,"t":true,"f":false,"z":null,"s":"a\"b\\\/\b\f\n\r\t\u00e9"}}`,
	`{"data":{"id":"p1",}}`, `{"data":{"id":01}}`, `{"data":{"id":1.}}`, "{\"data\":{\"id\":\"\x01\"}}", `{"data":{"id":"\u12"}}`,
	`{"data":{"a":[1,2,]}}`, `{"data":{"a":tru}}`, `{"data":{"a":[[[[]]]]}}` + " \t\r\n", "\f{\"data\":{}}", `{"data":{}}x`,
	`{"data":{"companies":["c1"],"contacts":["p1"],"creationTime":"1748736000","employeeCount":"12","estimatedRevenue":1e3}}`,
	`{"data":{"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}`,
	`{"meta":{"requestId":"r2"},"meta":{"request_id":"r3"},"data":{"id":"p1"}}`,
}

// FuzzAnswerScan checks the fast path of reading a record against the
// general one: whatever answer it accepts, it must read to the same record
// and envelope, and only answers that are valid JSON.
func FuzzAnswerScan(f *testing.F) {
	for _, s := range answerSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		compareAnswer[Person](t, body)
		compareAnswer[Company](t, body)
		compareAnswer[Interaction](t, body)
	})
}

// compareAnswer reads body by both paths into a T.
func compareAnswer[T any, PT interface {
	*T
	fieldsReader
}](t *testing.T, body []byte) {
	t.Helper()
	var fast, general T
	fenv, ok := PT(&fast).readAnswer(body)
	genv, err := readRecord(body, PT(&general))
	if !ok {
		return
	}
	if !json.Valid(body) {
		t.Fatalf("the fast path read invalid JSON %q", body)
	}
	if err != nil {
		t.Fatalf("the fast path read %q, the general path failed: %v", body, err)
	}
	if !reflect.DeepEqual(fast, general) {
		t.Errorf("%T of %q:\nfast    %+v\ngeneral %+v", fast, body, fast, general)
	}
	if !bytes.Equal(fenv.payload, bytes.TrimSpace(genv.payload)) || !bytes.Equal(fenv.meta, genv.meta) ||
		fenv.requestID() != genv.requestID() || fenv.failed != genv.failed {
		t.Errorf("envelope of %q:\nfast    %+v\ngeneral %+v", body, fenv, genv)
	}
}

// personAnswer is a getPerson answer as the fake API sends it.
var personAnswer = []byte(`{"data":{"companyId":null,"createdAt":"2026-11-30T06:31:14Z","email":"jordan@acme.example","firstName":"Jordan","id":"per_00017wdrqp","lastName":null,"linkedin":null,"phone":null,"remarks":null,"title":null,"updatedAt":"2026-11-30T06:31:14Z"},"meta":{"request_id":"req_000002","api_version":"1","timestamp":"2026-11-30T06:31:14Z"},"object":"success"}`)

// BenchmarkDecodePerson is the decoding of one getPerson answer, by the
// fast path and by the general one.
func BenchmarkDecodePerson(b *testing.B) {
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p Person
			if _, err := decodeRecord(personAnswer, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("general", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p Person
			if _, err := readRecord(personAnswer, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzTimeToken checks the shortcut of Time.UnmarshalJSON against
// parseTime, which reads every other time.
func FuzzTimeToken(f *testing.F) {
	for _, s := range []string{"2025-06-01T00:00:00Z", "2025-06-01T02:00:00+02:00", "2025-06-01T02:00:00.123456789-07:30",
		"2025-06-01T02:00:00.1234567891234Z", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2025-06-01T24:00:00Z",
		"2025-06-01T00:00:60Z", "2025-06-01T00:00:00+24:00", "2025-06-01T00:00:00+23:60", "0000-01-01T00:00:00Z",
		"9999-12-31T23:59:59.9Z", "2025-06-01T00:00:00,5Z", "2025-06-01T1:00:00Z", "2025-06-01t00:00:00z",
		"2025-06-01T00:00:00.Z", "2025-06-01 00:00:00Z", " 2025-06-01T00:00:00Z", "1748736000000", "2025-06-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := rfc3339Token([]byte(`"` + s + `"`))
		if !ok {
			return
		}
		want, err := parseTime(s)
		if err != nil {
			t.Fatalf("rfc3339Token read %q, parseTime failed: %v", s, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("rfc3339Token(%q) = %v, parseTime: %v", s, got, want)
		}
	})
}

// BenchmarkMarshalPerson is the writing of the person the fake's answer
// holds, as the tools shape it.
func BenchmarkMarshalPerson(b *testing.B) {
	var p Person
	if _, err := decodeRecord(personAnswer, &p); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.MarshalJSON(); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTexts checks that reading strings through texts (one allocation for
// a record's strings) reads what fields.str reads, value for value, and
// takes the same members, past its 16 pending strings too. The input is
// raw tokens separated by NUL bytes.
func FuzzTexts(f *testing.F) {
	f.Add([]byte("\"a\"\x00\"\"\x00null\x0012\x00\"x\\\"y\"\x00{}\x00\"\xff\""))
	f.Add(bytes.Repeat([]byte("\"abc\"\x00"), 20))
	f.Fuzz(func(t *testing.T, in []byte) {
		raws := bytes.Split(in, []byte{0})
		build := func() fields {
			m := fields{}
			for i, r := range raws {
				m = append(m, member{[]byte(strconv.Itoa(i)), r})
			}
			return m
		}
		want, got := make([]string, len(raws)), make([]string, len(raws))
		mw, mg := build(), build()
		var tx texts
		for i := range raws {
			mw.str(&want[i], strconv.Itoa(i))
			tx.str(mg, &got[i], strconv.Itoa(i))
		}
		tx.flush()
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(mg.keys(), mw.keys()) {
			t.Errorf("texts read %q leaving %q; fields.str %q leaving %q", got, mg.keys(), want, mw.keys())
		}
	})
}
