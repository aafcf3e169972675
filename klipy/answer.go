package klipy

import (
	"encoding/json"
	"unicode/utf8"
)

// This file is the fast path of reading a single-record answer: one pass
// over the body validates it, finds the envelope's members and splits the
// record into its members, in memory the caller provides. Anything it does
// not expect (an answer that is not an object, escaped envelope keys,
// {"success": false}, a record that is not an object, deep nesting) it
// leaves to the general reader, unwrap and decodeValid, which it agrees
// with on everything it accepts (FuzzAnswerScan).

// maxScanDepth bounds the nesting the fast path follows; deeper answers
// take the general path, whose limits are encoding/json's.
const maxScanDepth = 64

// answerTop is what the outer object of an answer says about the envelope.
type answerTop struct {
	meta    json.RawMessage // nil when absent
	success json.RawMessage
	data    json.RawMessage
	dataObj bool // data is an object, split into the record
	hasID   bool // the outer object has an "id" of its own
}

// readAnswer scans a single-record answer and returns the record's
// members, appended to buf, and the envelope; false when the general
// reader must decide. A caller passing a buffer on its stack reads a usual
// record without allocating for its members.
func readAnswer(body []byte, buf fields) (fields, envelope, bool) {
	var top answerTop
	obj, rec, ok := scanAnswer(body, buf, &top)
	if !ok || (top.success != nil && string(top.success) != "true") {
		return nil, envelope{}, false
	}
	env := envelope{meta: top.meta}
	switch {
	case top.data != nil && !top.hasID && top.dataObj:
		env.payload = top.data
		return rec, env, true
	case top.data != nil && !top.hasID:
		return nil, envelope{}, false // null, a list, a scalar: errors or UnmarshalJSON
	}
	env.payload = obj // no envelope: the answer is the record
	return splitObject(buf, obj), env, true
}

// scanAnswer validates body, which must be one object, notes in top the
// members the envelope is read from, and splits data into buf when it is
// an object. It returns the object without the space around it.
func scanAnswer(body []byte, buf fields, top *answerTop) (obj []byte, rec fields, ok bool) {
	start := skipSpace(body, 0)
	if start >= len(body) || body[start] != '{' {
		return nil, nil, false
	}
	i := skipSpace(body, start+1)
	if i < len(body) && body[i] == '}' {
		i++
	} else {
		for {
			if i >= len(body) || body[i] != '"' {
				return nil, nil, false
			}
			end, escaped := validString(body, i)
			if end < 0 || escaped {
				return nil, nil, false
			}
			key := body[i+1 : end-1]
			if i = skipSpace(body, end); i >= len(body) || body[i] != ':' {
				return nil, nil, false
			}
			i = skipSpace(body, i+1)
			if rec, i = top.member(body, key, i, buf, rec); i < 0 {
				return nil, nil, false
			}
			if i = skipSpace(body, i); i < len(body) && body[i] == ',' {
				i = skipSpace(body, i+1)
				continue
			}
			if i >= len(body) || body[i] != '}' {
				return nil, nil, false
			}
			i++
			break
		}
	}
	if skipSpace(body, i) != len(body) {
		return nil, nil, false
	}
	return body[start:i], rec, true
}

// member validates the value at body[i] of the outer object's member key,
// notes it when the envelope needs it, and returns the record so far and
// the value's end (-1 when it is not valid). The last of duplicate keys
// wins, as in unwrap.
func (top *answerTop) member(body, key []byte, i int, buf, rec fields) (fields, int) {
	var end int
	switch string(key) {
	case "data":
		if top.dataObj = i < len(body) && body[i] == '{'; top.dataObj {
			rec, end = scanObject(body, i, 1, buf[:0], true)
		} else {
			end = scanValue(body, i, 1)
		}
		if end >= 0 {
			top.data = body[i:end:end]
		}
		return rec, end
	case "id":
		top.hasID = true
	}
	if end = scanValue(body, i, 1); end >= 0 {
		switch string(key) {
		case "meta":
			top.meta = body[i:end:end]
		case "success":
			top.success = body[i:end:end]
		}
	}
	return rec, end
}

// scanValue returns the end of the valid JSON value at b[i], or -1 when
// there is none or it nests deeper than maxScanDepth.
func scanValue(b []byte, i, depth int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '{':
		_, end := scanObject(b, i, depth, nil, false)
		return end
	case c == '[':
		return scanArray(b, i, depth)
	case c == '"':
		end, _ := validString(b, i)
		return end
	case c == '-' || ('0' <= c && c <= '9'):
		return validNumber(b, i)
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	}
	return -1
}

// scanObject returns the end of the valid object at b[i] (-1 when it is not
// one), and with keep its members appended to dst, keys unescaped as
// splitObject does.
func scanObject(b []byte, i, depth int, dst fields, keep bool) (fields, int) {
	if depth > maxScanDepth {
		return dst, -1
	}
	if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
		return dst, i + 1
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return dst, -1
		}
		end, escaped := validString(b, i)
		if end < 0 {
			return dst, -1
		}
		kstart := i
		if i = skipSpace(b, end); i >= len(b) || b[i] != ':' {
			return dst, -1
		}
		i = skipSpace(b, i+1)
		vstart := i
		if i = scanValue(b, i, depth+1); i < 0 {
			return dst, -1
		}
		if keep {
			key := b[kstart+1 : end-1 : end-1]
			if escaped || !utf8.Valid(key) {
				key = unquoteKey(b[kstart:end])
			}
			dst = append(dst, member{key, b[vstart:i:i]})
		}
		if i = skipSpace(b, i); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return dst, i + 1
		}
		return dst, -1
	}
}

func scanArray(b []byte, i, depth int) int {
	if depth > maxScanDepth {
		return -1
	}
	if i = skipSpace(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1
	}
	for {
		if i = scanValue(b, i, depth+1); i < 0 {
			return -1
		}
		if i = skipSpace(b, i); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == ']' {
			return i + 1
		}
		return -1
	}
}

// validString returns the end of the valid JSON string at b[i] (-1 when it
// is not one) and whether it holds an escape. Like encoding/json, it takes
// any byte from 0x20 up, invalid UTF-8 included.
func validString(b []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(b); j++ {
		for j < len(b) && !stringStop[b[j]] { // most bytes: one load and a test
			j++
		}
		if j >= len(b) {
			break
		}
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped
		case c < 0x20:
			return -1, false
		case c == '\\':
			escaped = true
			if j++; j >= len(b) {
				return -1, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(b) || !isHex(b[j+1]) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) {
					return -1, false
				}
				j += 4
			default:
				return -1, false
			}
		}
	}
	return -1, false
}

// stringStop marks the bytes validString must look at: the quote, the
// backslash and control characters.
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validNumber returns the end of the JSON number at b[i], -1 when there is
// none. What follows it is checked by the caller's grammar.
func validNumber(b []byte, i int) int {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if i++; i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		i = digits(b, i)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return -1
		}
		i = digits(b, i)
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func digits(b []byte, i int) int {
	for i < len(b) && isDigit(b[i]) {
		i++
	}
	return i
}

// literal returns the end of word at b[i], -1 when it is not there.
func literal(b []byte, i int, word string) int {
	if len(b)-i < len(word) || string(b[i:i+len(word)]) != word {
		return -1
	}
	return i + len(word)
}
