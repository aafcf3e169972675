package tools

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

func interactionDefs() []def {
	return []def{
		tool("search_interactions", "Search interactions", ToolsetInteractions, KindRead, klipy.ScopeInteractionsRead,
			"List timeline interactions. type/since/until filter each returned page only. Rows are short: get_interaction has the rest. Pass next_cursor back unchanged for more."+dataNote, searchInteractions),
		tool("get_interaction", "Get interaction", ToolsetInteractions, KindRead, klipy.ScopeInteractionsRead,
			"Get an interaction by id with its full summary."+dataNote, getInteraction),
		tool("log_interaction", "Log interaction", ToolsetInteractions, KindWrite, klipy.ScopeInteractionsWrite,
			"Log an email, meeting, call or note with a person.", logInteraction),
	}
}

func searchInteractions(ctx context.Context, d deps, a schema.SearchInteractionsArgs) (schema.SearchInteractionsResult, error) {
	var none schema.SearchInteractionsResult
	if types := klipy.InteractionTypes(); a.Type != "" && !slices.Contains(types, a.Type) {
		return none, invalidArg("type", "must be one of %s (got %q)", strings.Join(types, ", "), clip(a.Type, 40))
	}
	search := fingerprint(d.tool, a.PersonID, a.CompanyID)
	cur, err := decodeCursor(a.Cursor, search)
	if err != nil {
		return none, err
	}
	q := &klipy.InteractionsQuery{Cursor: cur.Upstream, Limit: orDefault(a.Limit, 20)}
	if a.PersonID != "" || a.CompanyID != "" {
		q.Filter = &klipy.InteractionFilter{ContactID: a.PersonID, CompanyID: a.CompanyID}
	}
	page, _, err := d.c.Interactions.Query(ctx, q)
	if err != nil {
		return none, err
	}
	kept := filterPage(page.Items, a)
	var next *string
	if page.NextCursor != "" {
		next = cursor{Search: search, Upstream: page.NextCursor}.encode()
	}
	res := schema.SearchInteractionsResult{NextCursor: next}
	res.Interactions, res.ContactNames = d.s.interactionRows(d.c, kept)
	res.FilteredOut, res.Incomplete, res.Note = checkOf(page, interactionFilterArgs(q.Filter)).report(len(page.Items)-len(kept), "")
	return res, nil
}

// filterPage applies type, since and until to one page. The arguments were
// validated, so the times parse.
func filterPage(items []*klipy.Interaction, a schema.SearchInteractionsArgs) []*klipy.Interaction {
	since, _ := time.Parse(time.RFC3339, a.Since)
	until, _ := time.Parse(time.RFC3339, a.Until)
	var kept []*klipy.Interaction
	for _, it := range items {
		at := it.InteractionDate.Time
		switch {
		case a.Type != "" && it.Type != a.Type:
		case a.Since != "" && at.Before(since):
		case a.Until != "" && !at.Before(until):
		default:
			kept = append(kept, it)
		}
	}
	return kept
}

func getInteraction(ctx context.Context, d deps, a schema.InteractionIDArgs) (schema.InteractionResult, error) {
	it, _, err := d.c.Interactions.Get(ctx, a.InteractionID)
	if err != nil {
		return schema.InteractionResult{}, onRecord(err, "interaction", a.InteractionID, false)
	}
	v, err := shapeOne(it)
	return schema.InteractionResult{Interaction: schema.Record[schema.Interaction]{Value: v}}, err
}

func logInteraction(ctx context.Context, d deps, a schema.LogInteractionArgs) (schema.LogInteractionResult, error) {
	if (a.PersonID == "") == (a.PersonEmail == "") {
		return schema.LogInteractionResult{}, &argError{msg: `Invalid arguments: give exactly one of "person_id" or "person_email" (the person the interaction is with).`}
	}
	at := time.Now()
	if a.OccurredAt != "" {
		at, _ = time.Parse(time.RFC3339, a.OccurredAt)
	}
	in := &klipy.InteractionInput{Type: a.Type, Direction: a.Direction, Title: a.Title, Summary: a.Summary,
		MainContact: a.PersonID, MainContactEmail: a.PersonEmail, PrimaryID: a.ExternalID, SecondaryID: a.SecondaryID,
		InteractionDate: at.UnixMilli()}
	created, _, err := d.c.Interactions.Create(ctx, in)
	if err != nil {
		return schema.LogInteractionResult{}, onRecord(err, "person", a.PersonID+a.PersonEmail, a.ExternalID == "")
	}
	return schema.LogInteractionResult{ID: created.ID, IsDuplicate: created.IsDuplicate}, nil
}
