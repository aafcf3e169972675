package tools

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// List rows: a list exists so the model can choose, so each row carries what
// choosing needs and names the get_* call (by the row's id) that returns the
// whole record (SPEC §9: at most 100 tokens a person, 110 an interaction).
// Field names are the API's, so a row reads like the record it abridges.

// Row text limits, in runes.
const (
	rowFieldLimit   = 100 // names, emails, titles
	rowSummaryLimit = 120 // an interaction's summary: its opening words
)

// personRow is a person as a list row.
func personRow(p *klipy.Person) schema.PersonRow {
	return schema.PersonRow{
		ID:        sanitizeText(p.ID),
		FirstName: rowText(p.FirstName, rowFieldLimit, "get_person"),
		LastName:  rowText(p.LastName, rowFieldLimit, "get_person"),
		Email:     rowText(p.Email, rowFieldLimit, "get_person"),
		Title:     rowText(p.Title, rowFieldLimit, "get_person"),
		CompanyID: sanitizeText(p.CompanyID),
	}
}

func personRows(people []*klipy.Person) []schema.PersonRow {
	rows := make([]schema.PersonRow, len(people))
	for i, p := range people {
		rows[i] = personRow(p)
	}
	return rows
}

// rowLimits are the text limits of interaction rows: the usual ones, and
// tight ones for a page that would otherwise exceed maxResultBytes.
type rowLimits struct{ title, summary int }

var (
	usualRows = rowLimits{rowFieldLimit, rowSummaryLimit}
	tightRows = rowLimits{40, 40}
)

// interactionRow is an interaction as a list row: when, what, with whom, and
// the opening of its summary.
func interactionRow(it *klipy.Interaction, lim rowLimits) schema.InteractionRow {
	r := schema.InteractionRow{
		ID:        sanitizeText(it.ID),
		Type:      sanitizeText(it.Type),
		Direction: sanitizeText(it.Direction),
		Title:     rowText(it.Title, lim.title, "get_interaction"),
		Summary:   rowText(it.Summary, lim.summary, "get_interaction"),
		Contacts:  sanitizeAll(it.Contacts),
		Companies: sanitizeAll(it.Companies),
	}
	if !it.InteractionDate.IsZero() {
		r.Date = it.InteractionDate.UTC().Format(time.DateOnly)
	}
	return r
}

// interactionRows shapes a list of interactions and names the contacts the
// key has already fetched or scanned (no upstream request just for names).
// A page that would exceed maxResultBytes gets shorter titles and summaries.
func (s *srv) interactionRows(c *klipy.Client, its []*klipy.Interaction) ([]schema.InteractionRow, map[string]string) {
	var ids []string
	for _, it := range its {
		ids = append(ids, it.Contacts...)
	}
	var names map[string]string
	size := 0
	for id, n := range s.records.names(c, ids) {
		if names == nil {
			names = map[string]string{}
		}
		id, n = sanitizeText(id), rowText(n, rowFieldLimit, "get_person")
		names[id] = n
		size += len(id) + len(n)
	}
	var rows []schema.InteractionRow
	for _, lim := range []rowLimits{usualRows, tightRows} {
		rows = make([]schema.InteractionRow, len(its))
		for i, it := range its {
			rows[i] = interactionRow(it, lim)
		}
		if b, err := json.Marshal(rows); err == nil && len(b)+size <= maxResultBytes {
			break
		}
	}
	return rows, names
}

// sanitizeAll sanitises each string of ss (ids from upstream, like any
// other text the model reads).
func sanitizeAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = sanitizeText(s)
	}
	return out
}

// rowText sanitises s and cuts it to limit runes with a marker naming the
// tool that has the whole text (the row's id is the argument).
func rowText(s string, limit int, getTool string) string {
	return truncateShort(sanitizeText(s), limit, "…["+getTool+" has the rest]")
}

// truncateShort cuts s to limit runes and appends marker when it cuts.
func truncateShort(s string, limit int, marker string) string {
	if len(s) <= limit {
		return s
	}
	r := []rune(s)
	if len(r) <= limit {
		return s
	}
	return string(r[:limit]) + marker
}

// personName is a person's display name.
func personName(p *klipy.Person) string {
	switch {
	case p.FirstName == "":
		return p.LastName
	case p.LastName == "":
		return p.FirstName
	}
	return p.FirstName + " " + p.LastName
}

// isPersonName reports whether name is personName(p), without building it.
func isPersonName(p *klipy.Person, name string) bool {
	switch {
	case p.FirstName == "":
		return name == p.LastName
	case p.LastName == "":
		return name == p.FirstName
	}
	return len(name) == len(p.FirstName)+1+len(p.LastName) && strings.HasPrefix(name, p.FirstName) &&
		name[len(p.FirstName)] == ' ' && strings.HasSuffix(name, p.LastName)
}
