// Package schema holds one Go struct per tool input and output and the JSON
// Schemas generated from them.
//
// The structs are the single definition of each tool's arguments: the tools
// package decodes arguments into them, and `go generate` reflects them (with
// github.com/invopop/jsonschema, field doc comments becoming descriptions)
// into schema/json/<tool>.input.json and <tool>.output.json. Those files are
// committed and embedded, so serving a schema needs no reflection at start-up.
package schema

//go:generate go run ./internal/gen
