package klipytest

import (
	"encoding/json"
	"net/http"
	"slices"
)

// Variant is one way the real Klipy API may differ from a part of the
// contract that is a guess (SPEC §1). While a variant is played the fake
// answers the way such an API would, and marks the answers it reshaped with
// FaultHeader (naming the variant), so that contract checks can tell a
// deliberate difference from a bug.
type Variant string

// The variants the fake can play.
const (
	// VariantPersonDeleteNeedsAll: DELETE /people/{id} needs the ALL scope;
	// any narrower key gets 403 insufficient_scope.
	VariantPersonDeleteNeedsAll Variant = "person-delete-needs-all"
	// VariantPeopleFilterIgnored: POST /people/query ignores filter.email
	// and filter.companyId and lists everyone.
	VariantPeopleFilterIgnored Variant = "people-filter-ignored"
	// VariantInteractionFilterIgnored: POST /interactions/query ignores
	// filter.contactId and filter.companyId and lists every interaction.
	VariantInteractionFilterIgnored Variant = "interaction-filter-ignored"
	// VariantCursorUnknownName: lists say more pages exist and put the
	// cursor under page_info.next_page_token, a name clients do not know.
	VariantCursorUnknownName Variant = "cursor-unknown-name"
	// VariantCursorOtherName: lists carry no page_info but a top-level
	// pagination object {hasMore, nextCursor}, another spelling clients
	// are expected to read.
	VariantCursorOtherName Variant = "cursor-other-name"
	// VariantMoreWithoutCursor: lists say has_next_page true with a null
	// end_cursor.
	VariantMoreWithoutCursor Variant = "more-without-cursor"
	// VariantCursorRepeated: a page asked for with a cursor answers that
	// same cursor as its end_cursor, so following it would loop.
	VariantCursorRepeated Variant = "cursor-repeated"
	// VariantRelayList: lists come Relay-style, data {edges: [{node,
	// cursor}], pageInfo: {hasNextPage, endCursor}}.
	VariantRelayList Variant = "relay-list"
)

// Variants lists every variant the fake can play, in a fixed order.
func Variants() []Variant {
	return []Variant{VariantPersonDeleteNeedsAll, VariantPeopleFilterIgnored, VariantInteractionFilterIgnored,
		VariantCursorUnknownName, VariantCursorOtherName, VariantMoreWithoutCursor, VariantCursorRepeated, VariantRelayList}
}

// Play turns variant v on or off. Several variants may be on at once; the
// cursor variants then apply in the order of Variants. ClearFaults turns
// every variant off.
func (s *Server) Play(v Variant, on bool) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	if s.faults.variants == nil {
		s.faults.variants = map[Variant]bool{}
	}
	if on {
		s.faults.variants[v] = true
	} else {
		delete(s.faults.variants, v)
	}
}

// Playing reports whether variant v is on.
func (s *Server) Playing(v Variant) bool {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.variants[v]
}

// mark names the variant that shaped the answer.
func (c *call) mark(v Variant) { c.w.Header().Set(FaultHeader, string(v)) }

// filterKeys returns the filter keys a query honours: none while v plays.
func (c *call) filterKeys(v Variant, keys ...string) []string {
	if c.s.Playing(v) {
		c.mark(v)
		return nil
	}
	return keys
}

// personDeleteRefused answers 403 when VariantPersonDeleteNeedsAll plays
// and the key lacks ALL.
func (c *call) personDeleteRefused() bool {
	if !c.s.Playing(VariantPersonDeleteNeedsAll) || c.key.allows(ScopeAll) {
		return false
	}
	c.mark(VariantPersonDeleteNeedsAll)
	c.fail(http.StatusForbidden, "insufficient_scope", "this API key lacks the ALL scope", map[string]any{"required_scope": ScopeAll})
	return true
}

// listEnvelope builds a list answer: data plus top-level page_info, or the
// shape the playing cursor variants give it.
func (c *call) listEnvelope(data []map[string]any, pi pageInfo) map[string]any {
	env := map[string]any{"object": "success", "data": data, "page_info": pi}
	for _, v := range Variants() {
		if !c.s.Playing(v) {
			continue
		}
		if reshape, ok := listVariants[v]; ok && reshape(c, env, pi) {
			c.mark(v)
		}
	}
	return env
}

// listVariants reshape a list envelope; each says whether it changed it.
var listVariants = map[Variant]func(c *call, env map[string]any, pi pageInfo) bool{
	VariantCursorUnknownName: func(_ *call, env map[string]any, pi pageInfo) bool {
		env["page_info"] = map[string]any{"has_next_page": pi.HasNextPage, "next_page_token": pi.EndCursor}
		return true
	},
	VariantCursorOtherName: func(_ *call, env map[string]any, pi pageInfo) bool {
		delete(env, "page_info")
		env["pagination"] = map[string]any{"hasMore": pi.HasNextPage, "nextCursor": pi.EndCursor}
		return true
	},
	VariantMoreWithoutCursor: func(_ *call, env map[string]any, pi pageInfo) bool {
		env["page_info"] = map[string]any{"has_next_page": pi.HasNextPage, "end_cursor": nil}
		return pi.HasNextPage
	},
	VariantCursorRepeated: func(c *call, env map[string]any, pi pageInfo) bool {
		var q struct {
			Cursor string `json:"cursor"`
		}
		if json.Unmarshal(c.body, &q) != nil || q.Cursor == "" || !pi.HasNextPage {
			return false
		}
		env["page_info"] = pageInfo{HasNextPage: true, EndCursor: &q.Cursor}
		return true
	},
	VariantRelayList: func(_ *call, env map[string]any, pi pageInfo) bool {
		data, _ := env["data"].([]map[string]any)
		edges := make([]map[string]any, len(data))
		for i, d := range data {
			edges[i] = map[string]any{"node": d, "cursor": d["id"]}
		}
		delete(env, "page_info")
		env["data"] = map[string]any{"edges": edges, "pageInfo": map[string]any{"hasNextPage": pi.HasNextPage, "endCursor": pi.EndCursor}}
		return true
	},
}

// ParseVariant returns the variant named s, if the fake can play it.
func ParseVariant(s string) (Variant, bool) {
	v := Variant(s)
	return v, slices.Contains(Variants(), v)
}
