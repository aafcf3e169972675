package hosting

// plainScanner reads JSON without escapes (the caller has made sure the
// text has no backslash) in one pass, checking it by the grammar
// encoding/json checks (json.Valid): so inspect validates a body and finds
// its method and tool name in one scan instead of json.Valid and a second
// walk. Every method reports false at the first byte json.Valid would
// refuse. FuzzPlainScanner compares it with json.Valid.
type plainScanner struct {
	b     []byte
	i     int
	depth int // open objects and arrays
}

// maxDepth is encoding/json's bound on nesting (json.Valid refuses more).
const maxDepth = 10000

// valid reports whether the whole text is one JSON value.
func (s *plainScanner) valid() bool {
	s.space()
	return s.value() && s.end()
}

// end reports whether only white space is left.
func (s *plainScanner) end() bool {
	s.space()
	return s.i == len(s.b)
}

func (s *plainScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end.
func (s *plainScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// value reads one value.
func (s *plainScanner) value() bool {
	switch c := s.peek(); {
	case c == '"':
		_, ok := s.str()
		return ok
	case c == '{':
		return s.object(func([]byte) bool { return s.value() })
	case c == '[':
		return s.array()
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == 't':
		return s.word("true")
	case c == 'f':
		return s.word("false")
	case c == 'n':
		return s.word("null")
	}
	return false
}

// str reads a string and returns its text (without the quotes).
func (s *plainScanner) str() ([]byte, bool) {
	if s.peek() != '"' {
		return nil, false
	}
	start := s.i + 1
	for i := start; i < len(s.b); i++ {
		switch c := s.b[i]; {
		case c == '"':
			s.i = i + 1
			return s.b[start:i], true
		case c < 0x20 || c == '\\': // escapes are the caller's to rule out
			return nil, false
		}
	}
	return nil, false
}

// object reads an object, calling member with each key once the scanner is
// at the key's value; member must read the value.
func (s *plainScanner) object(member func(key []byte) bool) bool {
	if s.peek() != '{' || !s.enter() {
		return false
	}
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

func (s *plainScanner) array() bool {
	if !s.enter() {
		return false
	}
	s.i++ // '['
	s.space()
	if s.peek() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		if !s.value() {
			return false
		}
		s.space()
		switch s.peek() {
		case ',':
			s.i++
			s.space()
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// enter counts one more open object or array, refusing more than maxDepth.
func (s *plainScanner) enter() bool {
	s.depth++
	return s.depth <= maxDepth
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *plainScanner) number() bool {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case c >= '1' && c <= '9':
		s.digits()
	default:
		return false
	}
	if s.peek() == '.' {
		s.i++
		if !s.digits() {
			return false
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return false
		}
	}
	return true
}

// digits reads one or more digits.
func (s *plainScanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func (s *plainScanner) word(w string) bool {
	if len(s.b)-s.i < len(w) || string(s.b[s.i:s.i+len(w)]) != w {
		return false
	}
	s.i += len(w)
	return true
}
