package tools

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"unicode/utf8"
)

// shapeJSON shapes v (a klipy record) straight into the JSON a result
// carries: the same bytes as encoding sh.shape(v) with encoding/json
// (object keys sorted, no HTML escaping), in one pass over the record's
// JSON, without building maps and encoding them again by reflection.
// Anything the pass does not expect goes the general way, so the bytes are
// always those.
func (sh shaper) shapeJSON(v any) (json.RawMessage, error) {
	b, err := marshalRecord(v)
	if err != nil {
		return nil, err
	}
	w := shapeWriter{valueReader: valueReader{b: b}, sh: sh, out: make([]byte, 0, len(b)+len(b)/8+16)}
	if w.value(nil) == nil {
		if w.space(); w.i == len(b) {
			return w.out, nil
		}
	}
	m, err := sh.shapeDecoded(b)
	if err != nil {
		return nil, err
	}
	return encodeValue(m)
}

// encodeValue encodes v as a result's JSON: no HTML escaping, no newline.
func encodeValue(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// shapeWriter reads JSON from b at i and appends its shaped form to out.
type shapeWriter struct {
	valueReader
	sh  shaper
	out []byte
}

// value shapes one value; field is the (sanitised) name of the member it
// belongs to, for the truncation marker.
func (w *shapeWriter) value(field []byte) error {
	w.space()
	if w.i >= len(w.b) {
		return errUnexpected{}
	}
	switch c := w.b[w.i]; {
	case c == '{':
		return w.object()
	case c == '[':
		return w.array(field)
	case c == '"':
		s, err := w.strBytes()
		if err != nil {
			return err
		}
		if !shaped(s, w.sh.limit) {
			s = []byte(truncate(sanitizeText(string(s)), w.sh.limit, func() string { return w.sh.how(string(field)) }))
		}
		w.out = appendJSONString(w.out, s)
		return nil
	case c == 't' || c == 'f' || c == 'n':
		l := w.literalToken()
		if l == "" {
			return errUnexpected{}
		}
		w.out = append(w.out, l...)
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		t, ok := w.numberToken()
		if !ok {
			return errUnexpected{}
		}
		w.out = append(w.out, t...)
		return nil
	}
	return errUnexpected{}
}

// member is one written member of an object: its key and where the member
// (key, colon and value) sits in out.
type member struct {
	key        []byte
	start, end int
}

// object writes the members as they come and, when their keys are not
// already in encoding/json's order (sorted, each once), rewrites them in
// that order, the last of equal keys winning as in a decoded map.
func (w *shapeWriter) object() error {
	w.i++ // {
	open := len(w.out)
	w.out = append(w.out, '{')
	var ms []member
	ordered := true
	w.space()
	if w.i < len(w.b) && w.b[w.i] == '}' {
		w.i++
		w.out = append(w.out, '}')
		return nil
	}
	for {
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			return errUnexpected{}
		}
		k, err := w.strBytes()
		if err != nil {
			return err
		}
		if !shaped(k, math.MaxInt) {
			k = []byte(sanitizeText(string(k)))
		}
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return errUnexpected{}
		}
		w.i++
		if len(ms) > 0 {
			w.out = append(w.out, ',')
			ordered = ordered && bytes.Compare(ms[len(ms)-1].key, k) < 0
		}
		start := len(w.out)
		w.out = appendJSONString(w.out, k)
		w.out = append(w.out, ':')
		if err := w.value(k); err != nil {
			return err
		}
		ms = append(ms, member{key: k, start: start, end: len(w.out)})
		w.space()
		if w.i >= len(w.b) {
			return errUnexpected{}
		}
		switch w.b[w.i] {
		case ',':
			w.i++
		case '}':
			w.i++
			if !ordered {
				w.reorder(open, ms)
			}
			w.out = append(w.out, '}')
			return nil
		default:
			return errUnexpected{}
		}
	}
}

// reorder rewrites the members written after out[open] ('{') sorted by
// key, keeping the last of equal keys.
func (w *shapeWriter) reorder(open int, ms []member) {
	written := append([]byte(nil), w.out[open:]...)
	slices.SortStableFunc(ms, func(a, b member) int { return bytes.Compare(a.key, b.key) })
	w.out = append(w.out[:open], '{')
	first := true
	for i, m := range ms {
		if i+1 < len(ms) && bytes.Equal(ms[i+1].key, m.key) {
			continue
		}
		if !first {
			w.out = append(w.out, ',')
		}
		first = false
		w.out = append(w.out, written[m.start-open:m.end-open]...)
	}
}

func (w *shapeWriter) array(field []byte) error {
	w.i++ // [
	w.out = append(w.out, '[')
	w.space()
	if w.i < len(w.b) && w.b[w.i] == ']' {
		w.i++
		w.out = append(w.out, ']')
		return nil
	}
	for n := 0; ; n++ {
		if n > 0 {
			w.out = append(w.out, ',')
		}
		if err := w.value(field); err != nil {
			return err
		}
		w.space()
		if w.i >= len(w.b) {
			return errUnexpected{}
		}
		switch w.b[w.i] {
		case ',':
			w.i++
		case ']':
			w.i++
			w.out = append(w.out, ']')
			return nil
		default:
			return errUnexpected{}
		}
	}
}

// strBytes reads a string token, as a slice of b when it needs no decoding;
// one with escapes or invalid UTF-8 is decoded by encoding/json, which also
// replaces what is not UTF-8.
func (w *shapeWriter) strBytes() ([]byte, error) {
	start := w.i
	plain := true
	for j := start + 1; j < len(w.b); j++ {
		switch c := w.b[j]; {
		case c == '"':
			w.i = j + 1
			in := w.b[start+1 : j]
			if plain && utf8.Valid(in) {
				return in, nil
			}
			var s string
			if err := json.Unmarshal(w.b[start:w.i], &s); err != nil {
				return nil, errUnexpected{}
			}
			return []byte(s), nil
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return nil, errUnexpected{}
		}
	}
	return nil, errUnexpected{}
}

// shaped reports whether s is already what sanitizeText and truncate to
// limit make of it (no markup, no invisible character, valid UTF-8, short
// enough), so it is written as it is, without building strings from it.
func shaped(s []byte, limit int) bool {
	if len(s) > limit && utf8.RuneCount(s) > limit || looksLikeHTML(s) {
		return false
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				return false // ASCII controls are invisible
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && n == 1 || invisible(r) {
			return false
		}
		i += n
	}
	return true
}

// appendJSONString appends s as encoding/json writes it without HTML
// escaping. Sanitised text is valid UTF-8 with no control characters but
// newline and tab, so the rest (other controls, U+2028 and U+2029, invalid
// bytes) is left to encoding/json itself.
func appendJSONString(dst, s []byte) []byte {
	slow := !utf8.Valid(s)
	for i := 0; i < len(s) && !slow; i++ {
		c := s[i]
		slow = c < 0x20 && c != '\n' && c != '\t' && c != '\r' ||
			c == 0xE2 && (bytes.HasPrefix(s[i:], []byte("\u2028")) || bytes.HasPrefix(s[i:], []byte("\u2029")))
	}
	if slow {
		b, _ := encodeValue(string(s))
		return append(dst, b...)
	}
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		var esc byte
		switch s[i] {
		case '"':
			esc = '"'
		case '\\':
			esc = '\\'
		case '\n':
			esc = 'n'
		case '\t':
			esc = 't'
		case '\r':
			esc = 'r'
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '\\', esc)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
