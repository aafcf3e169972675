// Package bench holds the pieces of the performance benchmark (SPEC §9): a
// bare JSON-RPC client for MCP over stdio and streamable HTTP, process memory
// readings, latency statistics, token counting and the report. The program
// that runs the measurements is bench/cmd/klipy-bench; the reference server
// it compares against is bench/floor.
//
// The clients here are deliberately thin (one JSON encode, one write, one
// read per call) so that what they measure is the server, not the client.
package bench
