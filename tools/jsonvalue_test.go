package tools

import (
	"reflect"
	"testing"
)

// FuzzDecodeValue checks decodeValue against json.Decoder with UseNumber.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range []string{`{"a":"x","b":[1,2.5e3,-0,true,false,null],"c":{"d":"\u00e9\n"}}`, `[]`, `{}`, `"s"`,
		`{"a":1,"a":2}`, "\"bad\xff\"", ` {"k" : [ {} , [] ] } `, `{"a":1}x`, `01`, `{"a":tru}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantErr := decodeStd(b)
		got, err := decodeValue(b)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("decodeValue(%q): error %v, json.Decoder: %v", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("decodeValue(%q) = %#v, json.Decoder: %#v", b, got, want)
		}
	})
}
