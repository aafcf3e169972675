package contracttest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest/contracttest"
)

// spy is a testing.TB that records Errorf calls instead of failing.
type spy struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (s *spy) Errorf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors = append(s.errors, fmt.Sprintf(format, args...))
}

func (s *spy) Helper() {}

func (s *spy) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errors...)
}

func TestLoad(t *testing.T) {
	doc, _, err := contracttest.Load()
	if err != nil {
		t.Fatal(err)
	}
	if doc.Paths.Find("/people/{personId}") == nil {
		t.Error("contract has no /people/{personId}")
	}
}

// fixed answers every request with status and body.
func fixed(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
}

const okMeta = `"meta":{"request_id":"req_1","api_version":"1","timestamp":"2026-01-02T03:04:05Z"}`

func TestWrap(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		path    string
		reqBody string
		status  int
		body    string
		want    string // substring of the violation; "" = none
	}{
		{"conforming person", "GET", "/api/v1/people/per_1", "", 200,
			`{"object":"success","data":{"id":"per_1","email":null},` + okMeta + `}`, ""},
		{"person email not a string", "GET", "/api/v1/people/per_1", "", 200,
			`{"object":"success","data":{"id":"per_1","email":5},` + okMeta + `}`, "response 200 to getPerson"},
		{"missing meta", "GET", "/api/v1/people/per_1", "", 200,
			`{"object":"success","data":{"id":"per_1"}}`, "meta"},
		{"list without page_info", "POST", "/api/v1/people/query", `{}`, 200,
			`{"object":"success","data":[],` + okMeta + `}`, "page_info"},
		{"undocumented status", "GET", "/api/v1/people/per_1", "", 418,
			`{"object":"error","error":{"code":"x","message":"y"}}`, "status is not supported"},
		{"error without message", "GET", "/api/v1/people/per_1", "", 404,
			`{"object":"error","error":{"code":"not_found"}}`, "message"},
		{"error object not const", "GET", "/api/v1/people/per_1", "", 404,
			`{"object":"oops","error":{"code":"not_found","message":"m"}}`, "object"},
		{"null where not nullable", "GET", "/api/v1/interactions/int_1", "", 200,
			`{"object":"success","data":{"id":"int_1","contacts":null},` + okMeta + `}`, "contacts"},
		{"date-time format", "GET", "/api/v1/interactions/int_1", "", 200,
			`{"object":"success","data":{"id":"int_1","interactionDate":"yesterday"},` + okMeta + `}`, "interactionDate"},
		{"bad request enum", "POST", "/api/v1/interactions", `{"type":"FAX","direction":"INBOUND","title":"t","mainContact":"per_1"}`, 200,
			`{"object":"success","data":{"id":"int_1","isDuplicate":false},` + okMeta + `}`, "request createInteraction"},
		{"both contacts", "POST", "/api/v1/interactions", `{"type":"EMAIL","direction":"INBOUND","title":"t","mainContact":"per_1","mainContactEmail":"a@b.example"}`, 200,
			`{"object":"success","data":{"id":"int_1","isDuplicate":false},` + okMeta + `}`, "request createInteraction"},
		{"empty patch", "PATCH", "/api/v1/companies/cmp_1", `{}`, 200,
			`{"object":"success","data":{"id":"cmp_1"},` + okMeta + `}`, "request updateCompany"},
		{"unknown operation", "GET", "/api/v1/deals", "", 200, `{}`, "matches no operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &spy{TB: t}
			srv := httptest.NewServer(contracttest.Wrap(s, fixed(tt.status, tt.body), "/api/v1"))
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, strings.NewReader(tt.reqBody))
			if tt.reqBody != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("status passed through = %d, want %d", resp.StatusCode, tt.status)
			}
			errs := s.got()
			switch {
			case tt.want == "" && len(errs) > 0:
				t.Errorf("conforming exchange reported: %q", errs)
			case tt.want != "" && (len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), tt.want)):
				t.Errorf("violations = %q, want one mentioning %q", errs, tt.want)
			}
		})
	}
}
