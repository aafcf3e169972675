package klipytest

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"
)

// Interaction types and directions the contract accepts on create.
var (
	interactionTypes = []string{"DIRECT_MESSAGE", "EMAIL", "MEETING", "MEMO", "BOOKING_CREATED",
		"BOOKING_CANCELLED", "MANUAL", "API_EVENT", "VOICE_NOTE"}
	interactionDirections = []string{"INBOUND", "OUTBOUND", "HYBRID", "INTERNAL", "EVENT"}
)

// Length limits of interaction text, in characters (Unicode code points, as
// JSON Schema's maxLength counts).
const (
	maxTitle   = 1000
	maxSummary = 10000
)

// interactionInput is a validated create body.
type interactionInput struct {
	body         map[string]any
	contact      string // mainContact, when given
	contactEmail string // mainContactEmail, when given
	primaryID    string
	date         time.Time
}

// handleCreateInteraction serves POST /interactions.
//
// The main contact is given by id (mainContact) or email (mainContactEmail),
// exactly one of them; an unknown id or an email no person has is a 400
// (the fake does not create people implicitly). A non-empty primaryId that
// an earlier interaction of the workspace carried answers that interaction's
// id with isDuplicate true and stores nothing.
func (s *Server) handleCreateInteraction(c *call) {
	in, ok := c.interactionInput()
	if !ok {
		return
	}
	ws := c.ws()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if id, dup := ws.byPrimaryID[in.primaryID]; dup && in.primaryID != "" {
		c.ok(map[string]any{"id": id, "isDuplicate": true})
		return
	}
	person := c.mainContactLocked(ws, in)
	if person == nil {
		return
	}
	id := c.storeInteractionLocked(ws, in, person)
	c.ok(map[string]any{"id": id, "isDuplicate": false})
}

// interactionInput decodes and validates a create body, answering 400 on the
// first problem.
func (c *call) interactionInput() (interactionInput, bool) {
	body, ok := c.decodeObject(false)
	if !ok {
		return interactionInput{}, false
	}
	in := interactionInput{body: body, date: c.start}
	ok = c.checkEnum(body, "type", interactionTypes) &&
		c.checkEnum(body, "direction", interactionDirections) &&
		c.checkText(body, "title", maxTitle, true) &&
		c.checkText(body, "summary", maxSummary, false) &&
		c.checkContact(body, &in) &&
		c.checkDate(body, &in)
	if !ok {
		return interactionInput{}, false
	}
	if in.primaryID, ok = c.optString(body, "primaryId"); !ok {
		return interactionInput{}, false
	}
	if _, ok = c.optString(body, "secondaryId"); !ok {
		return interactionInput{}, false
	}
	return in, true
}

func (c *call) checkEnum(body map[string]any, name string, allowed []string) bool {
	v, isStr := body[name].(string)
	if !isStr || !slices.Contains(allowed, v) {
		c.fail(http.StatusBadRequest, "validation_error", name+" must be one of the contract's values",
			map[string]any{"field": name, "allowed": allowed})
		return false
	}
	return true
}

func (c *call) checkText(body map[string]any, name string, maxLen int, required bool) bool {
	raw, present := body[name]
	if !present && !required {
		return true
	}
	v, isStr := raw.(string)
	switch {
	case !isStr:
		c.badRequest(name, name+" must be a string")
		return false
	case required && v == "":
		c.badRequest(name, name+" is required")
		return false
	case utf8.RuneCountInString(v) > maxLen:
		c.fail(http.StatusBadRequest, "validation_error", name+" is too long",
			map[string]any{"field": name, "max_length": maxLen})
		return false
	}
	return true
}

// checkContact enforces "mainContact or mainContactEmail, not both"; null
// counts as absent.
func (c *call) checkContact(body map[string]any, in *interactionInput) bool {
	var ok bool
	if in.contact, ok = c.optString(body, "mainContact"); !ok {
		return false
	}
	if in.contactEmail, ok = c.optString(body, "mainContactEmail"); !ok {
		return false
	}
	switch {
	case in.contact != "" && in.contactEmail != "":
		c.badRequest("mainContact", "give mainContact or mainContactEmail, not both")
		return false
	case in.contact == "" && in.contactEmail == "":
		c.badRequest("mainContact", "mainContact or mainContactEmail is required")
		return false
	case in.contactEmail != "" && !validEmail(in.contactEmail):
		c.badRequest("mainContactEmail", "mainContactEmail must be an email address")
		return false
	}
	return true
}

// checkDate reads interactionDate (epoch ms, integer or null; default now).
func (c *call) checkDate(body map[string]any, in *interactionInput) bool {
	switch v := body["interactionDate"].(type) {
	case nil:
		return true
	case json.Number:
		if ms, err := v.Int64(); err == nil {
			in.date = time.UnixMilli(ms)
			return true
		}
	}
	c.badRequest("interactionDate", "interactionDate must be epoch milliseconds (an integer)")
	return false
}

// mainContactLocked resolves the main contact, answering 400 when it does
// not exist; ws.mu must be held.
func (c *call) mainContactLocked(ws *workspace, in interactionInput) *entry {
	if in.contact != "" {
		if p := ws.people[in.contact]; p != nil {
			return p
		}
		c.fail(http.StatusBadRequest, "unknown_contact", "no person with id "+quote(in.contact)+" in this workspace",
			map[string]any{"field": "mainContact"})
		return nil
	}
	if p := ws.personByEmail(in.contactEmail); p != nil {
		return p
	}
	c.fail(http.StatusBadRequest, "unknown_contact", "no person with email "+quote(in.contactEmail)+" in this workspace; create the person first",
		map[string]any{"field": "mainContactEmail"})
	return nil
}

// storeInteractionLocked stores a validated interaction linked to person and
// to the person's company; ws.mu must be held.
func (c *call) storeInteractionLocked(ws *workspace, in interactionInput, person *entry) string {
	id, seq := c.s.newID("int")
	f := map[string]any{}
	for k, v := range in.body {
		f[k] = v
	}
	delete(f, "mainContact")
	delete(f, "mainContactEmail")
	f["id"] = id
	f["contacts"] = []string{person.fields["id"].(string)}
	f["companies"] = []string{}
	if cid, ok := person.fields["companyId"].(string); ok && cid != "" {
		f["companies"] = []string{cid}
	}
	if _, ok := f["summary"]; !ok {
		f["summary"] = nil
	}
	f["source"] = "API"
	f["sentiment"] = nil
	f["createdBy"] = nil
	f["creationTime"] = rfc3339ms(c.start)
	f["interactionDate"] = rfc3339ms(in.date)
	ws.interactions[id] = &entry{seq: seq, dateMs: in.date.UnixMilli(), fields: f}
	if in.primaryID != "" {
		ws.byPrimaryID[in.primaryID] = id
	}
	return id
}

func (s *Server) handleGetInteraction(c *call) {
	c.getRecord("interaction", func(ws *workspace) map[string]*entry { return ws.interactions })
}

// handleQueryInteractions serves POST /interactions/query: newest first by
// interactionDate, filtered by a linked company or contact.
func (s *Server) handleQueryInteractions(c *call) {
	q, ok := c.parseQuery("int", c.filterKeys(VariantInteractionFilterIgnored, "companyId", "contactId")...)
	if !ok {
		return
	}
	ws := c.ws()
	ws.mu.RLock()
	var match []*entry
	for _, e := range ws.interactions {
		if want, ok := q.filter["companyId"]; ok && !linked(e.fields["companies"], want) {
			continue
		}
		if want, ok := q.filter["contactId"]; ok && !linked(e.fields["contacts"], want) {
			continue
		}
		match = append(match, e)
	}
	p := paginate(match, "int", q.after, q.limit, true)
	ws.mu.RUnlock()
	c.list(p.items, p.info)
}

// linked reports whether a stored id list contains id.
func linked(ids any, id string) bool {
	list, _ := ids.([]string)
	return slices.Contains(list, id)
}
