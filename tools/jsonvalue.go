package tools

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/klipy-ai/klipy-mcp/internal/jsonscan"
)

// decodeValue decodes b, valid JSON written by a record's MarshalJSON, into
// the values a json.Decoder with UseNumber would give (map[string]any,
// []any, string, json.Number, bool, nil), in one pass and without the
// decoder's reflection. Strings that need unescaping, and anything
// unexpected, go through encoding/json, so the result is always the same.
func decodeValue(b []byte) (any, error) {
	d := valueReader{b: b}
	v, err := d.value()
	if err != nil {
		return decodeStd(b)
	}
	if d.space(); d.i != len(b) {
		return decodeStd(b)
	}
	return v, nil
}

func decodeStd(b []byte) (any, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	err := d.Decode(&v)
	return v, err
}

// errUnexpected sends decodeValue to encoding/json.
type errUnexpected struct{}

func (errUnexpected) Error() string { return "unexpected JSON" }

type valueReader struct {
	b []byte
	i int
}

func (d *valueReader) space() { d.i = jsonscan.SkipSpace(d.b, d.i) }

func (d *valueReader) value() (any, error) {
	d.space()
	if d.i >= len(d.b) {
		return nil, errUnexpected{}
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == 't' || c == 'f' || c == 'n':
		return d.literal()
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return nil, errUnexpected{}
}

func (d *valueReader) object() (any, error) {
	m := map[string]any{}
	d.i++ // {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return m, nil
	}
	for {
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, errUnexpected{}
		}
		k, err := d.str()
		if err != nil {
			return nil, err
		}
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, errUnexpected{}
		}
		d.i++
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		m[k] = v
		d.space()
		if d.i >= len(d.b) {
			return nil, errUnexpected{}
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return m, nil
		default:
			return nil, errUnexpected{}
		}
	}
}

func (d *valueReader) array() (any, error) {
	a := []any{}
	d.i++ // [
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return a, nil
	}
	for {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		d.space()
		if d.i >= len(d.b) {
			return nil, errUnexpected{}
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return a, nil
		default:
			return nil, errUnexpected{}
		}
	}
}

// str reads a string; one with an escape or invalid UTF-8 is left to
// encoding/json.
func (d *valueReader) str() (string, error) {
	start := d.i
	for j := start + 1; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			in := d.b[start+1 : j]
			if !utf8.Valid(in) {
				return "", errUnexpected{}
			}
			return string(in), nil
		case c == '\\' || c < 0x20:
			return "", errUnexpected{}
		}
	}
	return "", errUnexpected{}
}

func (d *valueReader) literal() (any, error) {
	switch d.literalToken() {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return nil, errUnexpected{}
}

// literalToken reads true, false or null, or returns "" having read nothing.
func (d *valueReader) literalToken() string {
	for _, l := range [...]string{"true", "false", "null"} {
		if end := jsonscan.Literal(d.b, d.i, l); end > 0 {
			d.i = end
			return l
		}
	}
	return ""
}

func (d *valueReader) number() (any, error) {
	t, ok := d.numberToken()
	if !ok {
		return nil, errUnexpected{}
	}
	return json.Number(t), nil
}

// numberToken reads the JSON number at d.b[d.i], which starts with '-' or a
// digit, and reports whether there is one.
func (d *valueReader) numberToken() ([]byte, bool) {
	end := jsonscan.Number(d.b, d.i)
	if end < 0 {
		return nil, false
	}
	t := d.b[d.i:end]
	d.i = end
	return t, true
}
