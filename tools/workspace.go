package tools

import (
	"context"
	"slices"

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
	if err != nil {
		return schema.WorkspaceResult{}, err
	}
	res := schema.WorkspaceResult{Name: sanitizeText(ws.Name), OrganizationID: ws.OrganizationID,
		Scopes: []string{}, ScopesKnown: ws.ScopesKnown, Tools: []string{}}
	for _, sc := range ws.Scopes {
		res.Scopes = append(res.Scopes, string(sc))
	}
	for _, e := range d.s.byName {
		if e.scope == "" || d.c.Allows(e.scope) {
			res.Tools = append(res.Tools, e.name)
		}
	}
	slices.Sort(res.Tools)
	return res, nil
}
