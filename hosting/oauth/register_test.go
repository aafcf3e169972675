package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// knownClient reports whether the sign-in page accepts client (with
// redirect) rather than saying it is not registered.
func (e *env) knownClient(client, redirect string) bool {
	e.t.Helper()
	p := e.get(e.browser(), e.authQuery(client, redirect))
	if p.status == http.StatusBadRequest && strings.Contains(p.body, "unknown client_id") {
		return false
	}
	if p.status != http.StatusOK {
		e.t.Fatalf("sign-in page for %.20s…: %d %s", client, p.status, p.body)
	}
	return true
}

// TestRegistrationStoresNothing: registering clients, however many, adds
// nothing to the store, and each id works on its own.
func TestRegistrationStoresNothing(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 500 {
		ids = append(ids, e.register(fmt.Sprintf("https://app%d.example/callback", i)))
	}
	if n := e.store.Len(); n != 0 {
		t.Errorf("500 registrations left %d records in the store, want 0", n)
	}
	if len(ids[0]) > 200 {
		t.Errorf("a client_id of %d characters for one redirect URI", len(ids[0]))
	}
	if !e.knownClient(ids[7], "https://app7.example/callback") {
		t.Error("a registered client is unknown")
	}
	if p := e.get(e.browser(), e.authQuery(ids[7], "https://app8.example/callback")); p.status != 400 || !strings.Contains(p.body, "redirect_uri mismatch") {
		t.Errorf("another client's redirect URI: %d, want the mismatch page", p.status)
	}
}

// TestSealedClientRefused: a client_id altered, sealed with another
// server's secret, or past ClientTTL is unknown.
func TestSealedClientRefused(t *testing.T) {
	e := newEnv(t)
	other := newEnv(t, func(_ *env, c *Config) { c.Secret = bytes.Repeat([]byte{9}, SecretSize) })
	id := e.register(redirect)
	altered := []byte(id)
	altered[len(altered)/2] ^= 1
	for name, bad := range map[string]string{
		"altered":        string(altered),
		"cut short":      id[:len(id)-4],
		"another secret": other.register(redirect),
		"not base64":     sealedClientPrefix + "!!!",
		"too long":       id + strings.Repeat("A", maxClientIDLength),
		"stored, absent": storedClientPrefix + "Zm9vYmFy",
		"no prefix":      strings.TrimPrefix(id, sealedClientPrefix),
	} {
		if e.knownClient(bad, redirect) {
			t.Errorf("%s client_id accepted", name)
		}
	}
	if !e.knownClient(id, redirect) {
		t.Fatal("the registered client is unknown")
	}
	e.clock.add(ClientTTL - time.Second)
	if !e.knownClient(id, redirect) {
		t.Error("the client expired before ClientTTL")
	}
	e.clock.add(2 * time.Second)
	if e.knownClient(id, redirect) {
		t.Error("the client is known after ClientTTL")
	}
}

// TestRegistrationTooLong: metadata that would make a client_id longer than
// an authorization URL should carry is refused with a reason.
func TestRegistrationTooLong(t *testing.T) {
	e := newEnv(t)
	var redirects []string
	for i := range 10 {
		redirects = append(redirects, fmt.Sprintf("https://app.example/%d/%s", i, strings.Repeat("x", 100)))
	}
	status, body := e.postJSON(PathRegister, map[string]any{"client_name": "Big", "redirect_uris": redirects})
	if status != http.StatusBadRequest || !strings.Contains(body, "invalid_client_metadata") || !strings.Contains(body, "too long") {
		t.Errorf("10 long redirect URIs: %d %s; want 400 invalid_client_metadata, too long", status, body)
	}
	// What real clients register fits: a few redirect URIs and a name.
	many := []string{"https://insiders.vscode.dev/redirect", "https://vscode.dev/redirect", "http://127.0.0.1/",
		"http://localhost/", "http://127.0.0.1:33418/", "http://localhost:33418/"}
	if status, body := e.postJSON(PathRegister, map[string]any{"client_name": "Visual Studio Code", "redirect_uris": many}); status != http.StatusCreated {
		t.Errorf("six ordinary redirect URIs: %d %s", status, body)
	}
}

// TestStoredClientsStillWork: a client registered when registrations were
// stored signs in as before.
func TestStoredClientsStillWork(t *testing.T) {
	e := newEnv(t)
	id := storedClientPrefix + newID()
	c := Client{ClientID: id, ClientName: "Old", RedirectURIs: []string{redirect}}
	b, _ := json.Marshal(c)
	if err := e.store.Put(context.Background(), kClient+id, b, ClientTTL); err != nil {
		t.Fatal(err)
	}
	if !e.knownClient(id, redirect) {
		t.Fatal("a stored client is unknown")
	}
	if at, _ := e.tokens(id, redirect); at == "" {
		t.Error("a stored client got no token")
	}
}
