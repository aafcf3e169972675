// Package conformance holds the fixtures that the official MCP conformance
// suite (@modelcontextprotocol/conformance) calls by name: tools such as
// test_simple_text, resources under test://, prompts such as
// test_simple_prompt, and the logging and completions capabilities.
//
// The fixtures exist only so that the whole suite can run against our own
// server construction (hosting's HTTP handler around tools.NewServer). They
// are test code: nothing in the product imports this package, .ci/run checks
// that the klipy-mcp binary does not contain it, and only the test-only
// command in conformance/fixtureserver serves them.
//
// Each fixture behaves as the suite's scenario descriptions require; the
// expected values (texts, MIME types, schema shapes) are the suite's.
package conformance
