package klipymcp_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// TestStdioInputKinds plays the same session over each kind of input a
// client may give: a pipe (Go, Python), a socket (Node-based clients such
// as Claude Desktop) and a regular file (which ends before anything is
// answered). The first two are read through the runtime's poller on one
// processor; every request is answered either way, and the input the
// client holds is left as it was.
func TestStdioInputKinds(t *testing.T) {
	session := mustRead(t, "testdata/stdio_session.jsonl")
	for _, tc := range []struct {
		name  string
		input string // as logged at start-up
		procs string
		env   []string
	}{
		{name: "pipe", input: "poller", procs: "1"},
		{name: "socket", input: "poller", procs: "1"},
		{name: "file", input: "blocking"},
		{name: "pipe", input: "poller", procs: "2", env: []string{"GOMAXPROCS=2"}},
	} {
		t.Run(tc.name+strings.Join(tc.env, ""), func(t *testing.T) {
			t.Parallel()
			base := fakeAPI(t, klipytest.NewSandbox())
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			env := append([]string{"KLIPY_API_KEY=" + klipytest.SandboxKey}, tc.env...)
			cmd := command(ctx, env, "stdio", "--base-url", base, "--log-format", "json")
			stderr := &syncBuffer{}
			cmd.Stderr = stderr

			// out is where the test reads answers; held is the server's input
			// as the client holds it; endInput ends the session.
			var out *os.File
			var held int
			var endInput func()
			switch tc.name {
			case "pipe":
				var in [2]int
				if err := syscall.Pipe2(in[:], syscall.O_CLOEXEC); err != nil {
					t.Fatal(err)
				}
				cmd.Stdin = os.NewFile(uintptr(in[0]), "stdin")
				w := os.NewFile(uintptr(in[1]), "w")
				defer w.Close()
				held = in[0]
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				defer func() { cmd.Stdin.(*os.File).Close() }()
				start(t, cmd)
				out = stdout.(*os.File)
				if _, err := w.Write(session); err != nil {
					t.Fatal(err)
				}
				endInput = func() { w.Close() }
			case "socket":
				fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
				if err != nil {
					t.Fatal(err)
				}
				mine, theirs := os.NewFile(uintptr(fds[0]), "client"), os.NewFile(uintptr(fds[1]), "server")
				defer mine.Close()
				defer theirs.Close()
				cmd.Stdin, cmd.Stdout = theirs, theirs
				held = fds[1]
				start(t, cmd)
				if _, err := mine.Write(session); err != nil {
					t.Fatal(err)
				}
				out = mine
				endInput = func() { syscall.Shutdown(fds[0], syscall.SHUT_WR) }
			case "file":
				f, err := os.Open("testdata/stdio_session.jsonl")
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				cmd.Stdin = f
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				start(t, cmd)
				out = stdout.(*os.File)
				endInput = func() {}
			}

			ids, _ := readUntilAnswered(t, bufio.NewScanner(out), 8)
			// A pipe is reopened; a socket's description is shared, so it is
			// non-blocking during the session and put back at its end.
			if tc.name == "pipe" && nonblocking(t, held) {
				t.Error("the pipe the client holds was made non-blocking during the session")
			}
			endInput()
			if err := cmd.Wait(); err != nil {
				t.Errorf("stdio after EOF: %v, want exit 0\n%s", err, stderr)
			}
			if diff := cmp.Diff([]float64{1, 2, 3, 4, 5, 6, 7, 8}, ids); diff != "" {
				t.Errorf("answered ids (-want +got):\n%s", diff)
			}
			if held != 0 && nonblocking(t, held) {
				t.Error("the input the client holds was left non-blocking")
			}
			log := stderr.String()
			if !strings.Contains(log, `"input":"`+tc.input+`","output":"poller"`) {
				t.Errorf("start-up log does not say input=%s output=poller:\n%s", tc.input, log)
			}
			if tc.procs != "" && !strings.Contains(log, `"gomaxprocs":`+tc.procs+`,`) && !strings.Contains(log, `"gomaxprocs":`+tc.procs+`}`) {
				t.Errorf("start-up log does not say gomaxprocs=%s:\n%s", tc.procs, log)
			}
		})
	}
}

func start(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

// nonblocking reports whether fd's open file description is non-blocking.
func nonblocking(t *testing.T, fd int) bool {
	t.Helper()
	flags, _, errno := syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0)
	if errno != 0 {
		t.Fatal(errno)
	}
	return flags&syscall.O_NONBLOCK != 0
}

// TestStdioAnswersAfterInputEnds: a client that writes its requests and
// closes its end at once (a script, a pipeline) still gets every answer,
// none of them cancelled, the last request is read though it has no
// newline, and the server then exits promptly.
func TestStdioAnswersAfterInputEnds(t *testing.T) {
	t.Parallel()
	session := bytes.TrimRight(mustRead(t, "testdata/stdio_session.jsonl"), "\n")
	p := startStdio(t, "--log-format", "json")
	cmd, stdin, stdout, stderr := p.cmd, p.stdin, p.stdout, p.stderr
	if _, err := stdin.Write(session); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	ended := time.Now()

	ids, lines := readUntilAnswered(t, bufio.NewScanner(stdout), 8)
	if err := cmd.Wait(); err != nil {
		t.Errorf("stdio after EOF: %v, want exit 0\n%s", err, stderr)
	}
	if d := time.Since(ended); d > 10*time.Second {
		t.Errorf("exited %s after its input ended, want promptly", d)
	}
	if diff := cmp.Diff([]float64{1, 2, 3, 4, 5, 6, 7, 8}, ids); diff != "" {
		t.Errorf("answered ids (-want +got):\n%s", diff)
	}
	for _, l := range lines {
		if strings.Contains(l, "cancel") {
			t.Errorf("an answer was cut short by the end of input: %s", l)
		}
	}
}
