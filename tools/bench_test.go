package tools

// Benchmarks of the per-call work of a get_person tools/call, piece by
// piece, on a person of the demo workspace; bench/ has the whole call
// (BenchmarkGetPersonInProcess, BenchmarkHostGetPerson).

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

const benchPersonJSON = `{"id":"per_d1d567110f","email":"jordan.patel@acmeanalytics.example","firstName":"Jordan","lastName":"Patel","title":"Head of Data","phone":"+1 555 0100 3322","linkedin":"https://linkedin.example/in/jordan-patel","companyId":"cmp_0de099270d","remarks":"Champion for the pilot. Prefers short emails; mornings CT work best.","tags":["champion"],"createdAt":"2026-01-06T09:30:00Z","updatedAt":"2026-04-24T09:30:00Z"}`

func benchPerson(b *testing.B) *klipy.Person {
	var p klipy.Person
	if err := json.Unmarshal([]byte(benchPersonJSON), &p); err != nil {
		b.Fatal(err)
	}
	return &p
}

// BenchmarkShapePerson is shaping a person for its result (personResult).
func BenchmarkShapePerson(b *testing.B) {
	p := benchPerson(b)
	for b.Loop() {
		if _, err := personResult(p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSuccess is building the tool result of a shaped person.
func BenchmarkSuccess(b *testing.B) {
	res, err := personResult(benchPerson(b))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		success(res)
	}
}

// BenchmarkEncodeResult is mcp-go's encoding of that result in its
// response, as the stdio transport writes it (json.Marshal).
func BenchmarkEncodeResult(b *testing.B) {
	res, err := personResult(benchPerson(b))
	if err != nil {
		b.Fatal(err)
	}
	msg := mcp.NewJSONRPCResultResponse(mcp.NewRequestId(1), success(res))
	for b.Loop() {
		if _, err := json.Marshal(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeArgs is decoding get_person's usual arguments.
func BenchmarkDecodeArgs(b *testing.B) {
	args := map[string]any{"person_id": "per_d1d567110f"}
	for b.Loop() {
		var a schema.GetPersonArgs
		if err := decodeArgs("get_person", args, &a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRemember is the records cache taking a person read again.
func BenchmarkRemember(b *testing.B) {
	p := benchPerson(b)
	rc := newRecordsCache(time.Now, maxCachedKeys, maxCachedBytes)
	c, err := klipy.New(klipy.Options{BaseURL: "http://127.0.0.1:1", APIKey: "klipy_api_bench"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rc.remember(c, p)
	}
}

// BenchmarkViewMeta is the view filter on a tools/call of get_person by a
// client that declared MCP Apps.
func BenchmarkViewMeta(b *testing.B) {
	ui := mcp.ClientCapabilities{Extensions: map[string]any{UIExtension: map[string]any{}}}
	ctx := server.NewMCPServer("bench", "1").WithContext(context.Background(), benchSession{caps: ui})
	list := []mcp.Tool{{Name: "get_person"}}
	for b.Loop() {
		withViewMeta(ctx, list)
	}
}

// benchSession is a client session that has initialized with caps.
type benchSession struct{ caps mcp.ClientCapabilities }

func (benchSession) Initialize()                                         {}
func (benchSession) Initialized() bool                                   { return true }
func (benchSession) NotificationChannel() chan<- mcp.JSONRPCNotification { return nil }
func (benchSession) SessionID() string                                   { return "bench" }
func (benchSession) GetClientInfo() mcp.Implementation {
	return mcp.Implementation{Name: "bench", Version: "1"}
}
func (benchSession) SetClientInfo(mcp.Implementation)                {}
func (s benchSession) GetClientCapabilities() mcp.ClientCapabilities { return s.caps }
func (benchSession) SetClientCapabilities(mcp.ClientCapabilities)    {}

// BenchmarkSuccessInteractions is building the result of get_person with
// 10 interactions.
func BenchmarkSuccessInteractions(b *testing.B) {
	res, err := personResult(benchPerson(b))
	if err != nil {
		b.Fatal(err)
	}
	for range 10 {
		res.Interactions = append(res.Interactions, schema.InteractionRow{ID: "int_18181ca114", Date: "2026-09-23", Type: "EMAIL",
			Direction: "INBOUND", Title: "Re: SSO and SCIM setup",
			Summary:  "Jordan replied about SSO and SCIM setup. They want a revised quote before Tuesday and asked whether annual billing comes…[get_interaction has the rest]",
			Contacts: []string{"per_d1d567110f"}, Companies: []string{"cmp_0de099270d"}})
	}
	res.ContactNames = map[string]string{"per_d1d567110f": "Jordan Patel"}
	for b.Loop() {
		success(res)
	}
}
