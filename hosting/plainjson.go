package hosting

import "github.com/klipy-ai/klipy-mcp/internal/jsonscan"

// plainScanner reads JSON without escapes (the caller has made sure the
// text has no backslash) in one pass, checking it by the grammar
// encoding/json checks (jsonscan, as json.Valid): so inspect validates a
// body and finds its method and tool name in one scan instead of json.Valid
// and a second walk. It walks the objects whose members the caller wants
// itself and leaves every other value to jsonscan. Every method reports
// false at the first byte json.Valid would refuse. FuzzInspect and
// TestInspectDepth compare inspect, which uses it, with json.Unmarshal.
type plainScanner struct {
	b     []byte
	i     int
	depth int // open objects: the values within them may nest that much less
}

// end reports whether only white space is left.
func (s *plainScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

func (s *plainScanner) space() { s.i = jsonscan.SkipSpace(s.b, s.i) }

// peek returns the next byte, or 0 at the end.
func (s *plainScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// value reads one value.
func (s *plainScanner) value() bool {
	end := jsonscan.Value(s.b, s.i, jsonscan.MaxDepth-s.depth)
	if end < 0 {
		return false
	}
	s.i = end
	return true
}

// str reads a string without escapes and returns its text (without the
// quotes).
func (s *plainScanner) str() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	end, escaped := jsonscan.String(s.b, s.i)
	if end < 0 || escaped { // escapes are the caller's to rule out
		return nil, false
	}
	text := s.b[s.i+1 : end-1]
	s.i = end
	return text, true
}

// object reads an object, calling member with each key once the scanner is
// at the key's value; member must read the value.
func (s *plainScanner) object(member func(key []byte) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.depth++ // never near jsonscan.MaxDepth: inspect opens two objects
	s.i++
	s.space()
	if s.peek() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		key, ok := s.str()
		if !ok {
			return false
		}
		s.space()
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.space()
		if !member(key) {
			return false
		}
		s.space()
		switch s.peek() {
		case ',':
			s.i++
			s.space()
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}
