package tools

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
