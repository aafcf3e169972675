package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync/atomic"
)

// HTTPSession is one MCP session over streamable HTTP. A session's calls
// are made one at a time; use one session per concurrent caller.
type HTTPSession struct {
	client *http.Client
	url    string
	header http.Header
	id     string
	nextID atomic.Int64
}

// NewHTTPSession returns a session for the endpoint url (e.g.
// http://127.0.0.1:8080/mcp). header is added to every request.
func NewHTTPSession(client *http.Client, url string, header http.Header) *HTTPSession {
	return &HTTPSession{client: client, url: url, header: header}
}

// ID returns the session id the server assigned, if any.
func (s *HTTPSession) ID() string { return s.id }

// Initialize performs the initialize handshake and keeps the session id.
func (s *HTTPSession) Initialize(ctx context.Context) error {
	if _, err := s.Call(ctx, "initialize", InitializeParams()); err != nil {
		return err
	}
	return s.Notify(ctx, "notifications/initialized")
}

// Call sends a request and returns its result.
func (s *HTTPSession) Call(ctx context.Context, method string, params any) (json.RawMessage, error) {
	id := s.nextID.Add(1)
	resp, err := s.post(ctx, request{JSONRPC: "2.0", ID: &id, Method: method, Params: params})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("%s: HTTP %d: %s", method, resp.StatusCode, bytes.TrimSpace(b))
	}
	if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" && s.id == "" {
		s.id = sid
	}
	msg, err := readResponse(resp, id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	if msg.Error != nil {
		return nil, fmt.Errorf("%s: %w", method, msg.Error)
	}
	return msg.Result, nil
}

// Notify sends a notification.
func (s *HTTPSession) Notify(ctx context.Context, method string) error {
	resp, err := s.post(ctx, request{JSONRPC: "2.0", Method: method})
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: HTTP %d", method, resp.StatusCode)
	}
	return nil
}

func (s *HTTPSession) post(ctx context.Context, req request) (*http.Response, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	for k, v := range s.header {
		hr.Header[k] = v
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/json, text/event-stream")
	hr.Header.Set("Mcp-Protocol-Version", ProtocolVersion)
	if s.id != "" {
		hr.Header.Set("Mcp-Session-Id", s.id)
	}
	return s.client.Do(hr)
}

// readResponse reads the response with id from a JSON or SSE body.
func readResponse(resp *http.Response, id int64) (response, error) {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "text/event-stream" {
		var msg response
		if err := json.NewDecoder(resp.Body).Decode(&msg); err != nil {
			return response{}, fmt.Errorf("decode response: %w", err)
		}
		return msg, nil
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data:")
		if !ok {
			continue
		}
		var msg response
		if json.Unmarshal([]byte(data), &msg) == nil && msg.ID != nil && *msg.ID == id && msg.Method == "" {
			return msg, nil
		}
	}
	return response{}, fmt.Errorf("event stream ended without response %d: %v", id, sc.Err())
}
