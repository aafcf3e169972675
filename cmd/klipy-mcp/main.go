// Command klipy-mcp is an MCP server for the Klipy CRM: it serves Klipy's
// people, companies and interactions to AI assistants over stdio or
// streamable HTTP, and has commands to call a tool, print the catalogue,
// check a key (doctor) and run a local fake of the Klipy API (sandbox).
//
// Flags, environment and exit codes live here and nowhere else: exit 0 on
// success, 1 when the work failed (a tool error, a doctor problem, a server
// error), 2 on bad usage or configuration.
package main

//go:generate go run . tools --readme ../../README.md

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
)

// Stamped at build time with
// -ldflags "-X main.version=v1.2.3 -X main.commit=abc1234".
var (
	version = ""
	commit  = ""
)

// env is what a command runs with: its input and output streams (the real
// stdin and stdout), the error stream, the environment and the
// configuration.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cfg    *config
	args   []string
}

func main() {
	// stdout is the protocol in stdio mode: keep the real one for the
	// transport and command output, and send everything else that would
	// write to os.Stdout (or the log package) to stderr.
	realStdout := os.Stdout
	os.Stdout = os.Stderr
	log.SetOutput(os.Stderr)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, realStdout, os.Stderr, osGetenv)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		printUsage(stderr, "")
		return 2
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "-h", "-help", "--help", "help":
		printUsage(stdout, "")
		return 0
	case "-v", "--version":
		cmd = "version"
	}
	runner, ok := commands[cmd]
	if !ok {
		fmt.Fprintf(stderr, "klipy-mcp: unknown command %q: use one of stdio, http, call, tools, doctor, sandbox, version\n", cmd)
		return 2
	}
	err := runCommand(ctx, cmd, runner, rest, stdin, stdout, stderr, getenv)
	return exitCode(stderr, cmd, err)
}

// runCommand parses the flags for cmd and runs it.
func runCommand(ctx context.Context, cmd string, runner commandFunc, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	vals, pos, err := parseFlags(cmd, args, getenv)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(vals)
	if err != nil {
		return err
	}
	return runner(ctx, &env{stdin: stdin, stdout: stdout, stderr: stderr, cfg: cfg, args: pos})
}

// exitCode prints err (one line) and maps it to the exit code.
func exitCode(stderr io.Writer, cmd string, err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		printUsage(stderr, cmd)
		return 0
	case errors.Is(err, errSilent):
		return 1
	case errors.Is(err, errUsage):
		fmt.Fprintln(stderr, "klipy-mcp:", trimUsage(err))
		return 2
	default:
		fmt.Fprintln(stderr, "klipy-mcp:", err)
		return 1
	}
}

// errSilent means the command already reported its failure; exit 1.
var errSilent = errors.New("failed")

// trimUsage drops the "usage: " marker from a usage error's message.
func trimUsage(err error) string {
	msg := err.Error()
	const prefix = "usage: "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}

// commandFunc runs one command.
type commandFunc func(ctx context.Context, e *env) error

// commands maps each command name to its implementation.
var commands map[string]commandFunc

func init() {
	commands = map[string]commandFunc{
		"stdio":   runStdio,
		"http":    runHTTP,
		"call":    runCall,
		"tools":   runTools,
		"doctor":  runDoctor,
		"sandbox": runSandbox,
		"version": runVersion,
	}
}

// runVersion prints the version, commit and Go version.
func runVersion(_ context.Context, e *env) error {
	fmt.Fprintf(e.stdout, "klipy-mcp %s\ncommit %s\n%s %s/%s\n", buildVersion(), buildCommit(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// buildVersion is the stamped version, else the module version the binary
// was built from (go install …@v1.2.3), else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// buildCommit is the stamped commit, else the VCS revision Go recorded.
func buildCommit() string {
	if commit != "" {
		return commit
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
	}
	return "unknown"
}
