package oauth

import (
	_ "embed"
	"html/template"
	"net/http"
	"strings"
)

//go:embed page.html
var pageHTML string

var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

// pageData fills page.html.
type pageData struct {
	Step       string // "signin", "consent" or "error"
	Client     string
	Verb       string // "read" or "read and write"
	Action     string
	Request    string
	CSRF       string
	Error      string
	Workspace  string
	Allows     []string
	Unknown    bool
	RedirectTo string
}

func (s *Server) renderSignIn(w http.ResponseWriter, status int, p *pending, errText string) {
	s.render(w, status, pageData{Step: "signin", Client: p.ClientName, Action: PathAuthorize,
		Request: s.sealForm(p, adSignIn), CSRF: p.CSRF, Error: errText, RedirectTo: hostOf(p.RedirectURI)})
}

func (s *Server) renderConsent(w http.ResponseWriter, p *pending) {
	d := pageData{Step: "consent", Client: p.ClientName, Action: PathAuthorize, Request: s.sealForm(p, adConsent),
		CSRF: p.CSRF, Workspace: p.Workspace, Unknown: !p.Known, Verb: "read and write", RedirectTo: hostOf(p.RedirectURI)}
	if p.Known {
		d.Allows, d.Verb = describeScopes(p.Scopes)
	}
	if d.Workspace == "" {
		d.Workspace = "your Klipy workspace"
	}
	s.render(w, http.StatusOK, d)
}

func (s *Server) errorPage(w http.ResponseWriter, status int, msg string) {
	setPageHeaders(w)
	s.render(w, status, pageData{Step: "error", Error: msg})
}

func (s *Server) render(w http.ResponseWriter, status int, d pageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := pageTmpl.Execute(w, d); err != nil {
		s.log.Warn("oauth: cannot render the sign-in page", "err", err)
	}
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
