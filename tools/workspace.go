package tools

import (
	"context"
	"errors"
	"slices"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

func workspaceDefs() []def {
	return []def{
		tool("get_workspace", "Get workspace", ToolsetWorkspace, KindRead, "",
			"Check the connection: workspace name, key scopes and usable tools.", getWorkspace),
	}
}

func getWorkspace(ctx context.Context, d deps, _ schema.GetWorkspaceArgs) (schema.WorkspaceResult, error) {
	ws, _, err := d.c.Authenticate(ctx)
	switch {
	case errors.Is(err, klipy.ErrScopesUnknown):
		ws = &klipy.Workspace{}
	case err != nil:
		return schema.WorkspaceResult{}, err
	}
	res := schema.WorkspaceResult{Name: sanitizeText(ws.Name), OrganizationID: ws.OrganizationID,
		Scopes: []string{}, ScopesKnown: ws.ScopesKnown, Tools: usableTools(d.s, d.c)}
	for _, sc := range ws.Scopes {
		res.Scopes = append(res.Scopes, string(sc))
	}
	if err != nil {
		res.Unknown = closedAuthenticate(d.c, &res)
	}
	return res, nil
}

// usableTools lists the tools c may use here, sorted.
func usableTools(s *srv, c *klipy.Client) []string {
	out := []string{}
	for _, e := range s.byName {
		if e.scope == "" || c.Allows(e.scope) {
			out = append(out, e.name)
		}
	}
	slices.Sort(out)
	return out
}

// closedAuthenticate fills what can still be said for a key to which
// /authenticate is closed (declared scopes), and says what is missing and why.
func closedAuthenticate(c *klipy.Client, res *schema.WorkspaceResult) *schema.WorkspaceUnknown {
	u := &schema.WorkspaceUnknown{Fields: []string{"name", "organization_id"},
		Reason: "Klipy's /authenticate refused this key (it probably needs the ALL scope), although the key works for other operations, so the workspace name and organization cannot be learnt."}
	if scopes, known := c.Scopes(); known {
		res.ScopesKnown = true
		for _, sc := range scopes {
			res.Scopes = append(res.Scopes, string(sc))
		}
		u.Reason += " The scopes shown are the ones declared with --scopes (KLIPY_SCOPES)."
		return u
	}
	u.Fields = append(u.Fields, "scopes")
	u.Reason += " Its scopes are unknown too, so every tool is offered and a tool the key may not use answers with the scope it lacks; declare the key's scopes with --scopes (KLIPY_SCOPES) to list only the tools it may use."
	return u
}
