package tools

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"unsafe"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// success returns v as structuredContent and as a compact JSON text block
// (some clients show only one of them).
func success[T any](v T) *mcp.CallToolResult {
	b, err := resultJSON(v)
	if err != nil {
		return errorResult("klipy-mcp could not encode the result (" + err.Error() + "); this is a bug, please report it.")
	}
	// structuredContent carries the same bytes as the text block, so the
	// result is encoded once rather than again by reflection on the wire.
	// The text is those bytes too, not a copy: b is new, owned by this
	// result alone, and nothing writes to it once it is made.
	return mcp.NewToolResultStructured(json.RawMessage(b), unsafe.String(unsafe.SliceData(b), len(b)))
}

// resultJSON is compactJSONBytes(v), written directly for the results of
// get_person (with or without interactions), get_company, get_interaction
// and every create or update: their fields are a record, whose JSON
// shapeJSON wrote compact (so encoding/json would copy it unchanged), and
// for a person its interaction rows. FuzzResultJSON compares the two.
func resultJSON[T any](v T) ([]byte, error) {
	var b []byte
	switch r := any(v).(type) {
	case schema.PersonResult:
		if raw, ok := r.Person.Value.(json.RawMessage); ok && raw != nil {
			b = appendPersonResult(make([]byte, 0, personResultSize(r, raw)), r, raw)
		}
	case schema.CompanyResult:
		b = appendRecordResult("company", r.Company.Value)
	case schema.InteractionResult:
		b = appendRecordResult("interaction", r.Interaction.Value)
	}
	if b == nil {
		return compactJSONBytes(v)
	}
	return klipy.RedactJSON(b), nil
}

// appendRecordResult writes {"<name>":<rec>}, or returns nil when rec is
// not shaped JSON.
func appendRecordResult(name string, rec any) []byte {
	raw, ok := rec.(json.RawMessage)
	if !ok || raw == nil {
		return nil
	}
	b := make([]byte, 0, len(`{"":}`)+len(name)+len(raw))
	b = append(b, `{"`...)
	b = append(b, name...)
	b = append(b, `":`...)
	b = append(b, raw...)
	return append(b, '}')
}

// appendPersonResult writes r, whose person is raw, as encoding/json does:
// the fields in their order, the empty ones left out, the names of
// contact_names sorted. TestResultWritersKnowEveryField fails when a field
// is added to the types without being written here.
func appendPersonResult(b []byte, r schema.PersonResult, raw json.RawMessage) []byte {
	b = append(b, `{"person":`...)
	b = append(b, raw...)
	if len(r.Interactions) > 0 {
		b = append(b, `,"interactions":[`...)
		for i, row := range r.Interactions {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendInteractionRow(b, row)
		}
		b = append(b, ']')
	}
	if len(r.ContactNames) > 0 {
		b = append(b, `,"contact_names":{`...)
		for i, id := range slices.Sorted(maps.Keys(r.ContactNames)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendText(b, id)
			b = append(b, ':')
			b = appendText(b, r.ContactNames[id])
		}
		b = append(b, '}')
	}
	b = appendOptional(b, `,"note":`, r.Note)
	if r.FilteredOut != 0 {
		b = append(b, `,"filtered_out":`...)
		b = strconv.AppendInt(b, int64(r.FilteredOut), 10)
	}
	return append(b, '}')
}

// personResultSize is how long r is once written, escapes aside (a little
// more is kept for them), so that its buffer is allocated once.
func personResultSize(r schema.PersonResult, raw json.RawMessage) int {
	n := 0
	for _, row := range r.Interactions {
		n += len(`{"id":"",}`) + len(row.ID) + memberLen("date", row.Date) + memberLen("type", row.Type) +
			memberLen("direction", row.Direction) + memberLen("title", row.Title) + memberLen("summary", row.Summary) +
			listLen("contacts", row.Contacts) + listLen("companies", row.Companies)
	}
	for id, name := range r.ContactNames {
		n += len(`"":"",`) + len(id) + len(name)
	}
	if len(r.Interactions) > 0 {
		n += len(`,"interactions":[]`)
	}
	if len(r.ContactNames) > 0 {
		n += len(`,"contact_names":{}`)
	}
	if r.FilteredOut != 0 {
		n += len(`,"filtered_out":-9223372036854775808`)
	}
	n += memberLen("note", r.Note)
	if n > 0 {
		n += n/64 + 16
	}
	return len(`{"person":}`) + len(raw) + n
}

// memberLen is the length of an omitempty string member.
func memberLen(key, s string) int {
	if s == "" {
		return 0
	}
	return len(`,"":""`) + len(key) + len(s)
}

// listLen is the length of an omitempty []string member.
func listLen(key string, ss []string) int {
	if len(ss) == 0 {
		return 0
	}
	n := len(`,"":[]`) + len(key)
	for _, s := range ss {
		n += len(`"",`) + len(s)
	}
	return n
}

func appendInteractionRow(b []byte, r schema.InteractionRow) []byte {
	b = append(b, `{"id":`...)
	b = appendText(b, r.ID)
	b = appendOptional(b, `,"date":`, r.Date)
	b = appendOptional(b, `,"type":`, r.Type)
	b = appendOptional(b, `,"direction":`, r.Direction)
	b = appendOptional(b, `,"title":`, r.Title)
	b = appendOptional(b, `,"summary":`, r.Summary)
	b = appendList(b, `,"contacts":`, r.Contacts)
	b = appendList(b, `,"companies":`, r.Companies)
	return append(b, '}')
}

// appendOptional writes an omitempty string member.
func appendOptional(b []byte, member, s string) []byte {
	if s == "" {
		return b
	}
	return appendText(append(b, member...), s)
}

// appendList writes an omitempty []string member.
func appendList(b []byte, member string, ss []string) []byte {
	if len(ss) == 0 {
		return b
	}
	b = append(append(b, member...), '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendText(b, s)
	}
	return append(b, ']')
}

// appendText is appendJSONString for a string, which it only reads.
func appendText(b []byte, s string) []byte {
	return appendJSONString(b, unsafe.Slice(unsafe.StringData(s), len(s)))
}

// compactJSON encodes v for a tool result or a resource. Every record that
// reaches the model passes here, so this is where key-looking text is
// scrubbed from it (SPEC §10): the client scrubs the raw bytes it reads, but
// a key written with JSON escapes only becomes literal once decoded.
func compactJSON(v any) (string, error) {
	b, err := compactJSONBytes(v)
	return string(b), err
}

// compactJSONBytes is compactJSON's bytes, for a caller that keeps them.
func compactJSONBytes(v any) ([]byte, error) {
	b, err := encodeValue(v)
	if err != nil {
		return nil, err
	}
	return klipy.RedactJSON(b), nil
}

// shapeOne shapes a single record for a get or write result, as the JSON
// the result carries.
func shapeOne(v any) (any, error) { return recordShaper().shapeJSON(v) }
