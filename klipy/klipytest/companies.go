package klipytest

// createCompanyLocked stores a new company from a validated body.
func (c *call) createCompanyLocked(ws *workspace, body map[string]any) *entry {
	id, seq := c.s.newID("cmp")
	now := rfc3339(c.start)
	f := map[string]any{"id": id, "createdAt": now, "updatedAt": now}
	for name := range companyFields {
		f[name] = nil
	}
	for k, v := range body {
		f[k] = v
	}
	e := &entry{seq: seq, fields: f}
	ws.companies[id] = e
	return e
}

// handleCreateCompany serves POST /companies; name or domain is required.
func (s *Server) handleCreateCompany(c *call) {
	body, ok := c.decodeObject(false)
	if !ok || !c.checkFields(body, companyFields) {
		return
	}
	name, _ := body["name"].(string)
	domain, _ := body["domain"].(string)
	if name == "" && domain == "" {
		c.badRequest("name", "a company needs a name or a domain")
		return
	}
	ws := c.ws()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	c.ok(c.createCompanyLocked(ws, body).snapshot())
}

func (s *Server) handleGetCompany(c *call) {
	c.getRecord("company", func(ws *workspace) map[string]*entry { return ws.companies })
}

func (s *Server) handleUpdateCompany(c *call) {
	body, ok := c.decodeObject(false)
	if !ok || !c.checkFields(body, companyFields) {
		return
	}
	if len(body) == 0 {
		c.badRequest("", "the body must set at least one field")
		return
	}
	ws := c.ws()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	e := ws.companies[c.params["id"]]
	if e == nil {
		c.notFound("company", c.params["id"])
		return
	}
	c.updateLocked(e, body)
	c.ok(e.snapshot())
}

// handleDeleteCompany removes the company and unlinks its people (their
// companyId becomes null). Interactions keep the company id as history.
func (s *Server) handleDeleteCompany(c *call) {
	id := c.params["id"]
	ws := c.ws()
	ws.mu.Lock()
	_, found := ws.companies[id]
	delete(ws.companies, id)
	if found {
		for _, p := range ws.people {
			if p.fields["companyId"] == id {
				p.fields["companyId"] = nil
				p.fields["updatedAt"] = rfc3339(c.start)
			}
		}
	}
	ws.mu.Unlock()
	if !found {
		c.notFound("company", id)
		return
	}
	c.ok(map[string]any{"id": id, "deleted": true})
}
