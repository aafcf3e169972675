package tools

import (
	"context"
	"errors"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/klipy-ai/klipy-mcp/klipy"
	"github.com/klipy-ai/klipy-mcp/schema"
)

// deps is what a handler may use besides its arguments: the server, the
// caller's client, the raw request (for multi round-trip calls) and the
// tool's own name (set by the constructor, so no handler spells it).
type deps struct {
	s    *srv
	c    *klipy.Client
	req  mcp.CallToolRequest
	tool string
}

// handlerFunc is the shape of every tool handler: typed arguments in, a
// typed result or an error out. A returned error becomes the isError result
// that explains it, phrased with the tool's scope and the record named by
// onRecord.
type handlerFunc[In, Out any] func(ctx context.Context, d deps, a In) (Out, error)

// tool is the one constructor of every tool. It declares the tool (the
// inventory sets its annotations from kind and its schemas from In and Out),
// and builds its call: decode and check the arguments into In, run the
// handler, and answer with Out as structuredContent and text, or with the
// isError result a returned error maps to.
func tool[In, Out any](name, title, toolset string, kind Kind, scope klipy.Scope, description string, run handlerFunc[In, Out]) def {
	var in In
	var out Out
	d := def{name: name, title: title, description: description, toolset: toolset, kind: kind, scope: scope, in: in, out: out}
	d.call = func(ctx context.Context, dp deps) *mcp.CallToolResult {
		var a In
		if err := decodeArgs(name, dp.req.Params.Arguments, &a); err != nil {
			return toolError(err, errCtx{})
		}
		dp.tool = name
		res, err := run(ctx, dp, a)
		if err != nil {
			return failure(err, scope)
		}
		return success(res)
	}
	return d
}

// idempotent marks a write tool as safe to repeat with the same arguments.
func idempotent(d def) def {
	d.idempotent = true
	return d
}

// failure maps a handler's error to its result: a prepared answer as it
// is, anything else to the message errorText phrases for it.
func failure(err error, scope klipy.Scope) *mcp.CallToolResult {
	var a *answer
	if errors.As(err, &a) {
		return a.res
	}
	ec := errCtx{scope: scope}
	var re *recordError
	if errors.As(err, &re) {
		ec.what, ec.id, ec.create = re.what, re.id, re.create
	}
	return toolError(err, ec)
}

// answer is a result a handler returns instead of Out: an elicitation
// request, for one. It travels as an error so the handler shape stays one.
type answer struct{ res *mcp.CallToolResult }

func (a *answer) Error() string { return "tool answered with a prepared result" }

// answerWith returns res from the handler in place of its Out.
func answerWith(res *mcp.CallToolResult) error { return &answer{res: res} }

// recordError names the record a failed call was about, so the message can
// say which one was not found and whether a create may have happened.
type recordError struct {
	err      error
	what, id string
	create   bool
}

func (e *recordError) Error() string { return e.err.Error() }
func (e *recordError) Unwrap() error { return e.err }

// onRecord wraps err with the record it was about (what is "person",
// "company" or "interaction"); create says the failed call may have created
// something. A nil err stays nil.
func onRecord(err error, what, id string, create bool) error {
	if err == nil {
		return nil
	}
	return &recordError{err: err, what: what, id: id, create: create}
}

// creating marks err as the failure of a create that may have happened.
func creating(err error) error { return onRecord(err, "", "", true) }

// SchemaEntries lists every tool's name with zero values of its argument and
// result types, in catalogue order: the schema generator reflects them.
func SchemaEntries() []schema.Entry {
	var out []schema.Entry
	for _, d := range defs() {
		out = append(out, schema.Entry{Tool: d.name, Input: d.in, Output: d.out})
	}
	return out
}
