package klipy

import "encoding/json"

// The record types read tolerantly (known fields under their contract names
// or common aliases; anything else, or a known field with a value of an
// unexpected type, kept in Extra) and write strictly (the contract's field
// names, empty fields omitted, then every Extra field). The tools layer shows
// these JSON forms to the model as Klipy returned them.

// UnmarshalJSON reads a person object.
func (p *Person) UnmarshalJSON(b []byte) error {
	var buf [24]member // on the stack: the members of a usual record
	m, err := objectInto(buf[:0], b)
	if err != nil {
		return err
	}
	p.readFields(m)
	return nil
}

// readAnswer reads a person from a whole answer by the fast path; the scan
// stays on the stack, so its members cost no allocation.
func (p *Person) readAnswer(body []byte) (envelope, bool) {
	var buf [24]member
	m, env, ok := readAnswer(body, buf[:0])
	if ok {
		p.readFields(m)
	}
	return env, ok
}

// readFields reads a person from the members of its object.
func (p *Person) readFields(m fields) {
	*p = Person{}
	var t texts
	t.str(m, &p.ID, "id", "_id", "personId")
	t.str(m, &p.Email, "email")
	t.str(m, &p.FirstName, "firstName", "first_name")
	t.str(m, &p.LastName, "lastName", "last_name")
	t.str(m, &p.Title, "title")
	t.str(m, &p.Phone, "phone")
	t.str(m, &p.LinkedIn, "linkedin", "linkedIn", "linkedin_url")
	t.str(m, &p.CompanyID, "companyId", "company_id")
	t.str(m, &p.Remarks, "remarks")
	m.time(&p.CreatedAt, "createdAt", "created_at")
	m.time(&p.UpdatedAt, "updatedAt", "updated_at")
	t.flush()
	p.Extra = m.extra()
}

// MarshalJSON writes the person with the API's field names plus Extra.
func (p Person) MarshalJSON() ([]byte, error) {
	var w objWriter
	var stack [512]byte // most records fit: written here, copied out once
	b := append(stack[:0], '{')
	b = w.str(b, "id", p.ID)
	b = w.str(b, "email", p.Email)
	b = w.str(b, "firstName", p.FirstName)
	b = w.str(b, "lastName", p.LastName)
	b = w.str(b, "title", p.Title)
	b = w.str(b, "phone", p.Phone)
	b = w.str(b, "linkedin", p.LinkedIn)
	b = w.str(b, "companyId", p.CompanyID)
	b = w.str(b, "remarks", p.Remarks)
	b = w.time(b, "createdAt", p.CreatedAt)
	b = w.time(b, "updatedAt", p.UpdatedAt)
	b = w.extra(b, p.Extra)
	return w.bytes(b)
}

// UnmarshalJSON reads a company object.
func (c *Company) UnmarshalJSON(b []byte) error {
	var buf [24]member // on the stack: the members of a usual record
	m, err := objectInto(buf[:0], b)
	if err != nil {
		return err
	}
	c.readFields(m)
	return nil
}

// readAnswer reads a company from a whole answer by the fast path; the scan
// stays on the stack, so its members cost no allocation.
func (c *Company) readAnswer(body []byte) (envelope, bool) {
	var buf [24]member
	m, env, ok := readAnswer(body, buf[:0])
	if ok {
		c.readFields(m)
	}
	return env, ok
}

// readFields reads a company from the members of its object.
func (c *Company) readFields(m fields) {
	*c = Company{}
	var t texts
	t.str(m, &c.ID, "id", "_id", "companyId")
	t.str(m, &c.Name, "name")
	t.str(m, &c.Domain, "domain")
	t.str(m, &c.Industry, "industry")
	m.int(&c.EmployeeCount, "employeeCount", "employee_count")
	m.float(&c.EstimatedRevenue, "estimatedRevenue", "estimated_revenue")
	t.str(m, &c.City, "city")
	t.str(m, &c.State, "state")
	t.str(m, &c.Country, "country")
	t.str(m, &c.LinkedIn, "linkedin", "linkedIn", "linkedin_url")
	t.str(m, &c.Website, "website")
	m.time(&c.CreatedAt, "createdAt", "created_at")
	m.time(&c.UpdatedAt, "updatedAt", "updated_at")
	t.flush()
	c.Extra = m.extra()
}

// MarshalJSON writes the company with the API's field names plus Extra.
func (c Company) MarshalJSON() ([]byte, error) {
	var w objWriter
	var stack [512]byte // most records fit: written here, copied out once
	b := append(stack[:0], '{')
	b = w.str(b, "id", c.ID)
	b = w.str(b, "name", c.Name)
	b = w.str(b, "domain", c.Domain)
	b = w.str(b, "industry", c.Industry)
	if c.EmployeeCount != nil {
		b = w.value(b, "employeeCount", *c.EmployeeCount)
	}
	if c.EstimatedRevenue != nil {
		b = w.value(b, "estimatedRevenue", *c.EstimatedRevenue)
	}
	b = w.str(b, "city", c.City)
	b = w.str(b, "state", c.State)
	b = w.str(b, "country", c.Country)
	b = w.str(b, "linkedin", c.LinkedIn)
	b = w.str(b, "website", c.Website)
	b = w.time(b, "createdAt", c.CreatedAt)
	b = w.time(b, "updatedAt", c.UpdatedAt)
	b = w.extra(b, c.Extra)
	return w.bytes(b)
}

// UnmarshalJSON reads an interaction object.
func (it *Interaction) UnmarshalJSON(b []byte) error {
	var buf [24]member // on the stack: the members of a usual record
	m, err := objectInto(buf[:0], b)
	if err != nil {
		return err
	}
	it.readFields(m)
	return nil
}

// readAnswer reads an interaction from a whole answer by the fast path; the scan
// stays on the stack, so its members cost no allocation.
func (it *Interaction) readAnswer(body []byte) (envelope, bool) {
	var buf [24]member
	m, env, ok := readAnswer(body, buf[:0])
	if ok {
		it.readFields(m)
	}
	return env, ok
}

// readFields reads an interaction from the members of its object.
func (it *Interaction) readFields(m fields) {
	*it = Interaction{}
	var t texts
	t.str(m, &it.ID, "id", "_id", "interactionId")
	t.str(m, &it.Type, "type")
	t.str(m, &it.Direction, "direction")
	t.str(m, &it.Title, "title")
	t.str(m, &it.Summary, "summary")
	t.str(m, &it.Source, "source")
	t.str(m, &it.Sentiment, "sentiment")
	t.str(m, &it.CreatedBy, "createdBy", "created_by")
	m.strs(&it.Companies, "companies")
	m.strs(&it.Contacts, "contacts")
	m.time(&it.CreationTime, "creationTime", "creation_time", "createdAt", "created_at")
	m.time(&it.InteractionDate, "interactionDate", "interaction_date")
	t.flush()
	it.Extra = m.extra()
}

// MarshalJSON writes the interaction with the API's field names plus Extra.
func (it Interaction) MarshalJSON() ([]byte, error) {
	var w objWriter
	var stack [512]byte // most records fit: written here, copied out once
	b := append(stack[:0], '{')
	b = w.str(b, "id", it.ID)
	b = w.str(b, "type", it.Type)
	b = w.str(b, "direction", it.Direction)
	b = w.str(b, "title", it.Title)
	b = w.str(b, "summary", it.Summary)
	b = w.str(b, "source", it.Source)
	b = w.str(b, "sentiment", it.Sentiment)
	b = w.str(b, "createdBy", it.CreatedBy)
	b = w.strs(b, "companies", it.Companies)
	b = w.strs(b, "contacts", it.Contacts)
	b = w.time(b, "creationTime", it.CreationTime)
	b = w.time(b, "interactionDate", it.InteractionDate)
	b = w.extra(b, it.Extra)
	return w.bytes(b)
}

// UnmarshalJSON reads an authenticate payload: the name from team_name,
// organization_name, name, team.name or organization.name; the organization
// id from organization_id (or organizationId, org_id, team.id,
// organization.id); scopes from scopes.
func (ws *Workspace) UnmarshalJSON(b []byte) error {
	m, err := objectOf(b)
	if err != nil {
		return err
	}
	*ws = Workspace{}
	m.str(&ws.Name, "team_name", "teamName", "organization_name", "organizationName", "name")
	m.str(&ws.OrganizationID, "organization_id", "organizationId", "org_id", "orgId")
	for _, k := range []string{"team", "organization"} {
		if obj, err := objectOf(m.at(k)); err == nil {
			if ws.Name == "" {
				obj.str(&ws.Name, "name")
			}
			if ws.OrganizationID == "" {
				obj.str(&ws.OrganizationID, "id")
			}
			if obj.empty() {
				m.remove(k)
			}
		}
	}
	var scopes []Scope
	if raw, ok := m.get("scopes"); ok && json.Unmarshal(raw, &scopes) == nil && scopes != nil {
		ws.Scopes, ws.ScopesKnown = scopes, true
		m.remove("scopes")
	}
	ws.Extra = m.extra()
	return nil
}

// MarshalJSON writes name, organization_id and (when known) scopes plus Extra.
func (ws Workspace) MarshalJSON() ([]byte, error) {
	var w objWriter
	var stack [512]byte // most records fit: written here, copied out once
	b := append(stack[:0], '{')
	b = w.str(b, "name", ws.Name)
	b = w.str(b, "organization_id", ws.OrganizationID)
	if ws.ScopesKnown {
		b = w.value(b, "scopes", ws.Scopes)
	}
	b = w.extra(b, ws.Extra)
	return w.bytes(b)
}
