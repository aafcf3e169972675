package tools

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/klipy-ai/klipy-mcp/schema"
)

// assignFlat sets the fields of into, a pointer to an argument struct whose
// fields are all strings, bools and ints, from validated arguments, as
// json.Unmarshal of their JSON would; it reports false, having set nothing,
// when it cannot be sure of that (another field type, a key that is not
// exactly a field's JSON name, a value of another type), and decodeWith
// then goes the long way. It spares an encoding and a decoding per call.
func assignFlat(args map[string]any, into any) bool {
	rv := reflect.ValueOf(into)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return false
	}
	fields := flatFieldsOf(rv.Elem().Type())
	if fields == nil {
		return false
	}
	for k, v := range args {
		f, ok := fields[k]
		if !ok {
			return false
		}
		switch f.kind {
		case reflect.String:
			_, ok = v.(string)
		case reflect.Bool:
			_, ok = v.(bool)
		case reflect.Int:
			_, ok = intValue(v)
		}
		if !ok {
			return false
		}
	}
	s := rv.Elem()
	for k, v := range args {
		f := fields[k]
		switch fv := s.Field(f.index); f.kind {
		case reflect.String:
			fv.SetString(v.(string))
		case reflect.Bool:
			fv.SetBool(v.(bool))
		case reflect.Int:
			n, _ := intValue(v)
			fv.SetInt(n)
		}
	}
	return true
}

// intValue reads an integral JSON number well inside int's range: an
// int64 as lenient makes of an integer argument, or a number as decoded.
func intValue(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		if x > -1<<53 && x < 1<<53 {
			return x, true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil && n > -1<<53 && n < 1<<53 {
			return n, true
		}
	}
	return 0, false
}

type flatField struct {
	index int
	kind  reflect.Kind
}

// flatTypes caches flatFieldsOf per struct type.
var flatTypes sync.Map // reflect.Type → map[string]flatField (nil: not flat)

// flatFieldsOf returns t's fields by JSON name when every field is an
// exported string, bool or int with a plain name, else nil.
func flatFieldsOf(t reflect.Type) map[string]flatField {
	if v, ok := flatTypes.Load(t); ok {
		return v.(map[string]flatField)
	}
	fields := map[string]flatField{}
	for i := range t.NumField() {
		sf := t.Field(i)
		k := sf.Type.Kind()
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" {
			name = sf.Name
		}
		if !sf.IsExported() || sf.Anonymous || name == "-" || (k != reflect.String && k != reflect.Bool && k != reflect.Int) {
			fields = nil
			break
		}
		if _, dup := fields[name]; dup {
			fields = nil
			break
		}
		fields[name] = flatField{index: i, kind: k}
	}
	flatTypes.Store(t, fields)
	return fields
}

// plainSchema is what decodeArgs can check of a tool's arguments without
// the validator and the leniency layer: the arguments whose only rules are
// a JSON type (string, boolean or integer) and, for an integer, bounds.
type plainSchema struct {
	props    map[string]plainProp
	required []string
}

type plainProp struct {
	kind           reflect.Kind // String, Bool or Int
	min, max       float64
	hasMin, hasMax bool
}

// plainSchemaOf reads tool's published input schema. It returns nil when the
// schema has any rule at its top level besides its properties, which are
// required and that no others are allowed; a property with any rule besides
// its type, bounds and documentation is left out (such arguments always go
// through the validator).
func plainSchemaOf(tool string) *plainSchema {
	raw, err := schema.Input(tool)
	if err != nil {
		return nil
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	var doc struct {
		Type       string                                `json:"type"`
		Properties map[string]map[string]json.RawMessage `json:"properties"`
		Required   []string                              `json:"required"`
		Additional *bool                                 `json:"additionalProperties"`
	}
	if json.Unmarshal(raw, &doc) != nil || doc.Type != "object" || doc.Additional == nil || *doc.Additional {
		return nil
	}
	for k := range top {
		switch k {
		case "type", "properties", "required", "additionalProperties", "description", "title", "$schema", "$id":
		default:
			return nil
		}
	}
	ps := &plainSchema{props: map[string]plainProp{}, required: doc.Required}
	for name, p := range doc.Properties {
		if pp, ok := plainPropOf(p); ok {
			ps.props[name] = pp
		}
	}
	return ps
}

func plainPropOf(p map[string]json.RawMessage) (plainProp, bool) {
	var typ string
	if json.Unmarshal(p["type"], &typ) != nil {
		return plainProp{}, false
	}
	pp := plainProp{kind: map[string]reflect.Kind{"string": reflect.String, "boolean": reflect.Bool, "integer": reflect.Int}[typ]}
	if pp.kind == reflect.Invalid {
		return plainProp{}, false
	}
	for k, v := range p {
		switch {
		case k == "type", k == "description", k == "title", k == "default", k == "examples":
		case k == "minimum" && pp.kind == reflect.Int:
			pp.hasMin = json.Unmarshal(v, &pp.min) == nil
		case k == "maximum" && pp.kind == reflect.Int:
			pp.hasMax = json.Unmarshal(v, &pp.max) == nil
		default:
			return plainProp{}, false
		}
	}
	return pp, true
}

// assign sets into from args, as decodeWith would, when every argument is
// a plain one given with its exact type and clean text (nothing for the
// leniency layer to do, nothing for the validator to refuse) and every
// required one is given and not empty; otherwise it sets nothing and
// reports false. FuzzPlainArgs compares it with decodeWith.
func (ps *plainSchema) assign(args map[string]any, into any) bool {
	if ps == nil {
		return false
	}
	for k, v := range args {
		p, ok := ps.props[k]
		if !ok {
			return false
		}
		switch p.kind {
		case reflect.String:
			s, ok := v.(string)
			if !ok || !cleanText(s) {
				return false
			}
		case reflect.Bool:
			if _, ok := v.(bool); !ok {
				return false
			}
		case reflect.Int:
			n, ok := v.(float64)
			if !ok || n != math.Trunc(n) || math.Abs(n) >= 1<<53 || p.hasMin && n < p.min || p.hasMax && n > p.max {
				return false
			}
		}
	}
	for _, r := range ps.required {
		if v, ok := args[r]; !ok || v == "" {
			return false
		}
	}
	return assignFlat(args, into)
}

// cleanText reports whether stripInvisible leaves s as it is.
func cleanText(s string) bool { return visible(unsafe.Slice(unsafe.StringData(s), len(s))) }
