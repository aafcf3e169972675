package klipymcp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
	"github.com/klipy-ai/klipy-mcp/tools"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

var sigterm = syscall.SIGTERM

// connectStdio starts `klipy-mcp stdio` against the fake with key and
// connects the go-sdk client to it.
func connectStdio(t *testing.T, base, key string, extra ...string) *mcp.ClientSession {
	t.Helper()
	args := append([]string{"stdio", "--base-url", base}, extra...)
	cmd := command(context.Background(), []string{"KLIPY_API_KEY=" + key}, args...)
	cmd.Stderr = &syncBuffer{}
	client := mcp.NewClient(&mcp.Implementation{Name: "e2e-go-sdk", Version: "1.0"}, nil)
	cs, err := client.Connect(t.Context(), &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\nstderr:\n%s", err, cmd.Stderr)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func toolNames(ts []*mcp.Tool) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	slices.Sort(out)
	return out
}

func TestStdioWithGoSDKClient(t *testing.T) {
	t.Parallel()
	fake := klipytest.NewSandbox()
	base := fakeAPI(t, fake)
	cs := connectStdio(t, base, klipytest.SandboxKey)

	if got := cs.InitializeResult().ServerInfo; got.Name != "klipy-mcp" || got.Version != stampVersion {
		t.Errorf("serverInfo = %+v, want klipy-mcp %s", got, stampVersion)
	}
	list, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(slices.Sorted(slices.Values(tools.ToolNames())), toolNames(list.Tools)); diff != "" {
		t.Errorf("tools/list (-inventory +listed):\n%s", diff)
	}

	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "search_people", Arguments: map[string]any{"query": "jordan"}})
	if err != nil {
		t.Fatal(err)
	}
	var found struct {
		People []struct{ Email string } `json:"people"`
	}
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &found); err != nil || res.IsError || len(found.People) == 0 {
		t.Fatalf("search_people: isError=%v structured=%s err=%v", res.IsError, b, err)
	}
	for _, p := range found.People {
		if !strings.Contains(strings.ToLower(p.Email), "jordan") {
			t.Errorf("search for jordan returned %s", p.Email)
		}
	}

	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "get_person", Arguments: map[string]any{"person_id": "per_missing"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError {
		t.Error("get_person of a missing id is not an isError result")
	}
	for key, n := range keyCount(fake) {
		if key != klipytest.SandboxKey {
			t.Errorf("the fake saw %d request(s) with another key", n)
		}
	}
}

func TestStdioToolsFollowKeyScopes(t *testing.T) {
	t.Parallel()
	fake := klipytest.NewSandbox()
	fake.AddKey(klipytest.Key{Token: "klipy_api_people_reader", Org: klipytest.SandboxOrg, Scopes: []string{"people:read"}})
	cs := connectStdio(t, fakeAPI(t, fake), "klipy_api_people_reader")
	list, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"get_person", "get_workspace", "search_people"}, toolNames(list.Tools)); diff != "" {
		t.Errorf("tools for a people:read key (-want +got):\n%s", diff)
	}
}

func TestStdioReadOnlyFlag(t *testing.T) {
	t.Parallel()
	cs := connectStdio(t, fakeAPI(t, klipytest.NewSandbox()), klipytest.SandboxKey, "--read-only")
	list, err := cs.ListTools(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range list.Tools {
		if tool.Annotations == nil || !tool.Annotations.ReadOnlyHint {
			t.Errorf("--read-only lists %s", tool.Name)
		}
	}
}

// TestStdioStdoutIsOnlyJSONRPC writes a raw session (with a malformed
// line) with debug logging on, and checks that every byte on stdout is a
// JSON-RPC message and that every request got its answer.
func TestStdioStdoutIsOnlyJSONRPC(t *testing.T) {
	t.Parallel()
	session, err := os.ReadFile("testdata/stdio_session.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	p := startStdio(t, "--log-level", "debug")
	cmd, stdin, stdout, stderr := p.cmd, p.stdin, p.stdout, p.stderr
	if _, err := stdin.Write(session); err != nil {
		t.Fatal(err)
	}

	ids, lines := readUntilAnswered(t, bufio.NewScanner(stdout), 8)
	stdin.Close() // EOF ends the session
	if err := cmd.Wait(); err != nil {
		t.Errorf("stdio after EOF: %v, want exit 0\n%s", err, stderr)
	}
	if diff := cmp.Diff([]float64{1, 2, 3, 4, 5, 6, 7, 8}, ids); diff != "" {
		t.Errorf("answered ids (-want +got):\n%s", diff)
	}
	if !strings.Contains(stderr.String(), "level=DEBUG") {
		t.Errorf("no debug log on stderr:\n%s", stderr)
	}
	assertNoKey(t, "stdout", strings.Join(lines, "\n"), klipytest.SandboxKey)
	assertNoKey(t, "stderr", stderr.String(), klipytest.SandboxKey)
}

// readUntilAnswered reads stdout lines, checking each is a JSON-RPC 2.0
// message, until n requests have been answered; it returns the sorted ids.
func readUntilAnswered(t *testing.T, sc *bufio.Scanner, n int) ([]float64, []string) {
	t.Helper()
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	var ids []float64
	var lines []string
	for len(ids) < n && sc.Scan() {
		line := sc.Text()
		lines = append(lines, line)
		var msg struct {
			JSONRPC string `json:"jsonrpc"`
			ID      any    `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil || msg.JSONRPC != "2.0" {
			t.Errorf("stdout line is not JSON-RPC: %q", line)
			continue
		}
		if id, ok := msg.ID.(float64); ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, lines
}

func TestStdioExitsZeroOnSIGTERM(t *testing.T) {
	t.Parallel()
	p := startStdio(t)
	cmd, stdin, stdout := p.cmd, p.stdin, p.stdout
	defer stdin.Close()
	first := strings.SplitN(string(mustRead(t, "testdata/stdio_session.jsonl")), "\n", 2)[0]
	if _, err := stdin.Write([]byte(first + "\n")); err != nil {
		t.Fatal(err)
	}
	readUntilAnswered(t, bufio.NewScanner(stdout), 1) // the server is serving
	if err := cmd.Process.Signal(sigterm); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		var ee *exec.ExitError
		if ok := asExit(err, &ee); ok {
			t.Errorf("exit code %d after SIGTERM, want 0", ee.ExitCode())
		} else {
			t.Error(err)
		}
	}
}

// stdioProcess is klipy-mcp stdio running against the sandbox fake, with
// its streams.
type stdioProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout io.ReadCloser
	stderr *syncBuffer
}

// startStdio starts klipy-mcp stdio with args against a fresh sandbox fake,
// bounded to 30 s.
func startStdio(t *testing.T, args ...string) stdioProcess {
	t.Helper()
	base := fakeAPI(t, klipytest.NewSandbox())
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	cmd := command(ctx, []string{"KLIPY_API_KEY=" + klipytest.SandboxKey}, append([]string{"stdio", "--base-url", base}, args...)...)
	p := stdioProcess{cmd: cmd, stderr: &syncBuffer{}}
	p.stdin, _ = cmd.StdinPipe()
	p.stdout, _ = cmd.StdoutPipe()
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func asExit(err error, target **exec.ExitError) bool {
	ee, ok := err.(*exec.ExitError)
	*target = ee
	return ok
}
