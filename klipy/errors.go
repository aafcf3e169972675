package klipy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Errors callers branch on with errors.Is.
var (
	ErrNotFound     = errors.New("klipy: not found")
	ErrUnauthorized = errors.New("klipy: invalid or expired API key")
	ErrForbidden    = errors.New("klipy: forbidden")
	ErrMissingScope = errors.New("klipy: key lacks the required scope")
	ErrRateLimited  = errors.New("klipy: rate limited")
	ErrValidation   = errors.New("klipy: validation failed")
	ErrConflict     = errors.New("klipy: conflict")
	ErrUnavailable  = errors.New("klipy: service unavailable")
)

// APIError is an error answer from the API. It never contains the key.
type APIError struct {
	StatusCode int
	Code       string
	Message    string
	Details    any
	RequestID  string
	// RetryAfter is set on 429 answers.
	RetryAfter time.Duration
	// Op is the operation id (e.g. "getPerson").
	Op string
}

// Error describes the answer: operation, status, code, message and request id.
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("klipy: ")
	if e.Op != "" {
		b.WriteString(e.Op + ": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter.Round(time.Second))
	}
	if e.RequestID != "" {
		b.WriteString(" [request " + e.RequestID + "]")
	}
	return b.String()
}

// Is maps the status code (and, for 403, the error code) to the package's
// sentinel errors.
func (e *APIError) Is(target error) bool {
	s := e.StatusCode
	switch target {
	case ErrNotFound:
		return s == http.StatusNotFound
	case ErrUnauthorized:
		return s == http.StatusUnauthorized
	case ErrForbidden:
		return s == http.StatusForbidden
	case ErrMissingScope:
		return s == http.StatusForbidden && mentionsScope(e.Code+" "+e.Message)
	case ErrRateLimited:
		return s == http.StatusTooManyRequests
	case ErrValidation:
		return s == http.StatusBadRequest || s == http.StatusUnprocessableEntity
	case ErrConflict:
		return s == http.StatusConflict
	case ErrUnavailable:
		return s >= 500 || s == http.StatusRequestTimeout
	}
	return false
}

func mentionsScope(s string) bool { return strings.Contains(strings.ToLower(s), "scope") }

// ScopeError is returned, before any request is sent, for an operation the
// key's known scopes do not allow. errors.Is(err, ErrMissingScope) and
// errors.Is(err, ErrForbidden) are true.
type ScopeError struct {
	Op    string
	Scope Scope
}

// Error names the operation and the scope it needs.
func (e *ScopeError) Error() string {
	return "klipy: " + e.Op + " needs scope " + string(e.Scope) + ", which this API key does not have"
}

// Is reports ErrMissingScope and ErrForbidden.
func (e *ScopeError) Is(target error) bool {
	return target == ErrMissingScope || target == ErrForbidden
}

// RateLimitError is returned when the rate-limit budget (local or as last
// reported by the server) cannot be had within the caller's deadline. Wait is
// how long it would have taken. errors.Is(err, ErrRateLimited) is true.
// Limiter implementations outside this package may return it too.
type RateLimitError struct {
	Bucket string // the bucket that was spent, e.g. "org:acme"; never a key
	Wait   time.Duration
}

// Error says how long the budget needs to recover.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("klipy: rate limit budget spent (%s); retry in %s", e.Bucket, Seconds(e.Wait))
}

// Seconds phrases a wait in whole seconds, rounded up so that a caller who
// waits that long finds the budget back: "1 second", "30 seconds".
func Seconds(d time.Duration) string {
	n := max(int64((d+time.Second-1)/time.Second), 1)
	if n == 1 {
		return "1 second"
	}
	return strconv.FormatInt(n, 10) + " seconds"
}

// Is reports ErrRateLimited.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// TransportError is a failure to get any answer from the API (connection,
// timeout, oversized or malformed answer) after the retries the request
// allowed. errors.Is(err, ErrUnavailable) is true; Unwrap exposes the cause.
type TransportError struct {
	Op  string
	Err error
}

// Error describes the failure; the key never appears in it.
func (e *TransportError) Error() string { return "klipy: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying cause.
func (e *TransportError) Unwrap() error { return e.Err }

// Is reports ErrUnavailable.
func (e *TransportError) Is(target error) bool { return target == ErrUnavailable }

// RetryAfter returns how long to wait before retrying after a rate-limit error.
func RetryAfter(err error) (time.Duration, bool) {
	var ae *APIError
	if errors.As(err, &ae) && (ae.RetryAfter > 0 || ae.StatusCode == http.StatusTooManyRequests) {
		return ae.RetryAfter, true
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.Wait, true
	}
	return 0, false
}

// tokenPattern matches anything that looks like a Klipy key, so that an
// upstream echoing a key (ours or another) never leaks it.
var tokenPattern = regexp.MustCompile(`klipy_(?:api|pk|sk)_[A-Za-z0-9_\-]+`)

// redact removes key and every key-looking token from b.
func redact(b []byte, key string) []byte {
	if key != "" {
		b = bytes.ReplaceAll(b, []byte(key), []byte("[redacted]"))
	}
	return tokenPattern.ReplaceAll(b, []byte("[redacted]"))
}

// Redact removes every key-looking token from s. The client scrubs what it
// returns itself; code that phrases text for people from a client's errors
// runs that text through Redact too, as a last line.
func Redact(s string) string {
	if !strings.Contains(s, "klipy_") {
		return s
	}
	return redactString(s, "")
}

// RedactJSON removes every key-looking token from the encoded JSON b, in
// place of decoding and walking it: encoding/json writes underscores, letters
// and digits literally, so a key that reached a decoded value through JSON
// escapes ("klipy\u005fapi_…") is plain text again once re-encoded. The
// replacement needs no escaping, so the result stays valid JSON. b is
// returned as it is when it holds no "klipy_" at all, the common case.
func RedactJSON(b []byte) []byte {
	if !bytes.Contains(b, []byte("klipy_")) {
		return b
	}
	return redact(b, "")
}

// redactString is redact for strings.
func redactString(s, key string) string { return string(redact([]byte(s), key)) }

// errorBody is every error shape the API has been seen or guessed to use.
type errorBody struct {
	Error   json.RawMessage `json:"error"`
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Msg     string          `json:"msg"`
	Details any             `json:"details"`
	Meta    struct {
		RequestID string `json:"request_id"`
	} `json:"meta"`
	// Errors is the list form: {"errors": [{"code", "message"}, …]}.
	Errors []struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"errors"`
}

// parseAPIError builds the APIError of a non-2xx answer. The key and
// key-like tokens are removed from the body and again from the decoded
// fields, where JSON escapes could have hidden them.
func parseAPIError(op string, status int, body []byte, key string) *APIError {
	e := decodeAPIError(op, status, redact(body, key))
	e.Code, e.Message = redactString(e.Code, key), redactString(e.Message, key)
	if e.Details != nil {
		if b, err := json.Marshal(e.Details); err == nil {
			var d any
			if json.Unmarshal(redact(b, key), &d) == nil {
				e.Details = d
			}
		}
	}
	return e
}

func decodeAPIError(op string, status int, body []byte) *APIError {
	e := &APIError{Op: op, StatusCode: status}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil {
		e.Code, e.Message, e.Details = scalarString(eb.Code), firstOf(eb.Message, eb.Msg), eb.Details
		e.RequestID = eb.Meta.RequestID
		var inner struct {
			Code    json.RawMessage `json:"code"`
			Message string          `json:"message"`
			Details any             `json:"details"`
		}
		var s string
		switch {
		case json.Unmarshal(eb.Error, &s) == nil:
			e.Message = firstOf(e.Message, s)
		case json.Unmarshal(eb.Error, &inner) == nil && eb.Error != nil:
			e.Code = firstOf(scalarString(inner.Code), e.Code)
			e.Message = firstOf(inner.Message, e.Message)
			if inner.Details != nil {
				e.Details = inner.Details
			}
		}
		if len(eb.Errors) > 0 {
			e.Code = firstOf(e.Code, scalarString(eb.Errors[0].Code))
			e.Message = firstOf(e.Message, eb.Errors[0].Message)
			if e.Details == nil && len(eb.Errors) > 1 {
				e.Details = eb.Errors
			}
		}
	} else {
		e.Message = plainText(body)
	}
	if e.Message == "" {
		e.Message = strings.ToLower(http.StatusText(status))
	}
	return e
}

// scalarString renders a JSON string or number as text. A plain string
// (plainString) is read without a decoder.
func scalarString(raw json.RawMessage) string {
	if s, ok := plainString(raw); ok {
		return s
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

var tagPattern = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]*>`)

// plainText turns a text or HTML error page into one short line.
func plainText(body []byte) string {
	s := tagPattern.ReplaceAllString(string(body), " ")
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "…"
	}
	return s
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		secs = min(max(secs, 0), 86400)
		return time.Duration(secs * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
