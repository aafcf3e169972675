package klipymcp_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klipy-ai/klipy-mcp/views/render"
)

// The MCP Apps views, end to end: the binary serves them to a client that
// declares the extension, and a host built on the extension's AppBridge
// shows them in headless Chromium with a real tool result from the binary.
// Without Chromium the test is skipped, unless KLIPY_TEST_VIEWS=required
// (as in CI). With KLIPY_VIEW_SHOTS=DIR it writes its screenshots there.

const (
	viewJordan = "per_d1d567110f"
	viewAcme   = "cmp_0de099270d"
)

func chromium(t *testing.T) string {
	t.Helper()
	p, err := render.Browser()
	if err != nil {
		if os.Getenv("KLIPY_TEST_VIEWS") == "required" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return p
}

// viewHost is a Chromium host with a tool result from the binary.
type viewHost struct {
	*render.Host
	src *render.Source
}

func openHost(t *testing.T, src *render.Source) *viewHost {
	t.Helper()
	h, err := render.Open(t.Context(), chromium(t), src.Call)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return &viewHost{Host: h, src: src}
}

// show loads the view at uri and sends it result; it returns what rendered.
func (h *viewHost) show(t *testing.T, uri, theme string, width int, result json.RawMessage) *render.Report {
	t.Helper()
	view, err := h.src.View(t.Context(), uri)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Load(t.Context(), view.Text, theme, width); err != nil {
		t.Fatalf("load %s: %v\nconsole: %q", uri, err, h.Console())
	}
	if err := h.SendResult(t.Context(), result); err != nil {
		t.Fatalf("render %s: %v\nconsole: %q", uri, err, h.Console())
	}
	r, err := h.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.Host.XSS != 0 || len(r.Host.Violations) != 0 {
		t.Errorf("%s: payloads ran %d times; CSP violations (network the view must not use): %v", uri, r.Host.XSS, r.Host.Violations)
	}
	return r
}

// shot writes a screenshot to $KLIPY_VIEW_SHOTS when it is set.
func (h *viewHost) shot(t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("KLIPY_VIEW_SHOTS")
	if dir == "" {
		return
	}
	png, err := h.Screenshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func dialStdio(t *testing.T, args ...string) *render.Source {
	t.Helper()
	src, err := render.DialStdio(t.Context(), binary, []string{"HOME=" + os.TempDir()}, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func callJSON(t *testing.T, src *render.Source, tool string, args map[string]any) (json.RawMessage, map[string]any) {
	t.Helper()
	raw, err := src.Call(t.Context(), tool, args)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		StructuredContent map[string]any `json:"structuredContent"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatal(err)
	}
	return raw, res.StructuredContent
}

func TestViewsOverStdio(t *testing.T) {
	chromium(t)
	src := dialStdio(t, "--sandbox")
	for tool, want := range map[string]string{"get_person": "ui://klipy/person", "get_company": "ui://klipy/company", "search_people": ""} {
		if uri, err := src.ViewFor(t.Context(), tool); err != nil || uri != want {
			t.Errorf("%s links to %q (%v), want %q", tool, uri, err, want)
		}
	}
	view, err := src.View(t.Context(), "ui://klipy/person")
	if err != nil {
		t.Fatal(err)
	}
	csp, _ := json.Marshal(view.Meta["ui"].(map[string]any)["csp"])
	if view.MIMEType != "text/html;profile=mcp-app" || !strings.Contains(string(csp), `"connectDomains":[]`) || !strings.Contains(string(csp), `"resourceDomains":[]`) {
		t.Errorf("view resource: mimeType %q, csp %s", view.MIMEType, csp)
	}
	if len(view.Text) > 750*1024 {
		t.Errorf("the person view is %d bytes, over 750 KB", len(view.Text))
	}
	h := openHost(t, src)

	t.Run("person", func(t *testing.T) { checkPerson(t, h) })
	t.Run("company", func(t *testing.T) { checkCompany(t, h) })
	t.Run("states", func(t *testing.T) { checkStates(t, h) })
	t.Run("untrusted text", func(t *testing.T) { checkUntrusted(t, h) })
	t.Run("contrast", func(t *testing.T) { checkContrast(t, h) })
}

// checkContrast holds every text of both views to WCAG AA (4.5:1) in both
// themes, with the host's colours and with the views' own.
func checkContrast(t *testing.T, h *viewHost) {
	person, _ := callJSON(t, h.src, "get_person", map[string]any{"person_id": viewJordan, "include_interactions": true})
	company, _ := callJSON(t, h.src, "get_company", map[string]any{"company_id": viewAcme})
	for _, v := range []struct {
		uri    string
		result json.RawMessage
	}{{"ui://klipy/person", person}, {"ui://klipy/company", company}} {
		view, err := h.src.View(t.Context(), v.uri)
		if err != nil {
			t.Fatal(err)
		}
		for _, theme := range []string{"light", "dark"} {
			for _, hostStyles := range []bool{true, false} {
				if err := h.LoadWith(t.Context(), view.Text, theme, 480, hostStyles); err != nil {
					t.Fatal(err)
				}
				if err := h.SendResult(t.Context(), v.result); err != nil {
					t.Fatal(err)
				}
				r, err := h.Inspect(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				if len(r.Contrast) < 10 {
					t.Errorf("%s %s: contrast measured for %d selectors only: %v", v.uri, theme, len(r.Contrast), r.Contrast)
				}
				low := 21.0
				for _, ratio := range r.Contrast {
					low = min(low, ratio)
				}
				t.Logf("%s, %s theme, host styles %t: lowest text contrast %.2f over %d selectors", v.uri, theme, hostStyles, low, len(r.Contrast))
				for sel, ratio := range r.Contrast {
					if ratio < 4.5 {
						t.Errorf("%s, %s theme, host styles %t: %s has contrast %.2f, below 4.5", v.uri, theme, hostStyles, sel, ratio)
					}
				}
			}
		}
	}
}

func checkPerson(t *testing.T, h *viewHost) {
	raw, sc := callJSON(t, h.src, "get_person", map[string]any{"person_id": viewJordan, "include_interactions": true})
	r := h.show(t, "ui://klipy/person", "light", 480, raw)
	h.shot(t, "view-person-light")
	person := sc["person"].(map[string]any)
	if r.Name != "Jordan Patel" || !strings.Contains(r.Subtitle, "Head of Data") || !strings.Contains(r.Subtitle, "Acme Analytics") {
		t.Errorf("card: name %q, subtitle %q", r.Name, r.Subtitle)
	}
	its := sc["interactions"].([]any)
	if r.Items != len(its) || len(its) == 0 {
		t.Errorf("timeline has %d items, the result %d", r.Items, len(its))
	}
	// Newest first: the day headings descend, and the items follow the
	// result's dates from newest to oldest.
	if !slices.IsSortedFunc(r.Days, func(a, b string) int { return strings.Compare(b, a) }) || len(r.Days) < 2 {
		t.Errorf("days not newest first: %v", r.Days)
	}
	type dated struct{ id, date, title, summary string }
	var want []dated
	for _, it := range its {
		m := it.(map[string]any)
		want = append(want, dated{m["id"].(string), m["date"].(string), m["title"].(string), m["summary"].(string)})
	}
	sort.SliceStable(want, func(i, j int) bool { return want[i].date > want[j].date })
	for i, w := range want {
		if i < len(r.ItemTitles) && r.ItemTitles[i] != w.title {
			t.Errorf("item %d is %q, want %q (%s)", i, r.ItemTitles[i], w.title, w.date)
		}
	}
	if want[0].date != r.Days[0] {
		t.Errorf("first day %s, newest interaction %s", r.Days[0], want[0].date)
	}
	if len(r.ItemTypes) != len(its) || len(r.ItemDirections) != len(its) {
		t.Errorf("type labels %v, directions %v", r.ItemTypes, r.ItemDirections)
	}
	if !slices.Contains(r.Sections, "Interactions"+itoa(len(its))) {
		t.Errorf("sections %q lack the interaction count %d", r.Sections, len(its))
	}
	// Links open through the host (ui/open-link), never in the view.
	wantLinks := []string{"mailto:" + person["email"].(string), "tel:+155501003322", person["linkedin"].(string)}
	if !slices.Equal(r.Links, wantLinks) {
		t.Errorf("links %q, want %q", r.Links, wantLinks)
	}
	for i := range wantLinks {
		if err := h.Click(t.Context(), "a", i); err != nil {
			t.Fatal(err)
		}
	}
	r2, err := h.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r2.Host.Opened, wantLinks) {
		t.Errorf("the host was asked to open %q, want %q", r2.Host.Opened, wantLinks)
	}
	// A row's summary is its opening only: "Show more" asks the host for
	// get_interaction and shows the whole summary. Rows' openings are
	// shorter than the view's preview, so the first cut summary has the
	// first button.
	tested := false
	for i, w := range want {
		if !strings.HasSuffix(w.summary, "[get_interaction has the rest]") {
			continue
		}
		tested = true
		if err := h.Click(t.Context(), "button.more", 0); err != nil {
			t.Fatal(err)
		}
		_, whole := callJSON(t, h.src, "get_interaction", map[string]any{"interaction_id": w.id})
		full := whole["interaction"].(map[string]any)["summary"].(string)
		waitFor(t, h, func(r *render.Report) bool { return r.Summaries[i] == full })
		r, _ := h.Inspect(t.Context())
		if n := len(r.Host.Calls); n == 0 || r.Host.Calls[n-1].Name != "get_interaction" || r.Host.Calls[n-1].Arguments["interaction_id"] != w.id {
			t.Errorf("show more did not call get_interaction for %s: %+v", w.id, r.Host.Calls)
		}
		break
	}
	if !tested {
		t.Errorf("no summary of the demo person is cut, so show more was not tested: %q", r.Summaries)
	}

	// The host's theme and font reach the view.
	if r.Theme != "light" || r.Background != "rgb(255, 255, 255)" || !strings.Contains(r.Font, "DejaVu Sans") {
		t.Errorf("light: theme %q, background %q, font %q", r.Theme, r.Background, r.Font)
	}
	if err := h.SetTheme(t.Context(), "dark"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, h, func(r *render.Report) bool { return r.Theme == "dark" && r.Background == "rgb(38, 38, 36)" })

	// Dark, 320 px: nothing wider than the view.
	r = h.show(t, "ui://klipy/person", "dark", 320, raw)
	h.shot(t, "view-person-dark-320")
	if r.Theme != "dark" || r.Color != "rgb(240, 238, 230)" {
		t.Errorf("dark: theme %q, text colour %q", r.Theme, r.Color)
	}
	if r.ScrollWidth > r.ClientWidth || r.ClientWidth != 320 {
		t.Errorf("at 320 px the view is %d px wide (client %d)", r.ScrollWidth, r.ClientWidth)
	}
}

func checkCompany(t *testing.T, h *viewHost) {
	raw, sc := callJSON(t, h.src, "get_company", map[string]any{"company_id": viewAcme})
	r := h.show(t, "ui://klipy/company", "light", 480, raw)
	h.shot(t, "view-company-light")
	co := sc["company"].(map[string]any)
	if r.Name != co["name"] {
		t.Errorf("name %q, want %q", r.Name, co["name"])
	}
	facts := map[string]string{}
	for _, f := range r.Facts {
		facts[f[0]] = f[1]
	}
	for k, v := range map[string]string{"Domain": "acmeanalytics.example", "Industry": "Data & Analytics", "Size": "85 employees", "Location": "Austin, TX, US"} {
		if facts[k] != v {
			t.Errorf("fact %s = %q, want %q", k, facts[k], v)
		}
	}
	// The people and interactions come from tools the view calls through
	// the host; their counts match what the binary returns.
	_, people := callJSON(t, h.src, "search_people", map[string]any{"company_id": viewAcme, "limit": 20})
	_, its := callJSON(t, h.src, "search_interactions", map[string]any{"company_id": viewAcme, "limit": 10})
	np, ni := len(people["people"].([]any)), len(its["interactions"].([]any))
	if len(r.People) != np || np == 0 || !slices.Contains(r.People, "Jordan Patel") {
		t.Errorf("people %q, want %d including Jordan Patel", r.People, np)
	}
	if r.Contrast[".with"] == 0 {
		t.Error("company interactions do not name the people they involved")
	}
	if r.Items != ni || !slices.Contains(r.Sections, "People"+itoa(np)) || !slices.Contains(r.Sections, "Recent interactions"+itoa(ni)) {
		t.Errorf("sections %q, %d items; want %d people, %d interactions", r.Sections, r.Items, np, ni)
	}
	var called []string
	for _, c := range r.Host.Calls {
		called = append(called, c.Name)
		if c.Arguments["company_id"] != viewAcme {
			t.Errorf("%s called with %v", c.Name, c.Arguments)
		}
	}
	if sort.Strings(called); !slices.Equal(called, []string{"search_interactions", "search_people"}) {
		t.Errorf("the view called %v through the host", called)
	}
	r = h.show(t, "ui://klipy/company", "dark", 320, raw)
	h.shot(t, "view-company-dark-320")
	if r.ScrollWidth > r.ClientWidth || r.Theme != "dark" {
		t.Errorf("dark 320: theme %q, %d px wide in %d", r.Theme, r.ScrollWidth, r.ClientWidth)
	}
}

func checkStates(t *testing.T, h *viewHost) {
	raw, _ := callJSON(t, h.src, "get_person", map[string]any{"person_id": "per_nope"})
	r := h.show(t, "ui://klipy/person", "light", 480, raw)
	if len(r.States) != 1 || !strings.Contains(r.States[0][0], "state-error") || !strings.Contains(r.States[0][1], "per_nope") {
		t.Errorf("error state: %q", r.States)
	}
	_, sc := callJSON(t, h.src, "get_person", map[string]any{"person_id": viewJordan})
	sc["interactions"] = []any{}
	r = h.show(t, "ui://klipy/person", "light", 480, toolResult(t, sc))
	if r.Name != "Jordan Patel" || len(r.States) != 1 || !strings.Contains(r.States[0][1], "No interactions yet") {
		t.Errorf("empty state: %q", r.States)
	}
}

// checkUntrusted shows record text holding markup and script. Through the
// server first: it reduces HTML to text before any client sees it. Then the
// view's own guarantee, with the payloads put into a real result after the
// server.
func checkUntrusted(t *testing.T, h *viewHost) {
	const script = `<script>parent.postMessage("xss","*")</script>`
	const img = `<img src=x onerror="parent.postMessage('xss','*')">`
	logged, _ := callJSON(t, h.src, "log_interaction", map[string]any{"person_id": viewJordan, "type": "MEMO", "direction": "INTERNAL",
		"title": "Markup " + img, "summary": script + " " + img + " plain words after the markup", "occurred_at": "2099-01-02T10:00:00Z"})
	if strings.Contains(string(logged), `"isError":true`) {
		t.Fatalf("log_interaction: %s", logged)
	}
	raw, sc := callJSON(t, h.src, "get_person", map[string]any{"person_id": viewJordan, "include_interactions": true})
	r := h.show(t, "ui://klipy/person", "light", 480, raw)
	first := sc["interactions"].([]any)[0].(map[string]any)
	if r.Images != 0 || r.Scripts != 2 || r.ItemTitles[0] != first["title"] || !strings.Contains(r.Summaries[0], "plain words after the markup") {
		t.Errorf("logged markup: %d img, %d script; title %q (result %q), summary %q", r.Images, r.Scripts, r.ItemTitles[0], first["title"], r.Summaries[0])
	}

	long := script + " " + img + " " + strings.Repeat("Long notes from the call. ", 40)
	it := sc["interactions"].([]any)[0].(map[string]any)
	it["date"] = "2099-01-03" // first in the timeline
	it["title"] = img
	it["summary"] = long
	sc["person"].(map[string]any)["firstName"] = script
	r = h.show(t, "ui://klipy/person", "light", 480, toolResult(t, sc))
	if r.Images != 0 || r.Scripts != 2 {
		t.Errorf("markup became elements: %d img, %d script (want the probe and the bundle only)", r.Images, r.Scripts)
	}
	if !strings.HasPrefix(r.Name, script) || r.ItemTitles[0] != img || !strings.HasPrefix(r.Summaries[0], script+" "+img) {
		t.Errorf("payloads not shown as text: name %q, title %q, summary %.120q", r.Name, r.ItemTitles[0], r.Summaries[0])
	}
	// Long text is clipped, with "Show more" for the rest.
	if r.MoreButtons < 1 || len([]rune(r.Summaries[0])) > 200 {
		t.Errorf("long summary: %d runes shown, %d show-more buttons", len([]rune(r.Summaries[0])), r.MoreButtons)
	}
	if err := h.Click(t.Context(), "button.more", 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, h, func(r *render.Report) bool { return len([]rune(r.Summaries[0])) > 900 })
	r, err := h.Inspect(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if r.Host.XSS != 0 || len(r.Host.Violations) != 0 {
		t.Errorf("after show more: payloads ran %d times; violations %v", r.Host.XSS, r.Host.Violations)
	}
}

func TestViewsOverStatelessHTTP(t *testing.T) {
	chromium(t)
	s := startListening(t, "url", "http", "--sandbox", "--addr", "127.0.0.1:0")
	src, err := render.DialHTTP(t.Context(), s.url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	if uri, err := src.ViewFor(t.Context(), "get_company"); err != nil || uri != "ui://klipy/company" {
		t.Fatalf("get_company links to %q (%v)", uri, err)
	}
	h := openHost(t, src)
	raw, _ := callJSON(t, src, "get_company", map[string]any{"company_id": viewAcme})
	r := h.show(t, "ui://klipy/company", "light", 480, raw)
	if r.Name != "Acme Analytics" || !slices.Contains(r.People, "Jordan Patel") || r.Items == 0 {
		t.Errorf("company view over HTTP: %q, people %q, %d items", r.Name, r.People, r.Items)
	}
}

// toolResult wraps structured content as a tool result.
func toolResult(t *testing.T, sc map[string]any) json.RawMessage {
	t.Helper()
	text, err := json.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": string(text)}}, "structuredContent": sc})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor inspects the view until ok holds, for at most 10 s: the view
// handles a host notification or a click asynchronously.
func waitFor(t *testing.T, h *viewHost, ok func(*render.Report) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for {
		r, err := h.Inspect(ctx)
		if err == nil && ok(r) {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the view never reached the state: %v; last: %+v", err, r)
		}
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
