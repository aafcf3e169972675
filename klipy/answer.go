package klipy

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/klipy-ai/klipy-mcp/internal/jsonscan"
)

// This file is the fast path of reading a single-record answer: one pass
// over the body validates it, finds the envelope's members and splits the
// record into its members, in memory the caller provides (an answer without
// an envelope, the record itself, is split in a second pass). Anything it does
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
	start := jsonscan.SkipSpace(body, 0)
	if start >= len(body) || body[start] != '{' {
		return nil, nil, false
	}
	i := jsonscan.SkipSpace(body, start+1)
	if i < len(body) && body[i] == '}' {
		i++
	} else {
		for {
			if i >= len(body) || body[i] != '"' {
				return nil, nil, false
			}
			end, escaped := jsonscan.String(body, i)
			if end < 0 || escaped {
				return nil, nil, false
			}
			key := body[i+1 : end-1]
			if i = jsonscan.SkipSpace(body, end); i >= len(body) || body[i] != ':' {
				return nil, nil, false
			}
			i = jsonscan.SkipSpace(body, i+1)
			if rec, i = top.member(body, key, i, buf, rec); i < 0 {
				return nil, nil, false
			}
			if i = jsonscan.SkipSpace(body, i); i < len(body) && body[i] == ',' {
				i = jsonscan.SkipSpace(body, i+1)
				continue
			}
			if i >= len(body) || body[i] != '}' {
				return nil, nil, false
			}
			i++
			break
		}
	}
	if jsonscan.SkipSpace(body, i) != len(body) {
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
			rec, end = scanObject(body, i, buf[:0])
		} else {
			end = jsonscan.Value(body, i, maxScanDepth)
		}
		if end >= 0 {
			top.data = body[i:end:end]
		}
		return rec, end
	case "id":
		top.hasID = true
	}
	if end = jsonscan.Value(body, i, maxScanDepth); end >= 0 {
		switch string(key) {
		case "meta":
			top.meta = body[i:end:end]
		case "success":
			top.success = body[i:end:end]
		}
	}
	return rec, end
}

// scanObject returns the end of the valid object at b[i] (-1 when it is not
// one) and its members appended to dst, keys unescaped as splitObject does.
// The object is the answer's data, one level into it.
func scanObject(b []byte, i int, dst fields) (fields, int) {
	end := jsonscan.Members(b, i, maxScanDepth, func(key []byte, escaped bool, value []byte) bool {
		if escaped || !utf8.Valid(key) {
			key = unquoteKey(append(append([]byte{'"'}, key...), '"'))
		}
		dst = append(dst, member{key[:len(key):len(key)], value[:len(value):len(value)]})
		return true
	})
	return dst, end
}
