package klipy

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/klipy-ai/klipy-mcp/internal/jsonscan"
)

// This file holds the tolerant field readers the record types share (their
// writer is in writer.go). A reader takes a field out of the raw object only
// when it understands its value; anything else stays in Extra, so nothing
// the API sends is lost.

// member is one member of a JSON object: its key, unescaped, and its raw
// value, which shares the object's memory; nil once a reader took it.
type member struct {
	key []byte
	val json.RawMessage
}

// fields is a JSON object being taken apart, its members in order. A name
// is looked up by scanning them, which for the few dozen members of a
// record costs less than building a map; as in a map (and json.Unmarshal
// into one), the last of duplicate keys wins.
type fields []member

// get returns the value of name, as a map of the members would.
func (m fields) get(name string) (json.RawMessage, bool) {
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].val != nil && string(m[i].key) == name {
			return m[i].val, true
		}
	}
	return nil, false
}

// at returns the value of name, nil when there is none.
func (m fields) at(name string) json.RawMessage {
	v, _ := m.get(name)
	return v
}

// remove takes name out, every duplicate with it.
func (m fields) remove(name string) {
	for i := range m {
		if string(m[i].key) == name {
			m[i].val = nil
		}
	}
}

// empty reports whether every member has been taken.
func (m fields) empty() bool {
	for _, f := range m {
		if f.val != nil {
			return false
		}
	}
	return true
}

// keys returns the names of the members left, sorted, each once.
func (m fields) keys() []string {
	var ks []string
	for _, f := range m {
		if f.val != nil {
			ks = append(ks, string(f.key))
		}
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

// objectOf decodes b as a JSON object. Its values share b's memory (extra
// copies those it keeps).
func objectOf(b []byte) (fields, error) {
	return objectInto(make(fields, 0, 8), b)
}

// objectInto is objectOf appending the members to dst, whose memory a
// caller may provide.
func objectInto(dst fields, b []byte) (fields, error) {
	if i := jsonscan.SkipSpace(b, 0); i < len(b) && b[i] == '{' && json.Valid(b) {
		return splitObject(dst, b[i:]), nil
	}
	var m map[string]json.RawMessage // not an object: Unmarshal says why
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return nil, errors.New("klipy: expected a JSON object, got null") // the only other JSON it takes
}

// splitObject appends the members of the valid JSON object b to dst in one
// pass, as json.Unmarshal into a map of raw messages would read them
// without its second pass and copies. The result is never nil.
func splitObject(dst fields, b []byte) fields {
	if dst == nil {
		dst = fields{}
	}
	i := jsonscan.SkipSpace(b, 1)
	for i < len(b) && b[i] == '"' {
		end, escaped := stringEnd(b, i)
		key := b[i+1 : end-1 : end-1]
		if escaped || !utf8.Valid(key) {
			key = unquoteKey(b[i:end])
		}
		i = jsonscan.SkipSpace(b, end)
		i = jsonscan.SkipSpace(b, i+1) // the colon
		vend := valueEnd(b, i)
		dst = append(dst, member{key, b[i:vend:vend]})
		i = jsonscan.SkipSpace(b, vend)
		if i < len(b) && b[i] == ',' {
			i = jsonscan.SkipSpace(b, i+1)
		}
	}
	return dst
}

// unquoteKey decodes the valid JSON string q as encoding/json decodes an
// object key (escapes resolved, invalid UTF-8 replaced).
func unquoteKey(q []byte) []byte {
	var key string
	_ = json.Unmarshal(q, &key) // valid: only unescaping
	return []byte(key)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i] and
// whether it holds an escape.
func stringEnd(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(b), escaped
}

// valueEnd returns the index just past the valid JSON value at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		end, _ := stringEnd(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := stringEnd(b, j)
				j = end - 1 // the loop steps past the closing quote
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i // a number, true, false or null
	for j < len(b) && !strings.ContainsRune(",}] \t\n\r", rune(b[j])) {
		j++
	}
	return j
}

// take calls parse on the first of names present in m, and removes that
// field when parse accepts it. A null value is accepted and leaves dst alone.
func (m fields) take(parse func(json.RawMessage) bool, names ...string) {
	for _, n := range names {
		raw, ok := m.get(n)
		if !ok {
			continue
		}
		if isNull(raw) || parse(raw) {
			m.remove(n)
			return
		}
	}
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// plainString returns the text of a JSON string token that needs no
// unescaping (no backslash, no control character, valid UTF-8), which is
// nearly every string an API sends, without a decoder's passes over it.
func plainString(raw json.RawMessage) (string, bool) {
	in, ok := plainToken(raw)
	if !ok {
		return "", false
	}
	return string(in), true
}

// plainToken is plainString without the copy: the token's text, in raw's
// memory.
func plainToken(raw json.RawMessage) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	in := raw[1 : len(raw)-1]
	for _, c := range in {
		if c == '\\' || c == '"' || c < 0x20 {
			return nil, false
		}
	}
	if !utf8.Valid(in) {
		return nil, false
	}
	return in, true
}

// str reads a string (a number is taken as its text).
func (m fields) str(dst *string, names ...string) {
	m.take(func(raw json.RawMessage) bool { return readString(raw, dst) }, names...)
}

func readString(raw json.RawMessage, dst *string) bool {
	s := scalarString(raw)
	if s == "" && string(bytes.TrimSpace(raw)) != `""` {
		return false
	}
	*dst = s
	return true
}

// texts makes the strings a record reads in one allocation instead of one
// each: str notes the plain ones (nearly all), flush copies them into one
// string and points each field at its part. A record's strings then live
// and die together, which costs nothing: they are its own.
type texts struct {
	pending [16]pendingText
	n       int
	size    int
}

type pendingText struct {
	dst  *string
	text []byte // in the answer's memory until flush
}

// str is fields.str, leaving a plain string for flush to make.
func (t *texts) str(m fields, dst *string, names ...string) {
	m.take(func(raw json.RawMessage) bool {
		if in, ok := plainToken(raw); ok && t.n < len(t.pending) {
			t.pending[t.n] = pendingText{dst, in}
			t.n, t.size = t.n+1, t.size+len(in)
			return true
		}
		return readString(raw, dst)
	}, names...)
}

// flush makes the strings str noted.
func (t *texts) flush() {
	var b strings.Builder
	b.Grow(t.size)
	for _, p := range t.pending[:t.n] {
		b.Write(p.text)
	}
	all := b.String() // its bytes are never written again
	for _, p := range t.pending[:t.n] {
		*p.dst, all = all[:len(p.text)], all[len(p.text):]
	}
	t.n, t.size = 0, 0
}

// int reads an integer given as a number or a numeric string.
func (m fields) int(dst **int, names ...string) {
	m.take(func(raw json.RawMessage) bool {
		f, err := strconv.ParseFloat(scalarString(raw), 64)
		if err != nil || f != math.Trunc(f) || math.Abs(f) > math.MaxInt32 {
			return false
		}
		v := int(f)
		*dst = &v
		return true
	}, names...)
}

// float reads a number given as a number or a numeric string.
func (m fields) float(dst **float64, names ...string) {
	m.take(func(raw json.RawMessage) bool {
		f, err := strconv.ParseFloat(scalarString(raw), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return false
		}
		*dst = &f
		return true
	}, names...)
}

// strs reads an array of strings.
func (m fields) strs(dst *[]string, names ...string) {
	m.take(func(raw json.RawMessage) bool {
		var v []string
		if json.Unmarshal(raw, &v) != nil {
			return false
		}
		*dst = v
		return true
	}, names...)
}

// time reads a Time.
func (m fields) time(dst *Time, names ...string) {
	m.take(func(raw json.RawMessage) bool { return dst.UnmarshalJSON(raw) == nil }, names...)
}

// extra returns what is left, or nil when nothing is. The values are
// copied, as a record outlives the body: into one buffer, each capped at
// its own length so that appending to one cannot reach the next.
func (m fields) extra() map[string]json.RawMessage {
	n, size := 0, 0
	for _, f := range m {
		if f.val != nil {
			n, size = n+1, size+len(f.val)
		}
	}
	if n == 0 {
		return nil
	}
	out := make(map[string]json.RawMessage, n)
	buf := make([]byte, 0, size)
	for _, f := range m {
		if f.val != nil {
			start := len(buf)
			buf = append(buf, f.val...)
			out[string(f.key)] = buf[start:len(buf):len(buf)]
		}
	}
	return out
}

// Time bounds: outside years 1–9999 a time cannot round-trip as RFC 3339.
var (
	minTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// UnmarshalJSON accepts an RFC 3339 string, epoch milliseconds as a number
// or numeric string (values below 1e11 are taken as epoch seconds), an empty
// string or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if v, ok := rfc3339Token(b); ok {
		*t = Time{v}
		return nil
	}
	if isNull(b) {
		*t = Time{}
		return nil
	}
	s := scalarString(b)
	if s == "" {
		if string(bytes.TrimSpace(b)) == `""` {
			*t = Time{}
			return nil
		}
		return errors.New("klipy: time is neither a string nor a number")
	}
	v, err := parseTime(s)
	if err != nil {
		return err
	}
	*t = Time{v}
	return nil
}

// rfc3339Token reads the JSON string token b when it is an RFC 3339 time
// in the layout the API uses ("2006-01-02T15:04:05", a fraction, then Z or
// an offset), as parseTime would, without copying it into a string; false
// for anything else, which parseTime reads. FuzzTimeToken compares the two.
func rfc3339Token(b []byte) (time.Time, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' || !rfc3339Shape(b[1:len(b)-1]) {
		return time.Time{}, false
	}
	// The shape is the one time's own RFC 3339 reader takes, which
	// time.Parse tries first too, so both read it alike.
	var v time.Time
	if v.UnmarshalText(b[1:len(b)-1]) != nil || v.Before(minTime) || v.After(maxTime) {
		return time.Time{}, false
	}
	return v, true
}

// rfc3339Shape reports whether s is laid out as 2006-01-02T15:04:05, an
// optional fraction of digits, then Z or ±hh:mm with hh < 24 and mm < 60.
func rfc3339Shape(s []byte) bool {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout)+1 {
		return false
	}
	for i := range len(layout) {
		if c := layout[i]; c == 'd' && !isDigit(s[i]) || c != 'd' && s[i] != c {
			return false
		}
	}
	s = s[len(layout):]
	if len(s) >= 2 && s[0] == '.' && isDigit(s[1]) {
		s = s[digits(s, 1):]
	}
	if len(s) == 1 {
		return s[0] == 'Z'
	}
	return len(s) == 6 && (s[0] == '+' || s[0] == '-') && s[3] == ':' &&
		isDigit(s[1]) && isDigit(s[2]) && isDigit(s[4]) && isDigit(s[5]) &&
		(s[1]-'0')*10+s[2]-'0' < 24 && s[4] < '6'
}

// number reads s as strconv.ParseFloat does. A colon, which every time of
// day has, is in no number: such an s is refused without ParseFloat's
// error, which costs two allocations.
func number(s string) (float64, bool) {
	if strings.IndexByte(s, ':') >= 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil
}

func parseTime(s string) (time.Time, error) {
	var v time.Time
	if f, ok := number(s); ok {
		if math.Abs(f) < 1e11 {
			f *= 1000
		}
		if math.Abs(f) > 1e15 {
			return v, errors.New("klipy: epoch time out of range")
		}
		v = time.UnixMilli(int64(f)).UTC()
	} else {
		var perr error
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05Z07:00", time.DateOnly} {
			if v, perr = time.Parse(layout, strings.TrimSpace(s)); perr == nil {
				break
			}
		}
		if perr != nil {
			return v, perr
		}
	}
	if v.Before(minTime) || v.After(maxTime) {
		return time.Time{}, errors.New("klipy: time out of range")
	}
	return v, nil
}
