package klipytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxRequestBody caps request bodies the fake reads (the real API's limit is
// not documented; 2 MiB is far above any valid body).
const maxRequestBody = 2 << 20

// call is the state of one request as it moves through the fake.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	path    string // below the API base
	body    []byte
	bodyErr error
	reqID   string
	start   time.Time
	token   string // the API key as sent, if any
	key     Key    // the matched key, once authenticated
	status  int
	params  map[string]string
	op      string // operationId, once routed
	logged  bool   // the request log has this call
	drift   bool
}

func (s *Server) newCall(w http.ResponseWriter, r *http.Request) *call {
	c := &call{
		s:     s,
		w:     w,
		r:     r,
		path:  s.apiPath(r.URL.Path),
		reqID: fmt.Sprintf("req_%06d", s.reqSeq.Add(1)),
		start: s.now(),
		token: tokenOf(r.Header),
		drift: s.faults.drifting(),
	}
	if r.Body != nil {
		c.body, c.bodyErr = io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if c.bodyErr == nil && len(c.body) > maxRequestBody {
			c.bodyErr = errors.New("request body exceeds 2 MiB")
		}
	}
	return c
}

// meta is the envelope's per-response metadata.
type meta struct {
	RequestID  string `json:"request_id"`
	APIVersion string `json:"api_version"`
	Timestamp  string `json:"timestamp"`
}

// pageInfo is the cursor state of a list response.
type pageInfo struct {
	HasNextPage bool    `json:"has_next_page"`
	EndCursor   *string `json:"end_cursor"`
}

func (c *call) meta() *meta {
	return &meta{RequestID: c.reqID, APIVersion: "1", Timestamp: c.s.now().UTC().Format(time.RFC3339)}
}

// ok answers 200 with the success envelope around data.
func (c *call) ok(data any) {
	c.writeEnvelope(map[string]any{"object": "success", "data": data}, http.StatusOK)
}

// list answers 200 with the list envelope: data plus top-level page_info
// (or the shape a played Variant gives it).
func (c *call) list(data []map[string]any, pi pageInfo) {
	if data == nil {
		data = []map[string]any{}
	}
	c.writeEnvelope(c.listEnvelope(data, pi), http.StatusOK)
}

// fail answers status with the error envelope.
func (c *call) fail(status int, code, message string, details any) {
	e := map[string]any{"code": code, "message": message}
	if details != nil {
		e["details"] = details
	}
	c.writeEnvelope(map[string]any{"object": "error", "error": e}, status)
}

// badRequest answers 400 validation_error naming the offending field.
func (c *call) badRequest(field, message string) {
	var details any
	if field != "" {
		details = map[string]any{"field": field}
	}
	c.fail(http.StatusBadRequest, "validation_error", message, details)
}

// notFound answers 404 for a missing record.
func (c *call) notFound(kind, id string) {
	c.fail(http.StatusNotFound, "not_found", fmt.Sprintf("no %s with id %q in this workspace", kind, id), nil)
}

// getRecord answers a GET of one record by the path's id from the table
// that table selects in the caller's workspace: a snapshot taken under the
// read lock, or not found.
func (c *call) getRecord(kind string, table func(*workspace) map[string]*entry) {
	ws := c.ws()
	ws.mu.RLock()
	e := table(ws)[c.params["id"]]
	var snap map[string]any
	if e != nil {
		snap = e.snapshot()
	}
	ws.mu.RUnlock()
	if e == nil {
		c.notFound(kind, c.params["id"])
		return
	}
	c.ok(snap)
}

func (c *call) writeEnvelope(env map[string]any, status int) {
	if c.drift {
		c.w.Header().Set(FaultHeader, "drift")
		applyDrift(env)
	} else {
		env["meta"] = c.meta()
	}
	b, err := json.Marshal(env)
	if err != nil { // only plain JSON values reach here
		panic("klipytest: marshal response: " + err.Error())
	}
	c.writeRaw(status, "application/json", b)
}

// writeRaw sends a complete response.
func (c *call) writeRaw(status int, contentType string, b []byte) {
	h := c.w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Request-Id", c.reqID)
	c.status = status
	c.record() // before the client can see the answer
	c.w.WriteHeader(status)
	_, _ = c.w.Write(b)
}

// record adds the call to the request log, once. It runs before the
// response is written, so a client that has its answer always finds its
// request in the log.
func (c *call) record() {
	if !c.logged {
		c.logged = true
		c.s.log.add(c)
	}
}

// decodeObject parses the request body as a JSON object, keeping numbers
// exact. An empty body is an empty object when allowEmpty is set.
func (c *call) decodeObject(allowEmpty bool) (map[string]any, bool) {
	if len(bytes.TrimSpace(c.body)) == 0 {
		if allowEmpty {
			return map[string]any{}, true
		}
		c.fail(http.StatusBadRequest, "invalid_json", "a JSON object body is required", nil)
		return nil, false
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(c.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		c.fail(http.StatusBadRequest, "invalid_json", "the body is not valid JSON", nil)
		return nil, false
	}
	if v == nil && allowEmpty {
		return map[string]any{}, true
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		c.fail(http.StatusBadRequest, "invalid_json", "the body must be a JSON object", nil)
		return nil, false
	}
	return m, true
}

// applyDrift mutates a response the way a drifted upstream would: meta is
// gone and every "email" field is called "emailAddress".
func applyDrift(env map[string]any) {
	switch d := env["data"].(type) {
	case map[string]any:
		renameEmail(d)
	case []map[string]any:
		for _, m := range d {
			renameEmail(m)
		}
	}
}

func renameEmail(m map[string]any) {
	if v, ok := m["email"]; ok {
		delete(m, "email")
		m["emailAddress"] = v
	}
}
