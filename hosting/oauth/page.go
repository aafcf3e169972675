package oauth

import (
	_ "embed"
	"html"
	"net/http"
	"strings"
)

// The sign-in pages are built with html.EscapeString rather than
// html/template: executing a text/template makes the linker keep every
// exported method of every type in the binary (templates call methods by
// name), which cost the stdio command 12 MB of binary and 2.4 MB of peak
// RSS. Every dynamic value below passes through esc.

//go:embed page.html
var pageHTML string

var pageParts = func() [3]string {
	a, rest, _ := strings.Cut(pageHTML, "{{title}}")
	b, c, _ := strings.Cut(rest, "{{main}}")
	return [3]string{a, b, c}
}()

func esc(s string) string { return html.EscapeString(s) }

// page writes a complete page with title and main content (already HTML).
func (s *Server) page(w http.ResponseWriter, status int, title, main string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(pageParts[0] + esc(title) + pageParts[1] + main + pageParts[2]))
}

// hiddenFields are the sealed request and the CSRF token of a form.
func hiddenFields(request, csrf string) string {
	return `<input type="hidden" name="request" value="` + esc(request) + `">` + "\n" +
		`<input type="hidden" name="csrf" value="` + esc(csrf) + `">` + "\n"
}

func (s *Server) renderSignIn(w http.ResponseWriter, status int, p *pending, errText string) {
	client := esc(p.ClientName)
	var b strings.Builder
	b.WriteString("<h1>" + client + " wants to connect to your Klipy CRM</h1>\n")
	b.WriteString("<p>Paste a Klipy API key to let it work with your workspace. You can create and revoke keys in Klipy under Settings → API keys.</p>\n")
	describedBy, invalid := "key-help", ""
	if errText != "" {
		b.WriteString(`<p role="alert" id="key-error" class="error">` + esc(errText) + "</p>\n")
		describedBy, invalid = "key-help key-error", ` aria-invalid="true"`
	}
	b.WriteString(`<form method="post" action="` + PathAuthorize + `">` + "\n" + hiddenFields(s.seal.sealText(p, adSignIn), p.CSRF))
	b.WriteString(`<label for="api_key">Klipy API key</label>` + "\n")
	b.WriteString(`<input type="password" id="api_key" name="api_key" required autocomplete="off" spellcheck="false" autofocus placeholder="klipy_api_…" aria-describedby="` + describedBy + `"` + invalid + ">\n")
	b.WriteString(`<p id="key-help" class="muted">The key is checked with Klipy and stored only encrypted. It is never shown to ` + client + ".</p>\n")
	b.WriteString(`<div class="row"><button type="submit" class="primary">Continue</button></div>` + "\n</form>\n")
	b.WriteString(`<p class="muted">After you continue you will return to ` + esc(hostOf(p.RedirectURI)) + ".</p>\n")
	s.page(w, status, "Sign in with your Klipy API key", b.String())
}

func (s *Server) renderConsent(w http.ResponseWriter, p *pending) {
	verb, allows := "read and write", []string(nil)
	if p.Known {
		allows, verb = describeScopes(p.Scopes)
	}
	ws := p.Workspace
	if ws == "" {
		ws = "your Klipy workspace"
	}
	var b strings.Builder
	b.WriteString("<h1>" + esc(p.ClientName) + " wants to " + verb + " your Klipy CRM</h1>\n")
	b.WriteString(`<p>Workspace: <span class="ws">` + esc(ws) + "</span></p>\n")
	if p.Known {
		b.WriteString("<p>This key allows:</p>\n<ul>")
		for _, a := range allows {
			b.WriteString("<li>" + esc(a) + "</li>")
		}
		b.WriteString("</ul>\n")
	} else {
		b.WriteString("<p>Klipy did not say what this key may do (scopes unknown). Tools will be tried, and anything the key is not allowed to do will be reported.</p>\n")
	}
	b.WriteString(`<p class="muted">You can revoke access at any time by revoking the key in Klipy.</p>` + "\n")
	b.WriteString(`<form method="post" action="` + PathAuthorize + `">` + "\n" + hiddenFields(s.seal.sealText(p, adConsent), p.CSRF))
	b.WriteString(`<div class="row">` + "\n" +
		`<button type="submit" name="decision" value="approve" class="primary" autofocus>Allow</button>` + "\n" +
		`<button type="submit" name="decision" value="deny">Deny</button>` + "\n</div>\n</form>\n")
	b.WriteString(`<p class="muted">Either way you will return to ` + esc(hostOf(p.RedirectURI)) + ".</p>\n")
	s.page(w, http.StatusOK, "Allow access to Klipy", b.String())
}

func (s *Server) errorPage(w http.ResponseWriter, status int, msg string) {
	setPageHeaders(w)
	s.page(w, status, "Cannot sign in", "<h1>Cannot sign in</h1>\n"+`<p role="alert" class="error">`+esc(msg)+"</p>\n"+
		`<p class="muted">You can close this page.</p>`+"\n")
}

// scopeText says in words what each Klipy scope allows.
var scopeText = map[string]string{
	"ALL":                 "Everything in the workspace",
	"people:read":         "Read people",
	"people:write":        "Create and update people",
	"companies:read":      "Read companies",
	"companies:write":     "Create and update companies",
	"companies:remove":    "Delete companies",
	"interactions:read":   "Read interactions",
	"interactions:write":  "Log interactions",
	"interactions:remove": "Delete interactions",
}

// describeScopes lists what the scopes allow and whether they allow writing.
func describeScopes(scopes []string) (lines []string, verb string) {
	verb = "read"
	for _, sc := range scopes {
		t, ok := scopeText[sc]
		if !ok {
			t = sc
		}
		lines = append(lines, t)
		if sc == "ALL" || !strings.HasSuffix(sc, ":read") {
			verb = "read and write"
		}
	}
	return lines, verb
}

func hostOf(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		rest := raw[i+3:]
		if j := strings.IndexAny(rest, "/?#"); j >= 0 {
			rest = rest[:j]
		}
		return rest
	}
	return raw
}
