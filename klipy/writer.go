package klipy

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"time"
	"unicode/utf8"
)

// This file is the strict writer of records: the contract's field names
// in a fixed order, empty fields omitted, then every Extra field.

// objWriter writes a JSON object: known fields first in a fixed order, empty
// ones omitted, then the Extra fields in key order. Its methods append to
// the caller's buffer and return it, so that a record is written in a
// buffer on the caller's stack and copied out once, at its size (bytes);
// the names written are kept in an array (a map once there are many).
// Neither costs an allocation for a usual record.
type objWriter struct {
	names   [fewNames]string
	n       int             // names written
	many    map[string]bool // every name, once there are more than fewNames
	compact bytes.Buffer
	err     error
}

const fewNames = 32

// key appends name as the object's next key and reports true, or false
// (appending nothing) when name was written already.
func (w *objWriter) key(b []byte, name string) ([]byte, bool) {
	if w.written(name) {
		return b, false
	}
	if w.n > 0 {
		b = append(b, ',')
	}
	w.note(name)
	b = appendString(b, name)
	return append(b, ':'), true
}

// note remembers that name was written.
func (w *objWriter) note(name string) {
	w.n++
	switch {
	case w.many != nil:
		w.many[name] = true
	case w.n <= fewNames:
		w.names[w.n-1] = name
	default:
		w.many = make(map[string]bool, 2*w.n)
		for _, n := range w.names {
			w.many[n] = true
		}
		w.many[name] = true
	}
}

// written reports whether name has been written already.
func (w *objWriter) written(name string) bool {
	if w.many != nil {
		return w.many[name]
	}
	return slices.Contains(w.names[:w.n], name)
}

func (w *objWriter) raw(b []byte, name string, v []byte) []byte {
	b, ok := w.key(b, name)
	if ok {
		b = append(b, v...)
	}
	return b
}

// appendString appends s as a JSON string, byte for byte as json.Marshal
// writes it: directly when nothing in it needs escaping, else by Marshal.
func appendString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			b, _ := json.Marshal(s) // a string always marshals
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

func (w *objWriter) value(b []byte, name string, v any) []byte {
	m, err := json.Marshal(v)
	if err != nil {
		w.err = errors.Join(w.err, err)
		return b
	}
	return w.raw(b, name, m)
}

func (w *objWriter) str(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b, ok := w.key(b, name)
	if ok {
		b = appendString(b, v)
	}
	return b
}

func (w *objWriter) strs(b []byte, name string, v []string) []byte {
	if len(v) == 0 {
		return b
	}
	return w.value(b, name, v)
}

func (w *objWriter) time(b []byte, name string, t Time) []byte {
	if t.IsZero() {
		return b
	}
	b, ok := w.key(b, name)
	if ok {
		b = t.appendJSON(b)
	}
	return b
}

func (w *objWriter) extra(b []byte, m map[string]json.RawMessage) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w.compact.Reset()
		if err := json.Compact(&w.compact, m[k]); err != nil {
			w.err = errors.Join(w.err, err)
			continue
		}
		b = w.raw(b, k, w.compact.Bytes())
	}
	return b
}

// bytes closes the object b (which starts with its '{') and returns a
// copy of it that owns its memory.
func (w *objWriter) bytes(b []byte) ([]byte, error) {
	if w.err != nil {
		return nil, w.err
	}
	out := make([]byte, len(b)+1)
	copy(out, b)
	out[len(b)] = '}'
	return out, nil
}

// MarshalJSON writes RFC 3339 in UTC, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return t.appendJSON(nil), nil
}

// appendJSON appends the non-zero t as a quoted RFC 3339 string (which
// needs no escaping).
func (t Time) appendJSON(dst []byte) []byte {
	dst = append(dst, '"')
	dst = t.UTC().AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}
