package tools

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

func interactionDefs() []def {
	return []def{
		{name: "search_interactions", title: "Search interactions", toolset: ToolsetInteractions, kind: KindRead, scope: klipy.ScopeInteractionsRead, run: searchInteractions,
			description: "List timeline interactions. type/since/until filter each returned page only. Pass next_cursor back unchanged for more." + dataNote},
		{name: "get_interaction", title: "Get interaction", toolset: ToolsetInteractions, kind: KindRead, scope: klipy.ScopeInteractionsRead, run: getInteraction,
			description: "Get an interaction by id with its full summary." + dataNote},
		{name: "log_interaction", title: "Log interaction", toolset: ToolsetInteractions, kind: KindWrite, scope: klipy.ScopeInteractionsWrite, run: logInteraction,
			description: "Log an email, meeting, call or note on a person's timeline; external_id makes retries safe."},
	}
}

func interactionID(i *klipy.Interaction) string { return i.ID }

func searchInteractions(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	a, bad := argsOf[schema.SearchInteractionsArgs]("search_interactions", req)
	if bad != nil {
		return bad
	}
	if a.Type != "" && !slices.Contains(klipy.InteractionTypes, a.Type) {
		return toolError(invalidArg("type", "must be one of %s (got %q)", strings.Join(klipy.InteractionTypes, ", "), clip(a.Type, 40)), errCtx{})
	}
	search := fingerprint("search_interactions", a.PersonID, a.CompanyID)
	cur, err := decodeCursor(a.Cursor, search)
	if err != nil {
		return toolError(err, errCtx{})
	}
	q := &klipy.InteractionsQuery{Cursor: cur.Upstream, Limit: orDefault(a.Limit, 20)}
	if a.PersonID != "" || a.CompanyID != "" {
		q.Filter = &klipy.InteractionFilter{ContactID: a.PersonID, CompanyID: a.CompanyID}
	}
	page, _, err := c.Interactions.Query(ctx, q)
	if err != nil {
		return toolError(err, errCtx{scope: klipy.ScopeInteractionsRead})
	}
	kept := filterPage(page.Items, a)
	var next *string
	if page.NextCursor != "" {
		next = cursor{Search: search, Upstream: page.NextCursor}.encode()
	}
	res, err := fitList(kept, interactionID, "get_interaction", "interaction_id", func(items []any) any {
		m := map[string]any{"interactions": items, "next_cursor": next}
		checkOf(page, interactionFilterArgs(q.Filter)).apply(m, len(page.Items)-len(kept))
		return m
	})
	if err != nil {
		return toolError(err, errCtx{})
	}
	return success(res)
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

func getInteraction(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	a, bad := argsOf[schema.InteractionIDArgs]("get_interaction", req)
	if bad != nil {
		return bad
	}
	it, _, err := c.Interactions.Get(ctx, a.InteractionID)
	if err != nil {
		return toolError(err, errCtx{scope: klipy.ScopeInteractionsRead, what: "interaction", id: a.InteractionID})
	}
	return recordResult("interaction", it)
}

func logInteraction(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	a, bad := argsOf[schema.LogInteractionArgs]("log_interaction", req)
	if bad != nil {
		return bad
	}
	if (a.PersonID == "") == (a.PersonEmail == "") {
		return errorResult(`Invalid arguments: give exactly one of "person_id" or "person_email" (the person the interaction is with).`)
	}
	at := time.Now()
	if a.OccurredAt != "" {
		at, _ = time.Parse(time.RFC3339, a.OccurredAt)
	}
	in := &klipy.InteractionInput{Type: a.Type, Direction: a.Direction, Title: a.Title, Summary: a.Summary,
		MainContact: a.PersonID, MainContactEmail: a.PersonEmail, PrimaryID: a.ExternalID, InteractionDate: at.UnixMilli()}
	created, _, err := c.Interactions.Create(ctx, in)
	if err != nil {
		ec := errCtx{scope: klipy.ScopeInteractionsWrite, what: "person", id: a.PersonID + a.PersonEmail, create: a.ExternalID == ""}
		return toolError(err, ec)
	}
	return success(schema.LogInteractionResult{ID: created.ID, IsDuplicate: created.IsDuplicate})
}
