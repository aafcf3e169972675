package klipytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// fieldKind is the JSON type a writable field must have.
type fieldKind int

const (
	kindString fieldKind = iota
	kindEmail
	kindInteger
	kindNumber
)

// personFields and companyFields are the contract's writable fields. Any
// other field is accepted and stored as sent (additionalProperties: true).
var (
	personFields = map[string]fieldKind{
		"email": kindEmail, "firstName": kindString, "lastName": kindString, "title": kindString,
		"phone": kindString, "linkedin": kindString, "companyId": kindString, "remarks": kindString,
	}
	companyFields = map[string]fieldKind{
		"name": kindString, "domain": kindString, "industry": kindString, "employeeCount": kindInteger,
		"estimatedRevenue": kindNumber, "city": kindString, "state": kindString, "country": kindString,
		"linkedin": kindString, "website": kindString,
	}
)

// readOnlyFields are set by the server; writes may not supply them.
var readOnlyFields = []string{"id", "createdAt", "updatedAt"}

// checkFields validates the known fields of a write body, answering 400 on
// the first problem (in field-name order, so answers are deterministic).
func (c *call) checkFields(body map[string]any, kinds map[string]fieldKind) bool {
	for _, f := range readOnlyFields {
		if _, ok := body[f]; ok {
			c.badRequest(f, f+" is read-only")
			return false
		}
	}
	names := make([]string, 0, len(body))
	for name := range body {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		kind, known := kinds[name]
		if !known {
			continue
		}
		if msg := checkKind(body[name], kind); msg != "" {
			c.badRequest(name, name+" "+msg)
			return false
		}
	}
	return true
}

func checkKind(v any, kind fieldKind) string {
	switch kind {
	case kindString:
		if _, ok := v.(string); !ok {
			return "must be a string"
		}
	case kindEmail:
		s, ok := v.(string)
		if !ok || !validEmail(s) {
			return "must be an email address"
		}
	case kindInteger:
		n, ok := v.(json.Number)
		if _, err := n.Int64(); !ok || err != nil {
			return "must be an integer"
		}
	case kindNumber:
		n, ok := v.(json.Number)
		if _, err := n.Float64(); !ok || err != nil {
			return "must be a number"
		}
	}
	return ""
}

// validEmail is a deliberately simple check: one @, something on both
// sides, a dot in the domain, no spaces.
func validEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, " \t\r\n") &&
		!strings.Contains(domain, "@") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
}

// optString reads an optional string field that may also be null; ok is
// false (and 400 answered) when it has another type.
func (c *call) optString(body map[string]any, name string) (string, bool) {
	switch v := body[name].(type) {
	case nil:
		return "", true
	case string:
		return v, true
	}
	c.badRequest(name, name+" must be a string or null")
	return "", false
}

// query is a parsed POST …/query body.
type query struct {
	after  *cursor
	limit  int
	filter map[string]string
}

// Default and maximum page sizes. Larger limits are clamped to maxLimit.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// parseQuery reads cursor, limit and the named string filter keys of a
// query body. Unknown filter keys are ignored, like unknown top-level keys.
func (c *call) parseQuery(kind string, filterKeys ...string) (query, bool) {
	body, ok := c.decodeObject(true)
	if !ok {
		return query{}, false
	}
	q := query{limit: defaultLimit, filter: map[string]string{}}
	if !c.parseLimit(body["limit"], &q) || !c.parseCursor(body["cursor"], kind, &q) {
		return query{}, false
	}
	switch f := body["filter"].(type) {
	case nil:
	case map[string]any:
		for _, k := range filterKeys {
			v, ok := c.optString(f, k)
			if !ok {
				return query{}, false
			}
			if v != "" {
				q.filter[k] = v
			}
		}
	default:
		c.badRequest("filter", "filter must be an object")
		return query{}, false
	}
	return q, true
}

func (c *call) parseLimit(v any, q *query) bool {
	if v == nil {
		return true
	}
	n, isNum := v.(json.Number)
	limit, err := n.Int64()
	if !isNum || err != nil || limit < 1 {
		c.badRequest("limit", "limit must be an integer of at least 1")
		return false
	}
	q.limit = int(min(limit, maxLimit))
	return true
}

func (c *call) parseCursor(v any, kind string, q *query) bool {
	switch s := v.(type) {
	case nil:
		return true
	case string:
		if s == "" {
			return true
		}
		k, ok := decodeCursor(s, kind)
		if ok {
			q.after = &k
			return true
		}
	}
	c.fail(http.StatusBadRequest, "invalid_cursor", fmt.Sprintf("cursor is not a cursor this %s query returned", kind), map[string]any{"field": "cursor"})
	return false
}
