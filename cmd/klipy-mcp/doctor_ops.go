package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// The probes of every read operation (SPEC §1): for each, the status, the
// envelope and list shape, the cursor field and whether it could be
// followed, whether the guessed filter names are honoured, and the fields
// the contract does not know or misses.

// Filter values no record has: a filter the API honours answers nothing.
const (
	probeEmail = "klipy-mcp-doctor-probe@example.invalid"
	probeID    = "klipy-mcp-doctor-probe-none"
)

// found is what the list probes learnt that later probes need.
type found struct{ companyID string }

// readOperations probes the people and interaction operations.
func (d *doctor) readOperations(ctx context.Context) found {
	var f found
	if p := d.people(ctx); p != nil {
		f.companyID = p.CompanyID
		_, _, err := d.c.People.Get(ctx, p.ID)
		if !d.skipped("getPerson", klipy.ScopePeopleRead, err) {
			d.shape("getPerson", shapePerson, false)
		}
	}
	if it := d.interactions(ctx); it != nil {
		if f.companyID == "" && len(it.Companies) > 0 {
			f.companyID = it.Companies[0]
		}
		_, _, err := d.c.Interactions.Get(ctx, it.ID)
		if !d.skipped("getInteraction", klipy.ScopeInteractionsRead, err) {
			d.shape("getInteraction", shapeInteraction, false)
		}
	}
	return f
}

// people probes queryPeople and returns a person to read back, if any.
func (d *doctor) people(ctx context.Context) *klipy.Person {
	page, _, err := d.c.People.Query(ctx, &klipy.PeopleQuery{Limit: 2})
	if d.skipped("queryPeople", klipy.ScopePeopleRead, err) {
		return nil
	}
	l := d.answer("queryPeople", shapePerson, true)
	d.paging(&l, page.Incomplete, page.NextCursor, page.HasMore, func(cursor string) (string, error) {
		next, _, err := d.c.People.Query(ctx, &klipy.PeopleQuery{Limit: 2, Cursor: cursor})
		return incompleteOf(next), err
	})
	if len(page.Items) > 0 {
		l.Filters = map[string]string{
			"email": d.filter(func() (int, error) {
				p, _, err := d.c.People.Query(ctx, &klipy.PeopleQuery{Limit: 2, Filter: &klipy.PeopleFilter{Email: probeEmail}})
				return filteredOf(p), err
			}),
			"companyId": d.filter(func() (int, error) {
				p, _, err := d.c.People.Query(ctx, &klipy.PeopleQuery{Limit: 2, Filter: &klipy.PeopleFilter{CompanyID: probeID}})
				return filteredOf(p), err
			}),
		}
	}
	d.emit(l)
	if len(page.Items) == 0 {
		return nil
	}
	return page.Items[0]
}

// interactions probes queryInteractions and returns one to read back.
func (d *doctor) interactions(ctx context.Context) *klipy.Interaction {
	page, _, err := d.c.Interactions.Query(ctx, &klipy.InteractionsQuery{Limit: 2})
	if d.skipped("queryInteractions", klipy.ScopeInteractionsRead, err) {
		return nil
	}
	l := d.answer("queryInteractions", shapeInteraction, true)
	d.paging(&l, page.Incomplete, page.NextCursor, page.HasMore, func(cursor string) (string, error) {
		next, _, err := d.c.Interactions.Query(ctx, &klipy.InteractionsQuery{Limit: 2, Cursor: cursor})
		return incompleteOf(next), err
	})
	if len(page.Items) > 0 {
		l.Filters = map[string]string{
			"contactId": d.filter(func() (int, error) {
				p, _, err := d.c.Interactions.Query(ctx, &klipy.InteractionsQuery{Limit: 2, Filter: &klipy.InteractionFilter{ContactID: probeID}})
				return filteredOf(p), err
			}),
			"companyId": d.filter(func() (int, error) {
				p, _, err := d.c.Interactions.Query(ctx, &klipy.InteractionsQuery{Limit: 2, Filter: &klipy.InteractionFilter{CompanyID: probeID}})
				return filteredOf(p), err
			}),
		}
	}
	d.emit(l)
	if len(page.Items) == 0 {
		return nil
	}
	return page.Items[0]
}

// company reads the company a person or an interaction linked to.
func (d *doctor) company(ctx context.Context, id string) {
	if id == "" {
		d.r.skip(line{Check: "getCompany", Detail: "no company id found through a person or an interaction; not probed"})
		return
	}
	_, _, err := d.c.Companies.Get(ctx, id)
	if !d.skipped("getCompany", klipy.ScopeCompaniesRead, err) {
		d.shape("getCompany", shapeCompany, false)
	}
}

func incompleteOf[T any](p *klipy.Page[T]) string {
	if p == nil {
		return ""
	}
	return p.Incomplete
}

func filteredOf[T any](p *klipy.Page[T]) int {
	if p == nil {
		return 0
	}
	return p.FilteredOut
}

// shape reports the answer just received by op, a record or a list.
func (d *doctor) shape(op string, record shape, list bool) {
	d.emit(d.answer(op, record, list))
}

// answer describes the answer just received by op and compares it with the
// contract.
func (d *doctor) answer(op string, record shape, list bool) line {
	ex, _ := d.rec.last()
	l := line{Check: op, Status: ex.status, answer: true}
	layout, err := klipy.DescribeAnswer(ex.body, list)
	if err != nil {
		l.Detail = "the answer could not be read: " + err.Error()
		return l
	}
	l.Envelope, l.List, l.Cursor = layout.Envelope, layout.List, layout.Cursor
	dr, err := compareResponse(ex.body, record, list)
	if err != nil {
		dr = drift{MissingRequired: []string{"envelope"}}
	}
	if list && layout.List != "data" {
		dr.addFields(layout.List+"[]", record, layout.Fields)
	}
	l.Unknown = dr.Unknown
	for _, f := range dr.MissingRequired {
		l.Missing = append(l.Missing, f+" (required)")
	}
	l.Missing = append(l.Missing, dr.MissingOptional...)
	return l
}

// paging follows the first page's cursor once, when there is one, and
// records what happened.
func (d *doctor) paging(l *line, reason, cursor string, more bool, follow func(cursor string) (string, error)) {
	switch {
	case reason != "":
		l.Paging = "problem: " + reason
	case !more:
		l.Paging = "one page (fewer records than the page size), so the cursor was not exercised"
	default:
		again, err := follow(cursor)
		switch {
		case err != nil:
			l.Paging = "problem: following the cursor failed: " + err.Error()
		case again != "":
			l.Paging = "problem: on page 2, " + again
		default:
			l.Paging = "followed to page 2"
		}
	}
}

// filter runs a query whose filter no record matches and says whether the
// API honoured the filter name.
func (d *doctor) filter(query func() (filteredOut int, err error)) string {
	n, err := query()
	switch {
	case errors.Is(err, klipy.ErrValidation):
		return "honoured (the probe value was refused, so the name is known)"
	case err != nil:
		return "problem: " + err.Error()
	case n > 0:
		return fmt.Sprintf("problem: ignored (%d record(s) returned for a value no record has; klipy-mcp drops them)", n)
	}
	return "honoured"
}

// emit reports l as a problem, a warning or ok.
func (d *doctor) emit(l line) {
	problem := strings.HasPrefix(l.Detail, "the answer could not be read") || strings.HasPrefix(l.Paging, "problem") ||
		slices.ContainsFunc(l.Missing, func(f string) bool { return strings.HasSuffix(f, "(required)") })
	for _, v := range l.Filters {
		problem = problem || strings.HasPrefix(v, "problem")
	}
	switch {
	case problem:
		d.r.fail(l)
	case len(l.Unknown)+len(l.Missing) > 0:
		d.r.warn(l)
	default:
		d.r.ok(l)
	}
}

// text renders a line for the text report.
func (l line) text() string {
	var parts []string
	if l.Status != 0 {
		parts = append(parts, fmt.Sprintf("HTTP %d", l.Status))
	}
	if l.Envelope != nil {
		parts = append(parts, "envelope "+strings.Join(l.Envelope, ","))
	} else if l.answer {
		parts = append(parts, "no envelope")
	}
	if l.List != "" {
		parts = append(parts, "list at "+l.List)
	}
	if l.Paging != "" {
		cursor := "cursor " + l.Cursor
		if l.Cursor == "" {
			cursor = "no cursor"
		}
		parts = append(parts, cursor+", "+l.Paging)
	}
	for _, k := range slices.Sorted(maps.Keys(l.Filters)) {
		parts = append(parts, "filter "+k+" "+l.Filters[k])
	}
	if len(l.Unknown) > 0 {
		parts = append(parts, "unknown fields: "+strings.Join(l.Unknown, ", "))
	}
	if len(l.Missing) > 0 {
		parts = append(parts, "missing fields: "+strings.Join(l.Missing, ", "))
	}
	if l.answer && len(l.Unknown)+len(l.Missing) == 0 && l.Detail == "" {
		parts = append(parts, "matches the contract")
	}
	if l.Detail != "" {
		parts = append(parts, l.Detail)
	}
	return l.Check + ": " + strings.Join(parts, "; ")
}
