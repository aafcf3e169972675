package tools

import (
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// friendly phrases a validation failure for the model. Of several failures
// it names one: an unknown argument first, then a bad value (by argument
// name), then a missing required argument.
func friendly(sch *jsonschema.Schema, args map[string]any, ve *jsonschema.ValidationError) error {
	leaves := leafErrors(ve, nil)
	slices.SortStableFunc(leaves, func(a, b *jsonschema.ValidationError) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(strings.Join(a.InstanceLocation, "/"), strings.Join(b.InstanceLocation, "/"))
	})
	e := leaves[0]
	switch k := e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		return &argError{msg: fmt.Sprintf("Unknown argument %q. Valid arguments: %s.", slices.Min(k.Properties), validNames(sch))}
	case *kind.Required:
		for _, r := range sch.Required {
			if slices.Contains(k.Missing, r) {
				return invalidArg(r, "is required")
			}
		}
		return invalidArg(slices.Min(k.Missing), "is required")
	}
	name := strings.Join(e.InstanceLocation, "/")
	// A property's own schema and value; nil for a failure inside one.
	return invalidArg(name, "%s", rule(sch.Properties[name], args[name], e.ErrorKind))
}

// leafErrors flattens the validator's tree into the failures that carry a
// reason.
func leafErrors(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = leafErrors(c, out)
	}
	return out
}

func rank(e *jsonschema.ValidationError) int {
	switch e.ErrorKind.(type) {
	case *kind.AdditionalProperties:
		return 0
	case *kind.Required:
		return 2
	}
	return 1
}

// rule says what is wrong with value v of property p, from the keyword it
// failed.
func rule(p *jsonschema.Schema, v any, k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.Type:
		return typeRule(k.Want[0])
	case *kind.Enum:
		return fmt.Sprintf("must be one of %s (got %q)", joinValues(k.Want), clip(fmt.Sprint(v), 40))
	case *kind.Minimum:
		if p == nil { // inside an object or array argument
			return fmt.Sprintf("must be at least %v (got %v)", number(k.Want), number(k.Got))
		}
		return boundsRule(p, v)
	case *kind.Maximum:
		if p == nil {
			return fmt.Sprintf("must be at most %v (got %v)", number(k.Want), number(k.Got))
		}
		return boundsRule(p, v)
	case *kind.MinLength:
		if k.Want <= 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters (got %d)", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters (got %d)", k.Want, k.Got)
	case *kind.Format:
		return formatRule(k.Want, fmt.Sprint(v))
	case *kind.Pattern:
		return fmt.Sprintf("must match the pattern %s (got %q)", k.Want, clip(k.Got, 40))
	}
	return "does not satisfy the schema's " + strings.Join(k.KeywordPath(), "/") + " rule"
}

func typeRule(want string) string {
	switch want {
	case "string":
		return "must be a string"
	case "integer":
		return "must be a whole number"
	case "boolean":
		return "must be true or false"
	case "object", "array":
		return "must be a JSON " + want
	}
	return "must be a " + want
}

// boundsRule states both bounds when the schema has both.
func boundsRule(p *jsonschema.Schema, v any) string {
	n := number(v)
	switch {
	case p.Minimum != nil && p.Maximum != nil:
		return fmt.Sprintf("must be between %v and %v (got %v)", number(p.Minimum), number(p.Maximum), n)
	case p.Minimum != nil:
		return fmt.Sprintf("must be at least %v (got %v)", number(p.Minimum), n)
	default:
		return fmt.Sprintf("must be at most %v (got %v)", number(p.Maximum), n)
	}
}

// number returns v as a float64 for printing with %v.
func number(v any) any {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case *big.Rat:
		f, _ := n.Float64()
		return f
	}
	return v
}

func formatRule(format, s string) string {
	switch format {
	case "email":
		return fmt.Sprintf("must be an email address like jordan@example.com (got %q)", clip(s, 80))
	case "date-time":
		return fmt.Sprintf("must be an RFC 3339 time like 2026-05-01T14:30:00Z (got %q)", clip(s, 60))
	case "uri":
		return fmt.Sprintf("must be an absolute URL like https://example.com/x (got %q)", clip(s, 80))
	}
	return fmt.Sprintf("must be a valid %s (got %q)", format, clip(s, 80))
}

func joinValues(vs []any) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return strings.Join(out, ", ")
}

func validNames(sch *jsonschema.Schema) string {
	if len(sch.Properties) == 0 {
		return "none (this tool takes no arguments)"
	}
	names := make([]string, 0, len(sch.Properties))
	for n := range sch.Properties {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && u.Host != ""
}

// clip shortens s for quoting in a message.
func clip(s string, n int) string { return truncateShort(s, n, "…") }
