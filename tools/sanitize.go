package tools

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Text limits, in runes, for one string field of a record (list rows have
// their own, shorter ones in rows.go). Either way results stay far below
// 25,000 tokens.
const (
	recordTextLimit = 12000
	// maxResultBytes bounds a result's JSON text; larger list results are
	// reshaped with shorter fields.
	maxResultBytes = 60000
)

// invisible reports characters that render as nothing or reorder text:
// zero-width characters, bidirectional controls, word joiners, the BOM, the
// soft hyphen, tag characters (used to smuggle hidden text) and other
// control characters except tab and newline.
func invisible(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E,
		r >= 0x2060 && r <= 0x2064, r >= 0x2066 && r <= 0x2069,
		r == 0xFEFF, r == 0x00AD, r == 0x180E, r == 0x061C,
		r >= 0xE0000 && r <= 0xE007F, r >= 0xFFF9 && r <= 0xFFFB:
		return true
	}
	return unicode.IsControl(r)
}

// visible reports whether s is valid UTF-8 without an invisible character
// (what stripInvisible removes), so it may be used as it is.
func visible(s []byte) bool {
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

// sanitizeText reduces HTML to plain text and removes invisible and
// bidirectional-control characters.
func sanitizeText(s string) string {
	if looksLikeHTML(s) {
		s = htmlToText(s)
	}
	return stripInvisible(s)
}

// stripInvisible removes invisible and bidirectional-control characters
// and replaces invalid UTF-8.
func stripInvisible(s string) string {
	if strings.IndexFunc(s, invisible) >= 0 {
		s = strings.Map(func(r rune) rune {
			if invisible(r) {
				return -1
			}
			return r
		}, s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s
}

// cleanArgument cleans the text of a decoded argument the way text read
// from Klipy is cleaned, except that markup is kept (it may be meant): what
// is written upstream carries no invisible or bidi-control characters
// either.
func cleanArgument(v any) any {
	switch x := v.(type) {
	case string:
		return stripInvisible(x)
	case []any:
		for i, e := range x {
			x[i] = cleanArgument(e)
		}
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[stripInvisible(k)] = cleanArgument(e)
		}
		return out
	}
	return v
}

func looksLikeHTML[T string | []byte](s T) bool {
	for i := 0; i+1 < len(s); i++ {
		if c := s[i+1]; s[i] == '<' && (c == '/' || c == '!' || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return true
		}
	}
	return false
}

// blockTags end a line when reduced to text.
var blockTags = map[string]bool{"p": true, "br": true, "div": true, "li": true, "tr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "ul": true, "ol": true,
	"table": true, "blockquote": true, "pre": true, "hr": true}

// htmlToText keeps an HTML fragment's text, drops script and style content
// and comments, and turns block elements into line breaks.
func htmlToText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return tidyLines(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			skip += skipDelta(string(name), 1)
			if blockTags[string(name)] {
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			skip += skipDelta(string(name), -1)
			if blockTags[string(name)] {
				b.WriteByte('\n')
			}
		}
	}
}

func skipDelta(tag string, d int) int {
	if tag == "script" || tag == "style" || tag == "head" || tag == "title" {
		return d
	}
	return 0
}

// tidyLines trims each line's spaces and collapses runs of blank lines.
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := true
	for _, l := range lines {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// truncate cuts s to limit runes, ending with a marker that says how to get
// the whole text. how is called only when s is cut, so the common case
// builds no marker.
func truncate(s string, limit int, how func() string) string {
	if len(s) <= limit || utf8.RuneCountInString(s) <= limit {
		return s
	}
	r := []rune(s)
	return string(r[:limit]) + "…[truncated; " + how() + "]"
}

// shaper turns a record from the client into the JSON value results carry:
// the API's fields, unknown ones included, with every string sanitised and
// long strings truncated.
type shaper struct {
	limit int
	how   func(field string) string
}

// shape marshals v (a klipy record) and sanitises the decoded value. Results
// use shapeJSON; this is the general way it falls back on and is tested
// against.
func (sh shaper) shape(v any) (any, error) {
	b, err := marshalRecord(v)
	if err != nil {
		return nil, err
	}
	return sh.shapeDecoded(b)
}

// shapeDecoded decodes b, a record's JSON, and sanitises the value.
func (sh shaper) shapeDecoded(b []byte) (any, error) {
	m, err := decodeValue(b)
	if err != nil {
		return nil, err
	}
	return sh.walk("", m), nil
}

// marshalRecord is json.Marshal for a record that writes its own JSON,
// without Marshal's second pass over what MarshalJSON wrote (compacting and
// HTML-escaping it, which changes nothing once decoded again by shape).
func marshalRecord(v any) ([]byte, error) {
	if m, ok := v.(json.Marshaler); ok {
		if rv := reflect.ValueOf(v); rv.Kind() != reflect.Pointer || !rv.IsNil() {
			return m.MarshalJSON()
		}
	}
	return json.Marshal(v)
}

func (sh shaper) walk(field string, v any) any {
	switch x := v.(type) {
	case string:
		return truncate(sanitizeText(x), sh.limit, func() string { return sh.how(field) })
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			k = sanitizeText(k)
			out[k] = sh.walk(k, e)
		}
		return out
	case []any:
		for i, e := range x {
			x[i] = sh.walk(field, e)
		}
		return x
	}
	return v
}

// recordShaper shapes one full record.
func recordShaper() shaper {
	return shaper{limit: recordTextLimit, how: func(string) string {
		return fmt.Sprintf("%d-character limit; open the record in Klipy for the full text", recordTextLimit)
	}}
}
