// Package views holds klipy-mcp's MCP Apps views (SPEC §11): one
// self-contained HTML document per view, built from src/ by `go generate`
// (esbuild through npm; see build.mjs) and committed under dist/.
//
// The documents are embedded in the binary but only read when a client
// that declared the MCP Apps extension reads a ui:// resource.
package views

//go:generate sh -c "npm ci --no-audit --no-fund --loglevel=error && node build.mjs"

import _ "embed"

// MIMEType is the MIME type of an MCP Apps view document.
const MIMEType = "text/html;profile=mcp-app"

//go:embed dist/person.html
var person string

//go:embed dist/company.html
var company string

// Person returns the person view: a card with contact links and a timeline
// of interactions, for get_person's result.
func Person() string { return person }

// Company returns the company view: a card with the people known at the
// company and its recent interactions, for get_company's result.
func Company() string { return company }
