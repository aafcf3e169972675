package tools

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"math"
	"slices"
	"sync"
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
	sc := shapeScratchPool.Get().(*shapeScratch)
	w := shapeWriter{valueReader: valueReader{b: b}, sh: sh, out: make([]byte, 0, len(b)+len(b)/8+16), shapeScratch: sc}
	ok := w.value(nil) == nil
	if ok {
		w.space()
		ok = w.i == len(b)
	}
	sc.release()
	if ok {
		return w.out, nil
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
	*shapeScratch
	sh  shaper
	out []byte
}

// shapeScratch is the working memory of a shapeWriter, kept between calls
// (every result shapes at least one record): the members of the objects
// being written, as a stack (an object's members sit above its parent's),
// the keys that had to be decoded or sanitised, and a copy of an object's
// members while reorder rewrites them.
type shapeScratch struct {
	members []member
	keys    []byte
	moved   []byte
}

var shapeScratchPool = sync.Pool{New: func() any { return new(shapeScratch) }}

// release returns sc to the pool, unless a huge record made it outsized
// (it should not stay pinned in the pool).
func (sc *shapeScratch) release() {
	if cap(sc.members) > 1024 || cap(sc.keys) > 64<<10 || cap(sc.moved) > 64<<10 {
		return
	}
	sc.members, sc.keys, sc.moved = sc.members[:0], sc.keys[:0], sc.moved[:0]
	shapeScratchPool.Put(sc)
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
		start := w.i
		s, simple, err := w.strBytes()
		if err != nil {
			return err
		}
		if simple && len(s) <= w.sh.limit {
			w.out = append(w.out, w.b[start:w.i]...)
			return nil
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

// member is one written member of an object: where its key is (in b, or
// in keys when it had to be decoded or sanitised) and where the member (key,
// colon and value) sits in out. It holds no pointers, so sorting members
// costs no write barriers.
type member struct {
	keyAt, keyLen int
	inKeys        bool
	start, end    int
	// prefix is the key's first 8 bytes, big-endian and zero-padded:
	// most keys differ there, so most comparisons need nothing else.
	prefix uint64
}

func keyPrefix(k []byte) uint64 {
	var p [8]byte
	copy(p[:], k)
	return binary.BigEndian.Uint64(p[:])
}

// compare orders members by key as bytes.Compare does.
func (w *shapeWriter) compare(a, b member) int {
	if a.prefix != b.prefix {
		return cmp.Compare(a.prefix, b.prefix)
	}
	return bytes.Compare(w.key(a), w.key(b))
}

// key returns m's key.
func (w *shapeWriter) key(m member) []byte {
	if m.inKeys {
		return w.keys[m.keyAt : m.keyAt+m.keyLen]
	}
	return w.b[m.keyAt : m.keyAt+m.keyLen]
}

// object writes the members as they come and, when their keys are not
// already in encoding/json's order (sorted, each once), rewrites them in
// that order, the last of equal keys winning as in a decoded map.
func (w *shapeWriter) object() error {
	w.i++ // {
	open := len(w.out)
	w.out = append(w.out, '{')
	base := len(w.members)
	ordered := true
	w.space()
	if w.i < len(w.b) && w.b[w.i] == '}' {
		w.i++
		w.out = append(w.out, '}')
		return nil
	}
	// On an error the writer is abandoned (shapeJSON goes the general
	// way), so only a finished object takes its members off the stack.
	for {
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != '"' {
			return errUnexpected{}
		}
		keyStart := w.i
		k, simple, err := w.strBytes()
		if err != nil {
			return err
		}
		token := w.b[keyStart:w.i]
		m := member{keyAt: keyStart + 1, keyLen: len(k), prefix: keyPrefix(k)}
		if !simple {
			if !shaped(k, math.MaxInt) {
				k = []byte(sanitizeText(string(k)))
			}
			m = member{keyAt: len(w.keys), keyLen: len(k), inKeys: true, prefix: keyPrefix(k)}
			w.keys = append(w.keys, k...)
		}
		w.space()
		if w.i >= len(w.b) || w.b[w.i] != ':' {
			return errUnexpected{}
		}
		w.i++
		if len(w.members) > base {
			w.out = append(w.out, ',')
			ordered = ordered && w.compare(w.members[len(w.members)-1], m) < 0
		}
		m.start = len(w.out)
		if simple {
			w.out = append(w.out, token...)
		} else {
			w.out = appendJSONString(w.out, k)
		}
		w.out = append(w.out, ':')
		if err := w.value(k); err != nil {
			return err
		}
		m.end = len(w.out)
		w.members = append(w.members, m)
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
				w.reorder(open, w.members[base:])
			}
			w.members = w.members[:base]
			w.out = append(w.out, '}')
			return nil
		default:
			return errUnexpected{}
		}
	}
}

// insertionSortMax is the most members reorder sorts by insertion.
const insertionSortMax = 32

// reorder rewrites the members written after out[open] ('{') sorted by
// key, keeping the last of equal keys.
func (w *shapeWriter) reorder(open int, ms []member) {
	w.moved = append(w.moved[:0], w.out[open:]...)
	written := w.moved
	// Stable, so that the last of equal keys stays last. A record's own
	// objects have a few dozen members, which an insertion sort orders
	// without the generic sort's overhead; an object of the API's own
	// (custom fields) can be of any size, and gets O(n log n).
	if len(ms) <= insertionSortMax {
		for i := 1; i < len(ms); i++ {
			for j := i; j > 0 && w.compare(ms[j-1], ms[j]) > 0; j-- {
				ms[j-1], ms[j] = ms[j], ms[j-1]
			}
		}
	} else {
		slices.SortStableFunc(ms, w.compare)
	}
	w.out = append(w.out[:open], '{')
	first := true
	for i, m := range ms {
		if i+1 < len(ms) && w.compare(ms[i+1], m) == 0 {
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
// replaces what is not UTF-8. simple reports a token of printable ASCII
// without '\\' or '<', the usual id, name or date: sanitising leaves it as
// it is and encoding/json writes it back unchanged, so the token itself is
// its shaped form (when within the length limit).
func (w *shapeWriter) strBytes() (s []byte, simple bool, err error) {
	start := w.i
	plain, ascii := true, true
	for j := start + 1; j < len(w.b); j++ {
		c := w.b[j]
		if plainASCII[c] {
			continue
		}
		switch {
		case c == '"':
			w.i = j + 1
			in := w.b[start+1 : j]
			if plain && (ascii || utf8.Valid(in)) {
				return in, ascii, nil
			}
			var s string
			if err := json.Unmarshal(w.b[start:w.i], &s); err != nil {
				return nil, false, errUnexpected{}
			}
			return []byte(s), false, nil
		case c == '\\':
			plain = false
			j++
		case c < 0x20:
			return nil, false, errUnexpected{}
		}
		ascii = false
	}
	return nil, false, errUnexpected{}
}

// plainASCII holds the bytes of a simple string (see strBytes).
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<'
	}
	return t
}()

// shaped reports whether s is already what sanitizeText and truncate to
// limit make of it (no markup, no invisible character, valid UTF-8, short
// enough), so it is written as it is, without building strings from it.
func shaped(s []byte, limit int) bool {
	if len(s) > limit && utf8.RuneCount(s) > limit || looksLikeHTML(s) {
		return false
	}
	return visible(s)
}

// appendJSONString appends s as encoding/json writes it without HTML
// escaping, in one pass: '"', '\\' and control characters escaped
// (jsonEscape), bytes that are not UTF-8 as \ufffd, and U+2028 and U+2029
// escaped too. FuzzAppendJSONString compares it with encoding/json.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	done := 0 // s[:done] is written
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if e := jsonEscape[c]; e != 0 {
				dst = append(dst, s[done:i-1]...)
				if e == 'u' {
					dst = append(dst, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xf])
				} else {
					dst = append(dst, '\\', e)
				}
				done = i
			}
			continue
		}
		r, n := utf8.DecodeRune(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			dst = append(append(dst, s[done:i]...), `\ufffd`...)
			done = i + n
		case r == '\u2028' || r == '\u2029':
			dst = append(append(dst, s[done:i]...), '\\', 'u', '2', '0', '2', hexDigit[r&0xf])
			done = i + n
		}
		i += n
	}
	dst = append(dst, s[done:]...)
	return append(dst, '"')
}

// jsonEscape is how encoding/json writes each ASCII byte in a string: 0 as
// it is, 'u' as \u00XX, any other letter after a backslash.
var jsonEscape = func() (t [utf8.RuneSelf]byte) {
	for c := range 0x20 {
		t[c] = 'u'
	}
	t['"'], t['\\'] = '"', '\\'
	t['\b'], t['\f'], t['\n'], t['\r'], t['\t'] = 'b', 'f', 'n', 'r', 't'
	return t
}()

const hexDigit = "0123456789abcdef"
