package klipytest_test

import (
	"net/http"
	"testing"

	"github.com/klipy-ai/klipy-mcp/klipy/klipytest"
)

// TestVariants checks, on the wire, that each variant answers the way an API
// that differs from the contract's guess would, and marks its answers.
func TestVariants(t *testing.T) {
	srv := klipytest.NewSandbox()
	srv.AddKey(klipytest.Key{Token: "klipy_api_writer", Org: klipytest.SandboxOrg, Scopes: []string{"people:read", "people:write"}})
	hc := &http.Client{Transport: klipytest.NewTransport(srv)}
	do := func(key, method, path string, body any) result {
		return doRequest(t, hc, key, method, sandboxURL+path, body)
	}
	first := do(klipytest.SandboxKey, "POST", "/people/query", map[string]any{"limit": 2})
	person := first.list()[0]
	email, _ := person["email"].(string)

	t.Run("person delete needs ALL", func(t *testing.T) {
		srv.Play(klipytest.VariantPersonDeleteNeedsAll, true)
		defer srv.Play(klipytest.VariantPersonDeleteNeedsAll, false)
		r := do("klipy_api_writer", "DELETE", "/people/"+person["id"].(string), nil)
		if r.status != 403 || r.errCode() != "insufficient_scope" || r.header.Get(klipytest.FaultHeader) != string(klipytest.VariantPersonDeleteNeedsAll) {
			t.Errorf("people:write key: %d %s", r.status, r.raw)
		}
		if !srv.Playing(klipytest.VariantPersonDeleteNeedsAll) {
			t.Error("Playing is false while the variant plays")
		}
	})
	t.Run("people filter ignored", func(t *testing.T) {
		filtered := map[string]any{"limit": 5, "filter": map[string]any{"email": email}}
		if n := len(must(t, do(klipytest.SandboxKey, "POST", "/people/query", filtered), 200).list()); n != 1 {
			t.Fatalf("honoured filter: %d people, want 1", n)
		}
		srv.Play(klipytest.VariantPeopleFilterIgnored, true)
		defer srv.Play(klipytest.VariantPeopleFilterIgnored, false)
		if n := len(must(t, do(klipytest.SandboxKey, "POST", "/people/query", filtered), 200).list()); n != 5 {
			t.Errorf("ignored filter: %d people, want the 5 of an unfiltered page", n)
		}
	})
	t.Run("interaction filter ignored", func(t *testing.T) {
		srv.Play(klipytest.VariantInteractionFilterIgnored, true)
		defer srv.Play(klipytest.VariantInteractionFilterIgnored, false)
		r := must(t, do(klipytest.SandboxKey, "POST", "/interactions/query", map[string]any{"limit": 50, "filter": map[string]any{"contactId": person["id"]}}), 200)
		others := 0
		for _, it := range r.list() {
			if contacts, _ := it["contacts"].([]any); len(contacts) == 0 || contacts[0] != person["id"] {
				others++
			}
		}
		if others == 0 {
			t.Error("every interaction is the person's: the filter was honoured")
		}
	})

	cursorTests := []struct {
		v     klipytest.Variant
		check func(env map[string]any) bool
	}{
		{klipytest.VariantCursorUnknownName, func(env map[string]any) bool {
			pi, _ := env["page_info"].(map[string]any)
			return pi["has_next_page"] == true && pi["next_page_token"] != nil && pi["end_cursor"] == nil
		}},
		{klipytest.VariantCursorOtherName, func(env map[string]any) bool {
			pg, _ := env["pagination"].(map[string]any)
			return env["page_info"] == nil && pg["hasMore"] == true && pg["nextCursor"] != nil
		}},
		{klipytest.VariantMoreWithoutCursor, func(env map[string]any) bool {
			pi, _ := env["page_info"].(map[string]any)
			_, has := pi["end_cursor"]
			return pi["has_next_page"] == true && has && pi["end_cursor"] == nil
		}},
		{klipytest.VariantRelayList, func(env map[string]any) bool {
			data, _ := env["data"].(map[string]any)
			edges, _ := data["edges"].([]any)
			pi, _ := data["pageInfo"].(map[string]any)
			return len(edges) == 2 && pi["hasNextPage"] == true && pi["endCursor"] != nil
		}},
	}
	for _, tt := range cursorTests {
		t.Run(string(tt.v), func(t *testing.T) {
			srv.Play(tt.v, true)
			defer srv.Play(tt.v, false)
			r := must(t, do(klipytest.SandboxKey, "POST", "/people/query", map[string]any{"limit": 2}), 200)
			if !tt.check(r.env) || r.header.Get(klipytest.FaultHeader) != string(tt.v) {
				t.Errorf("answer %s (fault header %q)", r.raw, r.header.Get(klipytest.FaultHeader))
			}
		})
	}
	t.Run("cursor repeated", func(t *testing.T) {
		pi, _ := first.env["page_info"].(map[string]any)
		cur := pi["end_cursor"].(string)
		srv.Play(klipytest.VariantCursorRepeated, true)
		defer srv.Play(klipytest.VariantCursorRepeated, false)
		r := must(t, do(klipytest.SandboxKey, "POST", "/people/query", map[string]any{"limit": 2, "cursor": cur}), 200)
		pi, _ = r.env["page_info"].(map[string]any)
		if pi["end_cursor"] != cur {
			t.Errorf("end_cursor %v, want the cursor sent (%s)", pi["end_cursor"], cur)
		}
	})
	t.Run("ClearFaults stops every variant", func(t *testing.T) {
		for _, v := range klipytest.Variants() {
			srv.Play(v, true)
		}
		srv.ClearFaults()
		for _, v := range klipytest.Variants() {
			if srv.Playing(v) {
				t.Errorf("%s still plays", v)
			}
		}
		r := must(t, do("klipy_api_writer", "DELETE", "/people/"+person["id"].(string), nil), 200)
		if r.header.Get(klipytest.FaultHeader) != "" {
			t.Errorf("answer still marked %q", r.header.Get(klipytest.FaultHeader))
		}
	})
}

func TestParseVariant(t *testing.T) {
	for _, v := range klipytest.Variants() {
		if got, ok := klipytest.ParseVariant(string(v)); !ok || got != v {
			t.Errorf("ParseVariant(%q) = %q, %v", v, got, ok)
		}
	}
	if _, ok := klipytest.ParseVariant("no-such-variant"); ok {
		t.Error("an unknown name parsed")
	}
}
