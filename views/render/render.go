// Package render shows klipy-mcp's MCP Apps views in headless Chromium
// through a small test host built on the extension's own host side
// (AppBridge, bundled in host.js by views/build.mjs). The end-to-end tests
// use it to check what a view renders; `klipy-mcp view` uses it to write
// screenshots.
package render

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

//go:embed host.js
var hostJS string

// CallFunc calls a server tool for the view (the host forwards the view's
// tools/call requests) and returns the CallToolResult as JSON.
type CallFunc func(ctx context.Context, name string, args map[string]any) (json.RawMessage, error)

// Host is one headless Chromium tab running the test host page.
type Host struct {
	ctx    context.Context
	cancel context.CancelFunc
	srv    *http.Server
	url    string

	mu      sync.Mutex
	console []string
}

// Report is what the view rendered, as the host page read it from the
// view's document.
type Report struct {
	Name           string     `json:"name"`
	Subtitle       string     `json:"subtitle"`
	Facts          [][]string `json:"facts"`
	Links          []string   `json:"links"`
	Sections       []string   `json:"sections"`
	Days           []string   `json:"days"`
	Items          int        `json:"items"`
	ItemTitles     []string   `json:"itemTitles"`
	ItemTypes      []string   `json:"itemTypes"`
	ItemDirections []string   `json:"itemDirections"`
	Summaries      []string   `json:"summaries"`
	MoreButtons    int        `json:"moreButtons"`
	People         []string   `json:"people"`
	States         [][]string `json:"states"`
	Theme          string     `json:"theme"`
	Background     string     `json:"background"`
	Color          string     `json:"color"`
	Font           string     `json:"font"`
	ScrollWidth    int        `json:"scrollWidth"`
	ClientWidth    int        `json:"clientWidth"`
	Height         int        `json:"height"`
	Images         int        `json:"images"`
	Scripts        int        `json:"scripts"`
	// Contrast is the lowest WCAG contrast ratio of the text matching each
	// CSS selector against its background.
	Contrast map[string]float64 `json:"contrast"`
	Host     struct {
		Opened []string `json:"opened"`
		Calls  []struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
		} `json:"calls"`
		Violations []string `json:"violations"`
		XSS        int      `json:"xss"`
	} `json:"report"`
}

// Browser returns the Chromium to use: $KLIPY_CHROMIUM, else the first of
// chromium, chromium-browser, google-chrome on PATH.
func Browser() (string, error) {
	if p := os.Getenv("KLIPY_CHROMIUM"); p != "" {
		return p, nil
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found: install chromium or set KLIPY_CHROMIUM")
}

// Open starts the host page on a loopback port and a headless Chromium
// showing it. call serves the view's tool calls. Close ends both.
func Open(ctx context.Context, browser string, call CallFunc) (*Host, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &Host{url: "http://" + ln.Addr().String() + "/"}
	h.srv = &http.Server{Handler: h.mux(call), ReadHeaderTimeout: 5 * time.Second}
	go h.srv.Serve(ln)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browser),
		chromedp.NoSandbox, // CI runs as root, where Chromium's own sandbox cannot start
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(1024, 2000),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	tctx, tcancel := chromedp.NewContext(actx)
	h.ctx = tctx
	h.cancel = func() { tcancel(); acancel() }
	if err := chromedp.Listen(tctx, h.record); err != nil {
		h.Close()
		return nil, fmt.Errorf("starting %s: %w", browser, err)
	}
	if err := chromedp.Do(tctx, chromedp.Navigate(h.url), chromedp.WaitReady("body")); err != nil {
		h.Close()
		return nil, fmt.Errorf("starting %s: %w", browser, err)
	}
	return h, nil
}

func (h *Host) mux(call CallFunc) http.Handler {
	mux := http.NewServeMux()
	page := "<!doctype html><html><head><meta charset=\"utf-8\"><title>klipy-mcp view host</title>" +
		"<style>body{margin:0}</style></head><body><script>" + hostJS + "</script></body></html>"
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	})
	mux.HandleFunc("POST /call", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Name      string         `json:"name"`
			Arguments map[string]any `json:"arguments"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if call == nil {
			http.Error(w, "this host forwards no tool calls", http.StatusNotImplemented)
			return
		}
		out, err := call(r.Context(), req.Name, req.Arguments)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(out)
	})
	return mux
}

// record keeps the page's console messages and uncaught exceptions.
func (h *Host) record(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		line = string(ev.Type) + ":"
		for _, a := range ev.Args {
			if len(a.Value) > 0 {
				line += " " + string(a.Value)
			} else {
				line += " " + a.Description
			}
		}
	case *runtime.EventExceptionThrown:
		line = "exception: " + ev.ExceptionDetails.Text
		if ev.ExceptionDetails.Exception != nil {
			line += " " + ev.ExceptionDetails.Exception.Description
		}
	default:
		return
	}
	h.mu.Lock()
	h.console = append(h.console, line)
	h.mu.Unlock()
}

// Console returns the console messages and uncaught exceptions of the host
// page and the view so far.
func (h *Host) Console() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.console)
}

// Close stops Chromium and the host page's server.
func (h *Host) Close() {
	h.cancel()
	h.srv.Close()
}

// run runs action in the host's tab, stopping when ctx ends.
func run[T any](ctx context.Context, h *Host, action chromedp.Action[T]) (T, error) {
	tctx, cancel := context.WithCancel(h.ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	return chromedp.Run(tctx, action)
}

// eval evaluates expr in the host page, awaiting a promise it returns, and
// decodes its value into out (when out is not nil).
func (h *Host) eval(ctx context.Context, expr string, out any) error {
	v, err := run(ctx, h, chromedp.Evaluate[json.RawMessage](expr, chromedp.EvalAwaitPromise))
	if err != nil || out == nil || len(v) == 0 {
		return err
	}
	return json.Unmarshal(v, out)
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Load shows the view document html in the host's iframe, with the host
// context of theme ("light" or "dark") and width CSS pixels, and waits for
// the view's ui/initialize handshake.
func (h *Host) Load(ctx context.Context, html, theme string, width int) error {
	return h.LoadWith(ctx, html, theme, width, true)
}

// LoadWith is Load; without hostStyles the host context carries no style
// variables, so the view's own colours and fonts show.
func (h *Host) LoadWith(ctx context.Context, html, theme string, width int, hostStyles bool) error {
	return h.eval(ctx, fmt.Sprintf("klipyHost.load(%s, %s, %d, %t)", js(html), js(theme), width, hostStyles), nil)
}

// SendResult sends the view a tool result (a CallToolResult as JSON) and
// waits until the view shows no loading state.
func (h *Host) SendResult(ctx context.Context, result json.RawMessage) error {
	if err := h.eval(ctx, fmt.Sprintf("klipyHost.sendResult(%s)", result), nil); err != nil {
		return err
	}
	var ok bool
	if err := h.eval(ctx, "klipyHost.settled(10000)", &ok); err != nil {
		return err
	}
	if !ok {
		return errors.New("the view did not finish rendering within 10 s")
	}
	return nil
}

// SetTheme changes the host context's theme, as a host does when the user
// switches between light and dark.
func (h *Host) SetTheme(ctx context.Context, theme string) error {
	return h.eval(ctx, fmt.Sprintf("klipyHost.setTheme(%s)", js(theme)), nil)
}

// Click clicks the n-th element of the view matching selector.
func (h *Host) Click(ctx context.Context, selector string, n int) error {
	var ok bool
	if err := h.eval(ctx, fmt.Sprintf("klipyHost.click(%s, %d)", js(selector), n), &ok); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no element %q #%d in the view", selector, n)
	}
	return nil
}

// Inspect reports what the view rendered.
func (h *Host) Inspect(ctx context.Context) (*Report, error) {
	var r Report
	if err := h.eval(ctx, "klipyHost.inspect()", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

var yes = true

// Screenshot returns a PNG of the view's iframe at its rendered height.
func (h *Host) Screenshot(ctx context.Context) ([]byte, error) {
	var clip page.Viewport
	if err := h.eval(ctx, `(() => { const r = document.querySelector("iframe").getBoundingClientRect();
		return {x: r.x, y: r.y, width: Math.ceil(r.width), height: Math.ceil(r.height), scale: 1}; })()`, &clip); err != nil {
		return nil, err
	}
	shot := func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format: page.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes, FromSurface: &yes, Clip: &clip})
		if err != nil {
			return nil, err
		}
		return res.Data, nil
	}
	return run(ctx, h, chromedp.Action[[]byte](shot))
}
