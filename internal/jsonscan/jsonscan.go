// Package jsonscan checks JSON text by the grammar encoding/json accepts
// (json.Valid) without building anything. The fast paths of the Klipy client
// and of the HTTP host use it to validate a body and find what they need in
// one pass over its bytes; each function reports -1 at the first byte
// json.Valid would refuse.
package jsonscan

// MaxDepth is encoding/json's bound on nesting: json.Valid refuses text
// that opens more objects and arrays than this.
const MaxDepth = 10000

// SkipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// Value returns the end of the valid JSON value at b[i], or -1 when there is
// none or it opens more than room nested objects and arrays.
func Value(b []byte, i, room int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '{':
		return object(b, i, room)
	case c == '[':
		return array(b, i, room)
	case c == '"':
		end, _ := String(b, i)
		return end
	case c == '-' || isDigit(c):
		return Number(b, i)
	case c == 't':
		return Literal(b, i, "true")
	case c == 'f':
		return Literal(b, i, "false")
	case c == 'n':
		return Literal(b, i, "null")
	}
	return -1
}

func object(b []byte, i, room int) int { return Members(b, i, room, anyMember) }

func anyMember([]byte, bool, []byte) bool { return true }

func array(b []byte, i, room int) int {
	if room <= 0 {
		return -1
	}
	if i = SkipSpace(b, i+1); i < len(b) && b[i] == ']' {
		return i + 1
	}
	for {
		if i = Value(b, i, room-1); i < 0 {
			return -1
		}
		if i = SkipSpace(b, i); i < len(b) && b[i] == ',' {
			i = SkipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == ']' {
			return i + 1
		}
		return -1
	}
}

// String returns the end of the valid JSON string at b[i] (-1 when it is
// not one) and whether it holds an escape. Like encoding/json, it takes any
// byte from 0x20 up, invalid UTF-8 included.
func String(b []byte, i int) (int, bool) {
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

// stringStop marks the bytes String must look at: the quote, the backslash
// and control characters.
var stringStop = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

func isHex(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Number returns the end of the JSON number at b[i], -1 when there is none.
// What follows it is the caller's grammar to check.
func Number(b []byte, i int) int {
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

// Literal returns the end of word at b[i], -1 when it is not there.
func Literal(b []byte, i int, word string) int {
	if len(b)-i < len(word) || string(b[i:i+len(word)]) != word {
		return -1
	}
	return i + len(word)
}

// Members walks the object at b[i] (after any white space), calling member
// with each key's text (without its quotes, escapes left as they are),
// whether the key holds an escape, and the bytes of its value, in order. It
// returns the end of the object, or -1 where json.Valid would refuse it or
// once member returns false (the caller then knows what it wanted).
func Members(b []byte, i, room int, member func(key []byte, escaped bool, value []byte) bool) int {
	if i = SkipSpace(b, i); i >= len(b) || b[i] != '{' || room <= 0 {
		return -1
	}
	if i = SkipSpace(b, i+1); i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return -1
		}
		keyEnd, escaped := String(b, i)
		if keyEnd < 0 {
			return -1
		}
		key := b[i+1 : keyEnd-1]
		if i = SkipSpace(b, keyEnd); i >= len(b) || b[i] != ':' {
			return -1
		}
		start := SkipSpace(b, i+1)
		if i = Value(b, start, room-1); i < 0 || !member(key, escaped, b[start:i]) {
			return -1
		}
		if i = SkipSpace(b, i); i < len(b) && b[i] == ',' {
			i = SkipSpace(b, i+1)
			continue
		}
		if i < len(b) && b[i] == '}' {
			return i + 1
		}
		return -1
	}
}
