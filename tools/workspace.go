package tools

import (
	"context"
	"slices"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

func workspaceDefs() []def {
	return []def{
		{name: "get_workspace", title: "Get workspace", toolset: ToolsetWorkspace, kind: KindRead, run: getWorkspace,
			description: "Check the connection: workspace name, key scopes and usable tools."},
	}
}

func getWorkspace(ctx context.Context, s *srv, c *klipy.Client, req mcp.CallToolRequest) *mcp.CallToolResult {
	if _, bad := argsOf[schema.GetWorkspaceArgs]("get_workspace", req); bad != nil {
		return bad
	}
	ws, _, err := c.Authenticate(ctx)
	if err != nil {
		return toolError(err, errCtx{})
	}
	res := schema.WorkspaceResult{Name: sanitizeText(ws.Name), OrganizationID: ws.OrganizationID,
		Scopes: []string{}, ScopesKnown: ws.ScopesKnown, Tools: []string{}}
	for _, sc := range ws.Scopes {
		res.Scopes = append(res.Scopes, string(sc))
	}
	for _, e := range s.byName {
		if e.scope == "" || c.Allows(e.scope) {
			res.Tools = append(res.Tools, e.name)
		}
	}
	slices.Sort(res.Tools)
	return success(res)
}
