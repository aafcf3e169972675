package klipytest

import (
	"net/http"
	"strings"
)

// emailKey is the case-insensitive key people are matched by.
func emailKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// personByEmail finds a person by email, ignoring case; ws.mu must be held.
func (ws *workspace) personByEmail(email string) *entry {
	want := emailKey(email)
	if want == "" {
		return nil
	}
	for _, e := range ws.people {
		if s, _ := e.fields["email"].(string); emailKey(s) == want {
			return e
		}
	}
	return nil
}

// checkPersonRefs answers 400 when the body names a missing company or an
// email another person (not self) already has; ws.mu must be held.
func (c *call) checkPersonRefs(ws *workspace, body map[string]any, self *entry) bool {
	if id, ok := body["companyId"].(string); ok && ws.companies[id] == nil {
		c.badRequest("companyId", "no company with id "+quote(id)+" in this workspace")
		return false
	}
	if email, ok := body["email"].(string); ok {
		if other := ws.personByEmail(email); other != nil && other != self {
			c.fail(http.StatusBadRequest, "duplicate_email", "a person with this email already exists; use PUT /people to upsert",
				map[string]any{"field": "email", "existing_id": other.fields["id"]})
			return false
		}
	}
	return true
}

// createPersonLocked stores a new person from a validated body.
func (c *call) createPersonLocked(ws *workspace, body map[string]any) *entry {
	id, seq := c.s.newID("per")
	now := rfc3339(c.start)
	f := map[string]any{"id": id, "createdAt": now, "updatedAt": now}
	for name := range personFields {
		f[name] = nil
	}
	for k, v := range body {
		f[k] = v
	}
	e := &entry{seq: seq, fields: f}
	ws.people[id] = e
	return e
}

// updateLocked merges body into a stored record and bumps updatedAt.
func (c *call) updateLocked(e *entry, body map[string]any) {
	for k, v := range body {
		e.fields[k] = v
	}
	e.fields["updatedAt"] = rfc3339(c.start)
}

func (s *Server) handleCreatePerson(c *call) {
	body, ok := c.decodeObject(false)
	if !ok || !c.checkFields(body, personFields) {
		return
	}
	ws := c.ws()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if !c.checkPersonRefs(ws, body, nil) {
		return
	}
	c.ok(c.createPersonLocked(ws, body).snapshot())
}

// handleUpsertPerson serves PUT /people: the person whose email matches
// (ignoring case) is updated with the body's fields, else one is created.
func (s *Server) handleUpsertPerson(c *call) {
	body, ok := c.decodeObject(false)
	if !ok || !c.checkFields(body, personFields) {
		return
	}
	email, _ := body["email"].(string)
	if email == "" {
		c.badRequest("email", "email is required to upsert a person")
		return
	}
	ws := c.ws()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	existing := ws.personByEmail(email)
	if !c.checkPersonRefs(ws, body, existing) {
		return
	}
	if existing == nil {
		c.ok(c.createPersonLocked(ws, body).snapshot())
		return
	}
	c.updateLocked(existing, body)
	c.ok(existing.snapshot())
}

func (s *Server) handleGetPerson(c *call) {
	c.getRecord("person", func(ws *workspace) map[string]*entry { return ws.people })
}

func (s *Server) handleUpdatePerson(c *call) {
	body, ok := c.decodeObject(false)
	if !ok || !c.checkFields(body, personFields) {
		return
	}
	if len(body) == 0 {
		c.badRequest("", "the body must set at least one field")
		return
	}
	ws := c.ws()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	e := ws.people[c.params["id"]]
	if e == nil {
		c.notFound("person", c.params["id"])
		return
	}
	if !c.checkPersonRefs(ws, body, e) {
		return
	}
	c.updateLocked(e, body)
	c.ok(e.snapshot())
}

// handleDeletePerson removes the person. Interactions keep their contact
// ids (they are history), as the real API is assumed to.
func (s *Server) handleDeletePerson(c *call) {
	if c.personDeleteRefused() {
		return
	}
	id := c.params["id"]
	ws := c.ws()
	ws.mu.Lock()
	_, found := ws.people[id]
	delete(ws.people, id)
	ws.mu.Unlock()
	if !found {
		c.notFound("person", id)
		return
	}
	c.ok(map[string]any{"id": id, "deleted": true})
}

// handleQueryPeople serves POST /people/query: people in creation order,
// filtered by email (exact, ignoring case) and companyId.
func (s *Server) handleQueryPeople(c *call) {
	q, ok := c.parseQuery("per", c.filterKeys(VariantPeopleFilterIgnored, "email", "companyId")...)
	if !ok {
		return
	}
	ws := c.ws()
	ws.mu.RLock()
	var match []*entry
	for _, e := range ws.people {
		if want, ok := q.filter["email"]; ok {
			if got, _ := e.fields["email"].(string); emailKey(got) != emailKey(want) {
				continue
			}
		}
		if want, ok := q.filter["companyId"]; ok && e.fields["companyId"] != want {
			continue
		}
		match = append(match, e)
	}
	p := paginate(match, "per", q.after, q.limit, false)
	ws.mu.RUnlock()
	c.list(p.items, p.info)
}

func quote(s string) string { return `"` + s + `"` }
