package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
		call bool
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x"}}`, true, true},
		{`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"x"}}`, false, false},
		{` {"method":"ping", "id":"a-1"} `, true, false},
		{`{"jsonrpc":"2.0","params":{},"method":"ping","id":0}`, true, false},
		{`{"jsonrpc":"2.0","method":"notifications/initialized"}`, false, false},
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, false, false},
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, false, false},       // the client's answer to us
		{`{"jsonrpc":"2.0","id":1,"method":7}`, false, false},        // no method name
		{`{"jsonrpc":"2.0","id":1,"method":"ping"} x`, false, false}, // a parse error for mcp-go
		{`{"jsonrpc":"2.0","id":1,"method":"ping"`, false, false},
		{`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`, false, false},
		{`{"jsonrpc":"2.0","\u0069d":1,"method":"ping"}`, false, false},
		{`this line is not JSON`, false, false},
		{``, false, false},
	} {
		if got, call := classify([]byte(tc.line)); got != tc.want || call != tc.call {
			t.Errorf("classify(%s) = %v, %v; want %v, %v", tc.line, got, call, tc.want, tc.call)
		}
	}
}

// TestIsAnswer checks the messages as mcp-go marshals them, and other
// spellings through the whole walk.
func TestIsAnswer(t *testing.T) {
	marshal := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b) + "\n"
	}
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{marshal(mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId(int64(3)), Result: map[string]any{"a": 1}}), true},
		{marshal(mcp.JSONRPCResponse{JSONRPC: "2.0", ID: mcp.NewRequestId("s-1"), Result: []int{1}}), true},
		{marshal(mcp.JSONRPCError{JSONRPC: "2.0", ID: mcp.NewRequestId(int64(4)), Error: mcp.JSONRPCErrorDetails{Code: -32602, Message: "bad"}}), true},
		{marshal(mcp.JSONRPCError{JSONRPC: "2.0", ID: mcp.NewRequestId(nil), Error: mcp.JSONRPCErrorDetails{Code: -32700, Message: "Parse error"}}), false},
		{marshal(mcp.JSONRPCRequest{JSONRPC: "2.0", ID: mcp.NewRequestId(int64(1)), Params: map[string]any{"message": "sure?"}, Request: mcp.Request{Method: "elicitation/create"}}), false},
		{marshal(mcp.JSONRPCNotification{JSONRPC: "2.0", Notification: mcp.Notification{Method: "notifications/progress"}}), false},
		{`{"result":{},"id":9,"jsonrpc":"2.0"}`, true},
		{`{"id":9,"error":{"code":1,"message":"x"}}`, true},
		{`{"id":9,"params":{},"method":"roots/list"}`, false},
		{`{"id":null,"result":{}}`, false},
		{`not JSON`, false},
	} {
		if got := isAnswer([]byte(tc.msg)); got != tc.want {
			t.Errorf("isAnswer(%s) = %v, want %v", strings.TrimSpace(tc.msg), got, tc.want)
		}
	}
}

// drainTest is a draining input over text, with its ledger.
func drainTest(ctx context.Context, text string, grace time.Duration) (*drainingInput, *ledger) {
	l := &ledger{}
	return &drainingInput{r: strings.NewReader(text), l: l, ctx: ctx, grace: grace, logger: slog.New(slog.DiscardHandler)}, l
}

// readLines reads in as mcp-go does, sending each line; it closes lines at
// the end of input.
func readLines(in io.Reader, lines chan<- string) {
	r := bufio.NewReaderSize(in, 16) // small: lines span reads
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			close(lines)
			return
		}
		lines <- line
	}
}

// TestDrainingInputHoldsEOF: the end of input comes once every request read
// has been answered, and a last line without a newline gets one.
func TestDrainingInputHoldsEOF(t *testing.T) {
	text := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_person","arguments":{"person_id":"p1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
not JSON
{"jsonrpc":"2.0","id":2,"method":"ping"}`
	in, l := drainTest(t.Context(), text, time.Minute)
	lines := make(chan string, 8)
	go readLines(in, lines)
	var got []string
	for range 4 {
		got = append(got, <-lines)
	}
	if last := got[3]; last != `{"jsonrpc":"2.0","id":2,"method":"ping"}`+"\n" {
		t.Fatalf("last line read as %q, want it whole with a newline", last)
	}
	select {
	case _, open := <-lines:
		t.Fatalf("input ended (open %v) with 2 answers owed", open)
	case <-time.After(50 * time.Millisecond):
	}
	out := answerCountingOutput{w: io.Discard, l: l}
	out.Write([]byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}` + "\n"))
	out.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{"content":[]}}` + "\n"))
	select {
	case <-lines:
		t.Fatal("input ended with 1 answer owed")
	case <-time.After(50 * time.Millisecond):
	}
	out.Write([]byte(`{"jsonrpc":"2.0","id":2,"result":{}}` + "\n"))
	select {
	case _, open := <-lines:
		if open {
			t.Fatal("a line after the end of input")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("input did not end once every request was answered")
	}
}

// TestDrainingInputBounds: the wait ends at the grace, on a signal, and as
// soon as the output fails.
func TestDrainingInputBounds(t *testing.T) {
	const text = `{"jsonrpc":"2.0","id":1,"method":"ping"}` + "\n"
	read := func(in io.Reader) time.Duration {
		start := time.Now()
		if _, err := io.ReadAll(in); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}

	in, _ := drainTest(t.Context(), text, 100*time.Millisecond)
	if d := read(in); d < 100*time.Millisecond || d > 5*time.Second {
		t.Errorf("an answer never written: input ended after %s, want the 100ms grace", d)
	}

	ctx, cancel := context.WithCancel(t.Context())
	in, _ = drainTest(ctx, text, time.Minute)
	time.AfterFunc(50*time.Millisecond, cancel)
	if d := read(in); d > 5*time.Second {
		t.Errorf("signal: input ended after %s", d)
	}

	in, l := drainTest(t.Context(), text, time.Minute)
	out := answerCountingOutput{w: failingWriter{}, l: l}
	time.AfterFunc(50*time.Millisecond, func() { out.Write([]byte(`{"jsonrpc":"2.0","id":1,"result":{}}` + "\n")) })
	if d := read(in); d > 5*time.Second {
		t.Errorf("failed output: input ended after %s", d)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestDrainingInputFirstCall: firstCall runs once, as the first tools/call
// is handed over, not for the requests before it.
func TestDrainingInputFirstCall(t *testing.T) {
	text := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_workspace"}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_workspace"}}
`
	in, _ := drainTest(t.Context(), text, time.Millisecond)
	in.r = iotest.OneByteReader(in.r) // lines arrive one by one
	calls := 0
	in.firstCall = func() { calls++ }
	r := bufio.NewReader(in)
	for i := range 4 {
		if _, err := r.ReadString('\n'); err != nil {
			t.Fatal(err)
		}
		if want := max(0, min(1, i-1)); calls != want {
			t.Fatalf("after line %d firstCall ran %d times, want %d", i+1, calls, want)
		}
	}
}
