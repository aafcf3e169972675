package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/hosting"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// runCLI runs one command line in-process with the given environment and
// returns the exit code, stdout and stderr.
func runCLI(t *testing.T, environ map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return environ[k] }
	code := run(t.Context(), args, strings.NewReader(""), &stdout, &stderr, getenv)
	return code, stdout.String(), stderr.String()
}

func TestUsageErrorsExit2WithOneLine(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string // a fragment of the one stderr line
	}{
		{"unknown command", nil, []string{"serve"}, `unknown command "serve"`},
		{"stdio without key", nil, []string{"stdio"}, "no API key: set --api-key or KLIPY_API_KEY, or use --sandbox"},
		{"call without key", nil, []string{"call", "get_workspace"}, "no API key"},
		{"doctor without key", nil, []string{"doctor"}, "no API key"},
		{"bad rate limit flag", nil, []string{"stdio", "--sandbox", "--rate-limit", "0"}, `invalid --rate-limit "0"`},
		{"bad env value", map[string]string{"KLIPY_TIMEOUT": "soon"}, []string{"stdio", "--sandbox"}, `invalid KLIPY_TIMEOUT="soon"`},
		{"bad bool env", map[string]string{"KLIPY_SANDBOX": "maybe"}, []string{"stdio"}, `invalid KLIPY_SANDBOX="maybe"`},
		{"unknown flag", nil, []string{"stdio", "--nope"}, "flag provided but not defined: -nope"},
		{"flag of another command", nil, []string{"stdio", "--addr", "127.0.0.1:1"}, "-addr"},
		{"public address without --public", nil, []string{"http", "--sandbox", "--addr", "0.0.0.0:0"}, "add --public"},
		{"bad address", nil, []string{"http", "--addr", "nowhere"}, `invalid --addr "nowhere"`},
		{"unknown scope", nil, []string{"stdio", "--sandbox", "--scopes", "people:read,people:fly"}, "unknown scope people:fly"},
		{"bad base URL", nil, []string{"stdio", "--api-key", "k", "--base-url", "api.klipy.ai"}, `invalid --base-url "api.klipy.ai"`},
		{"bad confirm mode", nil, []string{"stdio", "--sandbox", "--confirm-destructive", "sometimes"}, "use one of auto, always, never"},
		{"bad log format", nil, []string{"stdio", "--sandbox", "--log-format", "xml"}, "use one of text, json"},
		{"call without tool", nil, []string{"call", "--sandbox"}, "call needs a tool name"},
		{"call with bad JSON", nil, []string{"call", "search_people", "{query", "--sandbox"}, "JSON-ARGS must be a JSON object"},
		{"call with JSON array", nil, []string{"call", "search_people", "[1]", "--sandbox"}, "JSON-ARGS must be a JSON object"},
		{"tools with argument", nil, []string{"tools", "extra"}, "tools takes no arguments"},
		{"unknown variant to play", nil, []string{"sandbox", "--play", "relay-list,fly"}, `unknown variant "fly"; valid: person-delete-needs-all, `},
		{"unknown variant in env", map[string]string{"KLIPY_SANDBOX_PLAY": "fly"}, []string{"sandbox"}, `invalid KLIPY_SANDBOX_PLAY="fly"`},
		{"two auth modes", nil, []string{"sandbox", "--play", "authenticate-needs-all-403,authenticate-needs-all-401"}, "at most one authenticate-needs-all mode"},
		{"play outside the sandbox", nil, []string{"http", "--sandbox", "--play", "relay-list"}, "-play"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.env, tt.args...)
			if code != 2 {
				t.Errorf("exit code = %d, want 2 (stderr %q)", code, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "klipy-mcp: ") || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr = %q, want one line starting klipy-mcp: and containing %q", stderr, tt.want)
			}
		})
	}
}

func TestNoCommandPrintsHelpAndExits2(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil)
	if code != 2 || stdout != "" {
		t.Fatalf("exit %d, stdout %q; want 2 and no stdout", code, stdout)
	}
	for _, c := range commandOrder {
		if !strings.Contains(stderr, "  "+c+" ") {
			t.Errorf("help does not list %s:\n%s", c, stderr)
		}
	}
}

func TestCommandHelpListsFlagsAndEnv(t *testing.T) {
	code, _, stderr := runCLI(t, nil, "http", "-h")
	if code != 0 {
		t.Fatalf("exit %d, want 0", code)
	}
	for _, want := range []string{"--addr ($KLIPY_ADDR)", "default 127.0.0.1:8080", "--redis-url ($KLIPY_REDIS_URL)", "--api-key ($KLIPY_API_KEY)"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("http -h lacks %q:\n%s", want, stderr)
		}
	}
}

func TestFlagsWinOverEnvironment(t *testing.T) {
	env := map[string]string{"KLIPY_RATE_LIMIT": "50", "KLIPY_TIMEOUT": "5s", "KLIPY_TOOLSETS": "people", "KLIPY_SANDBOX": "true"}
	vals, pos, err := parseFlags("call", []string{"get_person", "--rate-limit=70", `{"person_id":"p"}`, "--json"}, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(vals)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"get_person", `{"person_id":"p"}`}, pos); diff != "" {
		t.Errorf("positional (-want +got):\n%s", diff)
	}
	got := struct {
		RateLimit int
		Timeout   time.Duration
		Toolsets  []string
		Sandbox   bool
		JSON      bool
	}{cfg.RateLimit, cfg.Timeout, cfg.Toolsets, cfg.Sandbox, cfg.JSON}
	want := struct {
		RateLimit int
		Timeout   time.Duration
		Toolsets  []string
		Sandbox   bool
		JSON      bool
	}{70, 5 * time.Second, []string{"people"}, true, true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
}

func TestDefaults(t *testing.T) {
	for cmd, wantAddr := range map[string]string{"http": "127.0.0.1:8080", "sandbox": sandboxAddr} {
		vals, _, err := parseFlags(cmd, nil, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := loadConfig(vals)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != wantAddr {
			t.Errorf("%s: addr = %q, want %q", cmd, cfg.Addr, wantAddr)
		}
	}
	vals, _, err := parseFlags("stdio", nil, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(vals)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.BaseURL != defaultBaseURL || cfg.RateLimit != 200 || cfg.Timeout != 30*time.Second ||
		cfg.SearchScan != 1000 || cfg.Confirm != "auto" || cfg.LogLevel != "info" || cfg.LogFormat != "text" {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestDoubleDashEndsFlags(t *testing.T) {
	_, pos, err := parseFlags("call", []string{"--sandbox", "--", "x", "--json"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"x", "--json"}, pos); diff != "" {
		t.Errorf("positional (-want +got):\n%s", diff)
	}
}

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "": false, "0.0.0.0": false, "10.0.0.1": false, "example.com": false} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestVersion(t *testing.T) {
	version, commit = "v1.2.3", "abc1234"
	t.Cleanup(func() { version, commit = "", "" })
	code, stdout, _ := runCLI(t, nil, "version")
	if code != 0 || !strings.Contains(stdout, "klipy-mcp v1.2.3") || !strings.Contains(stdout, "commit abc1234") || !strings.Contains(stdout, "go1.") {
		t.Errorf("version: exit %d, output %q", code, stdout)
	}
}

func TestKeyFingerprintHidesKey(t *testing.T) {
	const key = "klipy_api_secret_value"
	fp := keyFingerprint(key)
	if strings.Contains(fp, "secret") || len(fp) != len("sha256:")+8 || fp != keyFingerprint(key) {
		t.Errorf("fingerprint %q", fp)
	}
}

func TestSignalContextStopsRun(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	if code != 0 {
		t.Errorf("sandbox with a cancelled context: exit %d, stderr %q", code, errb.String())
	}
}

// TestHostingCapsAndMetricsToken: the session caps and the metrics token
// reach the host from flags and environment, with their defaults.
func TestHostingCapsAndMetricsToken(t *testing.T) {
	for _, tc := range []struct {
		args          []string
		env           map[string]string
		perKey, total int
		token         string
	}{
		{nil, nil, 100, 5000, ""},
		{nil, map[string]string{"KLIPY_MAX_SESSIONS_PER_KEY": "7", "KLIPY_MAX_SESSIONS": "70", "KLIPY_METRICS_TOKEN": "tok"}, 7, 70, "tok"},
		{[]string{"--max-sessions-per-key=3", "--max-sessions", "30", "--metrics-token=t2"}, map[string]string{"KLIPY_MAX_SESSIONS": "70"}, 3, 30, "t2"},
	} {
		hc := httpHostingConfig(t, tc.args, tc.env)
		if hc.MaxSessionsPerKey != tc.perKey || hc.MaxSessions != tc.total || hc.MetricsToken != tc.token {
			t.Errorf("%v %v: caps %d/%d, token %q; want %d/%d, %q", tc.args, tc.env, hc.MaxSessionsPerKey, hc.MaxSessions, hc.MetricsToken, tc.perKey, tc.total, tc.token)
		}
	}
	vals, _, _ := parseFlags("http", []string{"--max-sessions=0"}, func(string) string { return "" })
	if _, err := loadConfig(vals); err == nil {
		t.Error("--max-sessions=0 was accepted")
	}
}

// TestStdioReadsInjectedStdin runs the stdio command in-process on a given
// input: it answers each request on stdout and ends when the input ends.
func TestStdioReadsInjectedStdin(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	done := make(chan int)
	go func() {
		code := run(t.Context(), []string{"stdio", "--sandbox"}, inR, outW, &stderr, func(string) string { return "" })
		outW.Close()
		done <- code
	}()
	go io.WriteString(inW, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_workspace","arguments":{}}}
`)
	// Requests are answered concurrently, so in either order.
	sc := bufio.NewScanner(outR)
	sc.Buffer(nil, 1<<20)
	var out []string
	for len(out) < 2 && sc.Scan() {
		out = append(out, sc.Text())
	}
	inW.Close()
	go io.Copy(io.Discard, outR)
	if code := <-done; code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr.String())
	}
	all := strings.Join(out, "\n")
	if len(out) != 2 || !strings.Contains(all, `"serverInfo"`) || !strings.Contains(all, `"scopes_known":true`) {
		t.Errorf("want the initialize and get_workspace answers, got:\n%s", all)
	}
}

// TestPlayEveryVariant: --play (or KLIPY_SANDBOX_PLAY) accepts every
// variant the fake can play, and the sandbox then plays each.
func TestPlayEveryVariant(t *testing.T) {
	var names []string
	for _, v := range klipytest.Variants() {
		names = append(names, string(v))
	}
	names = append(names, "authenticate-needs-all-401")
	env := map[string]string{"KLIPY_SANDBOX_PLAY": strings.Join(names, ", ")}
	fv, _, err := parseFlags("sandbox", nil, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(fv)
	if err != nil {
		t.Fatal(err)
	}
	fake := klipytest.NewSandbox()
	play(fake, cfg.Play)
	for _, v := range klipytest.Variants() {
		if !fake.Playing(v) {
			t.Errorf("the sandbox does not play %s", v)
		}
	}
}

// httpHostingConfig is the hosting configuration klipy-mcp http builds on
// loopback from args and env.
func httpHostingConfig(t *testing.T, args []string, env map[string]string) hosting.Config {
	t.Helper()
	vals, _, err := parseFlags("http", args, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(vals)
	if err != nil {
		t.Fatal(err)
	}
	hc, err := hostingConfig(cfg, true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return hc
}
