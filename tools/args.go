package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// argError is an invalid-argument failure phrased for the model.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

func invalidArg(name, rule string, args ...any) *argError {
	return &argError{msg: fmt.Sprintf("Invalid argument %q: %s.", name, fmt.Sprintf(rule, args...))}
}

// compileInput compiles tool's published input schema for argument
// validation. Formats are asserted with the checks the messages describe
// (an empty string is "not given" and passes).
func compileInput(tool string) (*jsonschema.Schema, error) {
	raw, err := schema.Input(tool)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("input schema of %s: %w", tool, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.RegisterFormat(&jsonschema.Format{Name: "email", Validate: stringFormat(validEmail)})
	c.RegisterFormat(&jsonschema.Format{Name: "date-time", Validate: stringFormat(validTime)})
	c.RegisterFormat(&jsonschema.Format{Name: "uri", Validate: stringFormat(validURL)})
	loc := "mem:///" + schema.FileName(tool, "input")
	if err := c.AddResource(loc, doc); err != nil {
		return nil, fmt.Errorf("input schema of %s: %w", tool, err)
	}
	sch, err := c.Compile(loc)
	if err != nil {
		return nil, fmt.Errorf("input schema of %s: %w", tool, err)
	}
	return sch, nil
}

func stringFormat(valid func(string) bool) func(any) error {
	return func(v any) error {
		if s, ok := v.(string); ok && s != "" && !valid(s) {
			return errors.New("invalid")
		}
		return nil
	}
}

// decodeArgs validates the arguments against tool's input schema, after the
// leniency layer (lenient), and decodes them into into. Arguments that are
// plainly valid as they come (plainSchema.assign) are set without either.
func decodeArgs(tool string, arguments any, into any) error {
	if args, ok := arguments.(map[string]any); ok && plainInput(tool).assign(args, into) {
		return nil
	}
	sch, err := inputSchema(tool)
	if err != nil {
		return err
	}
	return decodeWith(sch, arguments, into)
}

// decodeWith is decodeArgs with the compiled schema at hand.
func decodeWith(sch *jsonschema.Schema, arguments any, into any) error {
	args, err := argumentMap(arguments)
	if err != nil {
		return err
	}
	clean, err := lenient(sch, args)
	if err != nil {
		return err
	}
	if err := sch.Validate(clean); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		return friendly(sch, clean, ve)
	}
	for _, r := range sch.Required {
		if clean[r] == "" {
			return invalidArg(r, "is required") // an empty id or title is as good as none
		}
	}
	if assignFlat(clean, into) {
		return nil
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

// argumentMap accepts the arguments as an object, a JSON string holding one,
// or nothing.
func argumentMap(arguments any) (map[string]any, error) {
	var s []byte
	switch a := arguments.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return a, nil
	case string:
		s = []byte(a)
	case json.RawMessage:
		s = a
	case []byte:
		s = a
	default:
		return nil, &argError{msg: "Invalid arguments: expected a JSON object of named arguments."}
	}
	if len(bytes.TrimSpace(s)) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(s, &m); err != nil {
		return nil, &argError{msg: "Invalid arguments: expected a JSON object of named arguments."}
	}
	return m, nil
}

// lenient is the leniency layer: what models send that the schema does not
// allow but means one thing. Null is absent, and so is an empty required
// string; integers may come as numeric strings, booleans as "true" or
// "false", objects and arrays as JSON text. Everything else is left for the
// validator, except one rule JSON Schema cannot state: an integer must be
// exact in a float64 (below 2^53), so it means the same to every client.
// The map it returns holds the arguments' text cleaned by cleanArgument.
func lenient(sch *jsonschema.Schema, args map[string]any) (map[string]any, error) {
	clean := make(map[string]any, len(args))
	for name, v := range args {
		p, known := sch.Properties[name]
		switch {
		case !known:
			clean[stripInvisible(name)] = cleanArgument(v)
		case v == nil:
		default:
			typ := declaredType(p)
			cv := coerce(typ, v)
			if _, isFloat := cv.(float64); isFloat && typ == "integer" {
				return nil, invalidArg(name, "must be a whole number")
			}
			clean[stripInvisible(name)] = cleanArgument(cv)
		}
	}
	return clean, nil
}

func declaredType(p *jsonschema.Schema) string {
	if p.Types == nil || p.Types.IsEmpty() {
		return ""
	}
	return p.Types.ToStrings()[0]
}

// coerce converts v to the JSON type typ, where that is unambiguous.
func coerce(typ string, v any) any {
	switch typ {
	case "integer":
		switch n := v.(type) {
		case float64:
			if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
				return int64(n)
			}
		case json.Number:
			if i, err := n.Int64(); err == nil {
				return i
			}
		case string:
			if i, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64); err == nil {
				return i
			}
		}
	case "boolean":
		if s, ok := v.(string); ok {
			if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
				return b
			}
		}
	case "object", "array":
		if s, ok := v.(string); ok {
			var d any
			if json.Unmarshal([]byte(s), &d) == nil {
				return d
			}
		}
	}
	return v
}
