package tools

import (
	"encoding/json"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// prop is what argument checking needs from one property of a flat input
// schema.
type prop struct {
	Type      string   `json:"type"`
	Enum      []string `json:"enum"`
	Minimum   *float64 `json:"minimum"`
	Maximum   *float64 `json:"maximum"`
	MinLength *int     `json:"minLength"`
	MaxLength *int     `json:"maxLength"`
	Format    string   `json:"format"`
}

// argSpec is a tool's parsed input schema.
type argSpec struct {
	Properties map[string]prop `json:"properties"`
	Required   []string        `json:"required"`
	names      []string
}

var specs sync.Map // tool name → *argSpec

func specFor(tool string) (*argSpec, error) {
	if v, ok := specs.Load(tool); ok {
		return v.(*argSpec), nil
	}
	raw, err := schema.Input(tool)
	if err != nil {
		return nil, err
	}
	sp := new(argSpec)
	if err := json.Unmarshal(raw, sp); err != nil {
		return nil, fmt.Errorf("schema of %s: %w", tool, err)
	}
	for n := range sp.Properties {
		sp.names = append(sp.names, n)
	}
	slices.Sort(sp.names)
	specs.Store(tool, sp)
	return sp, nil
}

// argError is an invalid-argument failure phrased for the model.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

func invalidArg(name, rule string, args ...any) *argError {
	return &argError{msg: fmt.Sprintf("Invalid argument %q: %s.", name, fmt.Sprintf(rule, args...))}
}

// decodeArgs checks req's arguments against tool's input schema, leniently
// (JSON-encoded objects and arrays, numeric strings for integers, "true" and
// "false" for booleans, null as absent), and decodes them into into.
func decodeArgs(tool string, arguments any, into any) error {
	sp, err := specFor(tool)
	if err != nil {
		return err
	}
	args, err := argumentMap(arguments)
	if err != nil {
		return err
	}
	clean := make(map[string]any, len(args))
	for name, v := range args {
		p, ok := sp.Properties[name]
		if !ok {
			return &argError{msg: fmt.Sprintf("Unknown argument %q. Valid arguments: %s.", name, validNames(sp))}
		}
		if v == nil {
			continue
		}
		cv, err := coerce(name, p, v)
		if err != nil {
			return err
		}
		if err := check(name, p, cv); err != nil {
			return err
		}
		clean[name] = cv
	}
	for _, r := range sp.Required {
		if s, present := clean[r]; !present || s == "" {
			return invalidArg(r, "is required")
		}
	}
	b, err := json.Marshal(clean)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, into); err != nil {
		return &argError{msg: "Invalid arguments: " + err.Error() + "."}
	}
	return nil
}

func validNames(sp *argSpec) string {
	if len(sp.names) == 0 {
		return "none (this tool takes no arguments)"
	}
	return strings.Join(sp.names, ", ")
}

// argumentMap accepts the arguments as an object, a JSON string holding one,
// or nothing.
func argumentMap(arguments any) (map[string]any, error) {
	switch a := arguments.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return a, nil
	case string, json.RawMessage, []byte:
		var s []byte
		switch v := a.(type) {
		case string:
			s = []byte(v)
		case json.RawMessage:
			s = v
		case []byte:
			s = v
		}
		if len(strings.TrimSpace(string(s))) == 0 {
			return nil, nil
		}
		var m map[string]any
		if err := json.Unmarshal(s, &m); err != nil {
			return nil, &argError{msg: "Invalid arguments: expected a JSON object of named arguments."}
		}
		return m, nil
	default:
		return nil, &argError{msg: "Invalid arguments: expected a JSON object of named arguments."}
	}
}

// coerce converts v to the JSON type p declares, where that is unambiguous.
func coerce(name string, p prop, v any) (any, error) {
	switch p.Type {
	case "string":
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, invalidArg(name, "must be a string")
	case "integer":
		return coerceInt(name, v)
	case "boolean":
		switch b := v.(type) {
		case bool:
			return b, nil
		case string:
			if pb, err := strconv.ParseBool(strings.TrimSpace(b)); err == nil {
				return pb, nil
			}
		}
		return nil, invalidArg(name, "must be true or false")
	case "object", "array":
		if s, ok := v.(string); ok {
			var d any
			if err := json.Unmarshal([]byte(s), &d); err != nil {
				return nil, invalidArg(name, "must be a JSON %s", p.Type)
			}
			return d, nil
		}
	}
	return v, nil
}

func coerceInt(name string, v any) (any, error) {
	switch n := v.(type) {
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), nil
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
	case string:
		if i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64); err == nil {
			return i, nil
		}
	case int, int64:
		return n, nil
	}
	return nil, invalidArg(name, "must be a whole number")
}

// check applies p's rules (enum, bounds, lengths, formats) to v.
func check(name string, p prop, v any) error {
	switch x := v.(type) {
	case int64:
		return checkBounds(name, p, float64(x))
	case int:
		return checkBounds(name, p, float64(x))
	case string:
		return checkString(name, p, x)
	}
	return nil
}

func checkBounds(name string, p prop, n float64) error {
	switch {
	case p.Minimum != nil && p.Maximum != nil && (n < *p.Minimum || n > *p.Maximum):
		return invalidArg(name, "must be between %v and %v (got %v)", *p.Minimum, *p.Maximum, n)
	case p.Minimum != nil && n < *p.Minimum:
		return invalidArg(name, "must be at least %v (got %v)", *p.Minimum, n)
	case p.Maximum != nil && n > *p.Maximum:
		return invalidArg(name, "must be at most %v (got %v)", *p.Maximum, n)
	}
	return nil
}

func checkString(name string, p prop, s string) error {
	n := utf8.RuneCountInString(s)
	if p.MinLength != nil && n < *p.MinLength {
		return invalidArg(name, "must not be empty")
	}
	if p.MaxLength != nil && n > *p.MaxLength {
		return invalidArg(name, "must be at most %d characters (got %d)", *p.MaxLength, n)
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
		return invalidArg(name, "must be one of %s (got %q)", strings.Join(p.Enum, ", "), clip(s, 40))
	}
	if s == "" {
		return nil
	}
	switch p.Format {
	case "email":
		if !validEmail(s) {
			return invalidArg(name, "must be an email address like jordan@example.com (got %q)", clip(s, 80))
		}
	case "date-time":
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			return invalidArg(name, "must be an RFC 3339 time like 2026-05-01T14:30:00Z (got %q)", clip(s, 60))
		}
	case "uri":
		if u, err := url.Parse(s); err != nil || u.Scheme == "" || u.Host == "" {
			return invalidArg(name, "must be an absolute URL like https://example.com/x (got %q)", clip(s, 80))
		}
	}
	return nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// clip shortens s for quoting in a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
