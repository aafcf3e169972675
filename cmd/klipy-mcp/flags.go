package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// errUsage marks a configuration or usage error: the message is printed on
// one line and the process exits 2.
var errUsage = errors.New("usage")

// usageError returns an error that makes main print "klipy-mcp: msg" and exit 2.
func usageError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// The groups of commands a flag belongs to.
const (
	grpServe    = "serve"    // stdio, http, call, tools, doctor: the tool configuration
	grpLog      = "log"      // every command that runs something
	grpHTTP     = "http"     // http only
	grpListen   = "listen"   // http and sandbox
	grpOutput   = "output"   // call, tools and doctor
	grpTools    = "tools"    // tools only
	grpUpstream = "upstream" // everything that talks to Klipy (also doctor)
	grpSandbox  = "sandbox"  // sandbox only
)

// flagSpec describes one flag: its name, its environment variable (empty
// for output switches that are not configuration), its default and the
// groups of commands that accept it. The README's configuration reference
// and the packaging files are checked against this table.
type flagSpec struct {
	Name    string
	Env     string
	Default string
	Bool    bool
	Group   string
	Usage   string
}

// flagTable is every flag klipy-mcp accepts.
var flagTable = []flagSpec{
	{Name: "api-key", Env: "KLIPY_API_KEY", Group: grpUpstream, Usage: "Klipy API key (klipy_api_…); never logged"},
	{Name: "base-url", Env: "KLIPY_BASE_URL", Default: defaultBaseURL, Group: grpUpstream, Usage: "Klipy API base URL"},
	{Name: "sandbox", Env: "KLIPY_SANDBOX", Default: "false", Bool: true, Group: grpUpstream, Usage: "use the embedded demo workspace instead of the real API (no key, no network)"},
	{Name: "scopes", Env: "KLIPY_SCOPES", Group: grpUpstream, Usage: "comma list of the key's scopes, when the API does not report them"},
	{Name: "rate-limit", Env: "KLIPY_RATE_LIMIT", Default: "200", Group: grpUpstream, Usage: "requests per minute per key sent upstream"},
	{Name: "timeout", Env: "KLIPY_TIMEOUT", Default: "30s", Group: grpUpstream, Usage: "upper bound for one upstream request"},
	{Name: "read-only", Env: "KLIPY_READ_ONLY", Default: "false", Bool: true, Group: grpServe, Usage: "only read tools exist; nothing re-enables writes"},
	{Name: "toolsets", Env: "KLIPY_TOOLSETS", Default: "all", Group: grpServe, Usage: "comma list of workspace,people,companies,interactions (or all)"},
	{Name: "tools", Env: "KLIPY_TOOLS", Group: grpServe, Usage: "comma list of tools to keep (default: every tool of the toolsets)"},
	{Name: "exclude-tools", Env: "KLIPY_EXCLUDE_TOOLS", Group: grpServe, Usage: "comma list of tools to drop"},
	{Name: "search-scan", Env: "KLIPY_SEARCH_SCAN", Default: "1000", Group: grpServe, Usage: "most records search_people scans for a free-text query"},
	{Name: "confirm-destructive", Env: "KLIPY_CONFIRM_DESTRUCTIVE", Default: "auto", Group: grpServe, Usage: "auto|always|never: how deletes are confirmed"},
	{Name: "log-level", Env: "KLIPY_LOG_LEVEL", Default: "info", Group: grpLog, Usage: "debug|info|warn|error"},
	{Name: "log-format", Env: "KLIPY_LOG_FORMAT", Default: "text", Group: grpLog, Usage: "text|json"},
	{Name: "log-file", Env: "KLIPY_LOG_FILE", Group: grpLog, Usage: "append logs to this file instead of stderr (never stdout)"},
	{Name: "addr", Env: "KLIPY_ADDR", Default: "127.0.0.1:8080", Group: grpListen, Usage: "listen address (sandbox: 127.0.0.1:8787)"},
	{Name: "public", Env: "KLIPY_PUBLIC", Default: "false", Bool: true, Group: grpListen, Usage: "allow a non-loopback address; hosted mode: callers must send their own key"},
	{Name: "allowed-origins", Env: "KLIPY_ALLOWED_ORIGINS", Group: grpHTTP, Usage: "comma list of browser origins allowed to call /mcp"},
	{Name: "redis-url", Env: "KLIPY_REDIS_URL", Group: grpHTTP, Usage: "share rate-limit state across replicas (redis://…)"},
	{Name: "discovery-rate", Env: "KLIPY_DISCOVERY_RATE", Default: "60", Group: grpHTTP, Usage: "checks of keys not yet known (GET /authenticate) per minute, for the whole process"},
	{Name: "max-sessions-per-key", Env: "KLIPY_MAX_SESSIONS_PER_KEY", Default: "100", Group: grpHTTP, Usage: "most sessions one key holds open; past it the key's least recently used idle one is closed"},
	{Name: "max-sessions", Env: "KLIPY_MAX_SESSIONS", Default: "5000", Group: grpHTTP, Usage: "most sessions the process holds open; past it the least recently used idle one is closed"},
	{Name: "metrics-token", Env: "KLIPY_METRICS_TOKEN", Group: grpHTTP, Usage: "bearer token /metrics requires (Authorization: Bearer <token>); never logged"},
	{Name: "oauth", Env: "KLIPY_OAUTH", Default: "false", Bool: true, Group: grpHTTP, Usage: "act as the OAuth 2.1 authorization server for hosted connectors (Claude.ai, ChatGPT)"},
	{Name: "public-url", Env: "KLIPY_PUBLIC_URL", Group: grpHTTP, Usage: "the server's external origin (issuer and resource), e.g. https://mcp.example.com (default: from --addr)"},
	{Name: "oauth-secret", Env: "KLIPY_OAUTH_SECRET", Group: grpHTTP, Usage: "32-byte key (base64) that encrypts stored Klipy keys; required with --oauth, the same on every replica; never logged"},
	{Name: "play", Env: "KLIPY_SANDBOX_PLAY", Group: grpSandbox, Usage: "comma list of API variants the fake plays (e.g. relay-list,authenticate-needs-all-403); see docs/sandbox.md"},
	{Name: "json", Default: "false", Bool: true, Group: grpOutput, Usage: "print JSON (call: the whole result; tools: the tools/list payload; doctor: the report)"},
	{Name: "readme", Group: grpTools, Usage: "rewrite the tool table between the markers of this markdown file"},
}

// commandGroups says which flag groups each command accepts.
var commandGroups = map[string][]string{
	"stdio":   {grpUpstream, grpServe, grpLog},
	"http":    {grpUpstream, grpServe, grpLog, grpListen, grpHTTP},
	"call":    {grpUpstream, grpServe, grpLog, grpOutput},
	"tools":   {grpUpstream, grpServe, grpLog, grpOutput, grpTools},
	"doctor":  {grpUpstream, grpLog, grpOutput},
	"sandbox": {grpLog, grpListen, grpSandbox},
	"version": {},
}

// sandboxAddr is the sandbox command's default listen address.
const sandboxAddr = "127.0.0.1:8787"

// flagValues are the raw values of one command's flags by name, and for
// those taken from the environment, the variable's name (for messages).
type flagValues struct {
	val map[string]string
	env map[string]string
}

// parseFlags parses args for cmd: flags may come before or after positional
// arguments ("--" ends the flags), and every flag not given on the command
// line takes its environment variable when set. It returns the values and
// the positional arguments.
func parseFlags(cmd string, args []string, getenv func(string) string) (flagValues, []string, error) {
	fs := flag.NewFlagSet("klipy-mcp "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	values := make(map[string]*string)
	for _, spec := range flagsFor(cmd) {
		def := spec.Default
		if cmd == "sandbox" && spec.Name == "addr" {
			def = sandboxAddr
		}
		v := new(string)
		*v = def
		fs.Var(&stringFlag{v: v, bool: spec.Bool}, spec.Name, spec.Usage)
		values[spec.Name] = v
	}
	pos, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return flagValues{}, nil, err
	}
	if err != nil {
		return flagValues{}, nil, usageError("%v (see klipy-mcp %s -h)", err, cmd)
	}
	out := flagValues{val: make(map[string]string, len(values)), env: applyEnv(fs, getenv)}
	for name, v := range values {
		out.val[name] = *v
	}
	return out, pos, nil
}

// flagsFor returns the flags cmd accepts, in table order.
func flagsFor(cmd string) []flagSpec {
	var out []flagSpec
	for _, spec := range flagTable {
		if slices.Contains(commandGroups[cmd], spec.Group) {
			out = append(out, spec)
		}
	}
	return out
}

// parseInterleaved parses flags anywhere in args. Everything after a "--"
// is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, rest = args[:i], args[i+1:]
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return append(pos, rest...), nil
}

// applyEnv sets every flag that was not on the command line from its
// environment variable, so flags win over the environment. It returns the
// variables it used, by flag name.
func applyEnv(fs *flag.FlagSet, getenv func(string) string) map[string]string {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	used := make(map[string]string)
	for _, spec := range flagTable {
		if spec.Env == "" || set[spec.Name] || fs.Lookup(spec.Name) == nil {
			continue
		}
		if v := getenv(spec.Env); v != "" {
			_ = fs.Set(spec.Name, v) // stringFlag.Set cannot fail
			used[spec.Name] = spec.Env
		}
	}
	return used
}

// stringFlag stores a flag's raw text; typed parsing happens in one place
// (config.go) so that flag and environment values share their error messages.
type stringFlag struct {
	v    *string
	bool bool
}

func (f *stringFlag) String() string {
	if f.v == nil {
		return ""
	}
	return *f.v
}

func (f *stringFlag) Set(s string) error { *f.v = s; return nil }

// IsBoolFlag lets "--sandbox" stand for "--sandbox=true".
func (f *stringFlag) IsBoolFlag() bool { return f.bool }

// printUsage writes the help for cmd (or the overall help when cmd is empty).
func printUsage(w io.Writer, cmd string) {
	if cmd == "" {
		fmt.Fprint(w, overallHelp)
		return
	}
	fmt.Fprintf(w, "Usage: klipy-mcp %s [flags]%s\n\n%s\n\nFlags:\n", cmd, commandArgs[cmd], commandHelp[cmd])
	for _, spec := range flagsFor(cmd) {
		def := spec.Default
		if cmd == "sandbox" && spec.Name == "addr" {
			def = sandboxAddr
		}
		line := fmt.Sprintf("  --%s", spec.Name)
		if spec.Env != "" {
			line += " ($" + spec.Env + ")"
		}
		fmt.Fprintf(w, "%s\n      %s", line, spec.Usage)
		if def != "" && def != "false" {
			fmt.Fprintf(w, " (default %s)", def)
		}
		fmt.Fprintln(w)
	}
}

// commandHelp is the one-line description of each command.
var commandHelp = map[string]string{
	"stdio":   "Serve MCP over stdin/stdout (what Claude Desktop launches).",
	"http":    "Serve MCP over streamable HTTP at /mcp, plus /healthz, /readyz and /metrics.",
	"call":    "Run one tool exactly as an MCP client would and print its result. Exit 1 when the result is an error.",
	"tools":   "Print the tool catalogue for the current configuration (markdown table, or --json for the tools/list payload).",
	"doctor":  "Check a key end to end: reachability, key validity, workspace, scopes, rate-limit headroom, and for every read operation the answer's shape, cursor, filters and contract drift (--json for a bug report). Never writes.",
	"sandbox": "Serve the fake Klipy REST API, seeded with the demo workspace, for people building integrations.",
	"version": "Print the version, commit and Go version.",
}

// commandArgs shows each command's positional arguments.
var commandArgs = map[string]string{"call": " TOOL [JSON-ARGS]"}

// commandOrder is the order commands are listed in.
var commandOrder = []string{"stdio", "http", "call", "tools", "doctor", "sandbox", "version"}

var overallHelp = func() string {
	var b strings.Builder
	b.WriteString("klipy-mcp: an MCP server for the Klipy CRM.\n\nUsage: klipy-mcp COMMAND [flags]\n\nCommands:\n")
	for _, c := range commandOrder {
		fmt.Fprintf(&b, "  %-8s %s\n", c, commandHelp[c])
	}
	b.WriteString("\nRun 'klipy-mcp COMMAND -h' for a command's flags. Every flag has an environment variable; flags win.\n")
	return b.String()
}()

// osGetenv is the environment lookup main uses.
var osGetenv = os.Getenv
