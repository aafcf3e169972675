package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/klipy-ai/klipy-mcp/internal/jsonscan"
)

// mcp-go's stdio transport ends a session as soon as its input ends: it
// cancels the requests still running and stops the tool-call workers, so
// answers still owed are lost or say the call was cancelled, and a last
// line without a newline is never read. A client that writes its requests
// and closes its end (a shell pipeline, a script, a client shutting down
// politely) loses work. The session's input and output are therefore
// wrapped: the input counts the requests it hands over and the output the
// answers written, and the end of input is passed on only once every
// request has been answered (bounded by shutdownGrace, or a signal).

// ledger counts the requests read whose answers have not been written.
type ledger struct {
	mu     sync.Mutex
	owed   int
	broken bool          // the output failed: no answer can be written
	paid   chan struct{} // closed when owed reaches 0, while someone waits
}

func (l *ledger) asked() {
	l.mu.Lock()
	l.owed++
	l.mu.Unlock()
}

func (l *ledger) answered() {
	l.mu.Lock()
	if l.owed > 0 {
		l.owed--
	}
	l.settle()
	l.mu.Unlock()
}

func (l *ledger) fail() {
	l.mu.Lock()
	l.broken = true
	l.settle()
	l.mu.Unlock()
}

// settle wakes the waiter when nothing more can be waited for; l.mu held.
func (l *ledger) settle() {
	if l.paid != nil && (l.owed == 0 || l.broken) {
		close(l.paid)
		l.paid = nil
	}
}

// wait returns once every request has been answered, the output has failed,
// ctx is done or grace has passed; it reports how many answers were owed
// when it began and how many still are.
func (l *ledger) wait(ctx context.Context, grace time.Duration) (owed, left int) {
	l.mu.Lock()
	if l.owed == 0 || l.broken {
		l.mu.Unlock()
		return 0, 0
	}
	owed, paid := l.owed, make(chan struct{})
	l.paid = paid
	l.mu.Unlock()
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case <-paid:
	case <-ctx.Done():
	case <-t.C:
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.paid = nil
	return owed, l.owed
}

// drainingInput is the session's input: it counts each request line it
// hands over, completes a last line that has no newline, and holds back the
// end of input until the ledger is settled.
type drainingInput struct {
	r      io.Reader
	l      *ledger
	ctx    context.Context
	grace  time.Duration
	logger *slog.Logger
	line   []byte // the start of a line whose newline has not been read yet
	eof    bool
	// firstCall, when set, runs once, as the first tools/call is handed over.
	firstCall func()
}

func (in *drainingInput) Read(p []byte) (int, error) {
	if in.eof {
		if len(p) > 0 && len(bytes.TrimSpace(in.line)) > 0 {
			p[0] = '\n'
			in.count(p[:1])
			return 1, nil
		}
		in.drain()
		return 0, io.EOF
	}
	n, err := in.r.Read(p)
	in.count(p[:n])
	if err == io.EOF {
		in.eof = true
		if n > 0 {
			return n, nil // the next Read ends the input
		}
		return in.Read(p)
	}
	return n, err
}

// drain waits for the answers still owed, saying so when there are some.
func (in *drainingInput) drain() {
	if owed, left := in.l.wait(in.ctx, in.grace); owed > 0 {
		in.logger.Info("input ended: waited for the answers still owed", "owed", owed, "unanswered", left)
	}
}

// count records each request among the whole lines in b.
func (in *drainingInput) count(b []byte) {
	for {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			in.line = append(in.line, b...)
			return
		}
		line := b[:nl]
		if len(in.line) > 0 {
			in.line = append(in.line, line...)
			line = in.line
		}
		if request, toolCall := classify(line); request {
			in.l.asked()
			if toolCall && in.firstCall != nil {
				in.firstCall()
				in.firstCall = nil
			}
		}
		in.line, b = in.line[:0], b[nl+1:]
	}
}

// answerCountingOutput is the session's output: it counts the answers
// written.
type answerCountingOutput struct {
	w io.Writer
	l *ledger
}

func (out answerCountingOutput) Write(p []byte) (int, error) {
	n, err := out.w.Write(p)
	if err != nil {
		out.l.fail()
	} else if isAnswer(p) {
		out.l.answered()
	}
	return n, err
}

// classify reports whether line is a JSON-RPC request the transport will
// answer: one valid JSON object (mcp-go answers anything else with a parse
// error that names no id) whose "method" is a string and whose "id" is not
// null; and whether it is a tools/call. Keys with escapes are not looked
// at: a request so spelled is not waited for.
func classify(line []byte) (request, toolCall bool) {
	var method []byte
	id := false
	end := jsonscan.Members(line, 0, jsonscan.MaxDepth, func(key []byte, escaped bool, value []byte) bool {
		switch {
		case escaped:
		case string(key) == "method":
			method = nil
			if value[0] == '"' {
				method = value
			}
		case string(key) == "id":
			id = value[0] != 'n'
		}
		return true
	})
	request = end >= 0 && jsonscan.SkipSpace(line, end) == len(line) && method != nil && id
	return request, request && string(method) == `"tools/call"`
}

// isAnswer reports whether msg, one message the transport wrote, answers a
// request: an object with a "result" or "error" and an id that is not null.
// mcp-go writes {"jsonrpc":"2.0","id":…, then the result or error: that
// shape is read from its first bytes, without walking a large result;
// anything else is walked whole.
func isAnswer(msg []byte) bool {
	const head = `{"jsonrpc":"2.0","id":`
	if bytes.HasPrefix(msg, []byte(head)) {
		i := len(head)
		if end := jsonscan.Value(msg, i, 0); end > 0 {
			switch rest := msg[end:]; {
			case bytes.HasPrefix(rest, []byte(`,"result":`)), bytes.HasPrefix(rest, []byte(`,"error":`)):
				return msg[i] != 'n'
			case bytes.HasPrefix(rest, []byte(`,"method":`)), bytes.HasPrefix(rest, []byte(`,"params":`)):
				return false
			}
		}
	}
	id, answer := false, false
	jsonscan.Members(msg, 0, jsonscan.MaxDepth, func(key []byte, escaped bool, value []byte) bool {
		switch {
		case escaped:
		case string(key) == "id":
			id = value[0] != 'n'
		case string(key) == "result" || string(key) == "error":
			answer = true
		case string(key) == "method": // a request or notification
			answer = false
			return false
		}
		return true
	})
	return answer && id
}
