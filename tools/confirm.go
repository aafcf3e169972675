package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// confirmID names the confirmation in a multi round-trip tool call.
const confirmID = "confirm_delete"

// deletion describes one kind of delete for the shared confirmation flow.
type deletion struct {
	what string
	// name reads the record and returns a label for the confirmation.
	name func(ctx context.Context, c *klipy.Client, id string) (string, error)
	del  func(ctx context.Context, id string) (*klipy.DeleteResult, *klipy.Response, error)
}

func deletePerson(ctx context.Context, d deps, a schema.PersonIDArgs) (schema.DeleteResult, error) {
	return runDelete(ctx, d, deletion{what: "person", name: personLabel, del: d.c.People.Delete}, a.PersonID)
}

func deleteCompany(ctx context.Context, d deps, a schema.CompanyIDArgs) (schema.DeleteResult, error) {
	return runDelete(ctx, d, deletion{what: "company", name: companyLabel, del: d.c.Companies.Delete}, a.CompanyID)
}

// runDelete deletes after the confirmation SPEC §4 asks for: the user
// confirms through elicitation where the client supports it; with
// ConfirmAlways a client that cannot elicit is refused; with ConfirmNever the
// host's own approval is the only gate.
func runDelete(ctx context.Context, d deps, del deletion, id string) (schema.DeleteResult, error) {
	state := d.tool + ":" + id
	if ans := server.ElicitationResponse(d.req.Params.InputResponses, confirmID); ans != nil {
		if d.req.Params.RequestState != state {
			return schema.DeleteResult{}, answerWith(errorResult("Not deleted: the confirmation answered a different request. Call " + d.tool + " again."))
		}
		if !accepted(ans) {
			return schema.DeleteResult{ID: id, Message: "Not deleted: the user declined."}, nil
		}
		return doDelete(ctx, del, id)
	}
	mode := d.s.cfg.ConfirmDestructive
	if mode == ConfirmNever || (mode == ConfirmAuto && !canElicit(ctx)) {
		return doDelete(ctx, del, id)
	}
	if !canElicit(ctx) {
		return schema.DeleteResult{}, answerWith(errorResult(fmt.Sprintf("Not deleted: this server requires the user to confirm deletes (confirm-destructive=always), and this client cannot ask them (no elicitation support). Ask the user to delete the %s in Klipy, or use a client that supports elicitation.", del.what)))
	}
	label, err := del.name(ctx, d.c, id)
	if err != nil {
		return schema.DeleteResult{}, onRecord(err, del.what, id, false)
	}
	return schema.DeleteResult{}, answerWith(server.NewInputRequestBuilder(state).Elicit(confirmID, confirmQuestion(del.what, label, id)).ToolResult())
}

// confirmQuestion is the elicitation that asks the user to confirm a delete.
func confirmQuestion(what, label, id string) mcp.ElicitationParams {
	// The label is record text, shown to the user and seen by the client:
	// scrub it as compactJSON scrubs every other record text.
	label = klipy.Redact(label)
	return mcp.ElicitationParams{
		Message: fmt.Sprintf("Delete the %s %s (id %s) from Klipy? This cannot be undone.", what, label, id),
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{
			"confirm": map[string]any{"type": "boolean", "title": "Delete " + label, "default": false},
		}, "required": []string{"confirm"}},
	}
}

func doDelete(ctx context.Context, del deletion, id string) (schema.DeleteResult, error) {
	res, _, err := del.del(ctx, id)
	if err != nil {
		return schema.DeleteResult{}, onRecord(err, del.what, id, false)
	}
	out := schema.DeleteResult{ID: id, Deleted: true, Message: "Deleted permanently."}
	if res != nil && res.ID != "" {
		out.ID = res.ID
	}
	return out, nil
}

// accepted reports whether the user accepted and did not untick confirm.
func accepted(ans *mcp.ElicitationResult) bool {
	if ans.Action != mcp.ElicitationResponseActionAccept {
		return false
	}
	if m, ok := ans.Content.(map[string]any); ok {
		if v, ok := m["confirm"].(bool); ok {
			return v
		}
	}
	return false
}

// canElicit reports whether the calling client declared elicitation: per
// request in the 2026-07-28 protocol, per session before it.
func canElicit(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return info.ClientCapabilities != nil && info.ClientCapabilities.Elicitation != nil
	}
	sess := server.ClientSessionFromContext(ctx)
	withInfo, ok := sess.(server.SessionWithClientInfo)
	if !ok {
		return false
	}
	if _, ok := sess.(server.SessionWithElicitation); !ok {
		return false
	}
	return withInfo.GetClientCapabilities().Elicitation != nil
}

func personLabel(ctx context.Context, c *klipy.Client, id string) (string, error) {
	p, _, err := c.People.Get(ctx, id)
	if err != nil {
		return "", err
	}
	// Each part is cleaned on its own: cleaning the joined label would read
	// "<jordan@example.com>" as a tag and drop the address.
	name, email := labelText(p.FirstName+" "+p.LastName), labelText(p.Email)
	switch {
	case name != "" && email != "":
		name += " (" + email + ")"
	case name == "":
		name = email
	}
	return quoteLabel(name), nil
}

func companyLabel(ctx context.Context, c *klipy.Client, id string) (string, error) {
	co, _, err := c.Companies.Get(ctx, id)
	if err != nil {
		return "", err
	}
	name := labelText(co.Name)
	if name == "" {
		name = labelText(co.Domain)
	}
	return quoteLabel(name), nil
}

// labelText reduces one part of a record's label to plain text on one line.
// Angle brackets left after that (from entities such as &lt;) are dropped
// too, so no markup from a record reaches the confirmation: names and
// addresses have no use for them.
func labelText(s string) string {
	s = strings.NewReplacer("<", "", ">", "").Replace(sanitizeText(s))
	return strings.Join(strings.Fields(s), " ")
}

// quoteLabel quotes a label built from labelText parts for showing to the
// user.
func quoteLabel(s string) string {
	s = clip(s, 120)
	if s == "" {
		return "(unnamed)"
	}
	return "\u201c" + s + "\u201d"
}
