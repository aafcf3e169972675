package klipytest

import (
	"net/http"
	"strings"
)

// route is one operation of the contract.
type route struct {
	method string
	path   string // segments; "{id}" matches any one segment
	op     string // the contract's operationId
	scope  string // x-required-scope; "" = any valid key
	handle func(*call)
}

// routeTable lists every operation. Literal paths come before
// parameterised ones so /people/query wins over /people/{id}.
func (s *Server) routeTable() []route {
	return []route{
		{"GET", "/authenticate", "authenticate", "", s.handleAuthenticate},
		{"POST", "/people", "createPerson", "people:write", s.handleCreatePerson},
		{"PUT", "/people", "upsertPerson", "people:write", s.handleUpsertPerson},
		{"POST", "/people/query", "queryPeople", "people:read", s.handleQueryPeople},
		{"GET", "/people/{id}", "getPerson", "people:read", s.handleGetPerson},
		{"PATCH", "/people/{id}", "updatePerson", "people:write", s.handleUpdatePerson},
		{"DELETE", "/people/{id}", "deletePerson", "people:write", s.handleDeletePerson},
		{"POST", "/companies", "createCompany", "companies:write", s.handleCreateCompany},
		{"GET", "/companies/{id}", "getCompany", "companies:read", s.handleGetCompany},
		{"PATCH", "/companies/{id}", "updateCompany", "companies:write", s.handleUpdateCompany},
		{"DELETE", "/companies/{id}", "deleteCompany", "companies:remove", s.handleDeleteCompany},
		{"POST", "/interactions", "createInteraction", "interactions:write", s.handleCreateInteraction},
		{"POST", "/interactions/query", "queryInteractions", "interactions:read", s.handleQueryInteractions},
		{"GET", "/interactions/{id}", "getInteraction", "interactions:read", s.handleGetInteraction},
	}
}

// match finds the request's operation, answering 404 for an unknown path
// and 405 for a known path with another method.
func (s *Server) match(c *call) (route, bool) {
	pathKnown := false
	for _, rt := range s.routes {
		params, ok := matchPath(rt.path, c.path)
		if !ok {
			continue
		}
		if rt.method == c.r.Method {
			c.params = params
			c.op = rt.op
			return rt, true
		}
		pathKnown = true
	}
	if pathKnown {
		c.fail(http.StatusMethodNotAllowed, "method_not_allowed", c.r.Method+" is not supported on "+c.path, nil)
	} else {
		c.fail(http.StatusNotFound, "not_found", "no such endpoint: "+c.path, nil)
	}
	return route{}, false
}

// matchPath matches a request path against a pattern, returning the
// "{id}" segment.
func matchPath(pattern, path string) (map[string]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	gs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(gs) {
		return nil, false
	}
	var params map[string]string
	for i, p := range ps {
		switch {
		case p == "{id}" && gs[i] != "":
			params = map[string]string{"id": gs[i]}
		case p != gs[i]:
			return nil, false
		}
	}
	return params, true
}
