package tools

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// searchCases is the table in docs/tools.md ("Search quality"): queries over
// the demo workspace, the person each must rank first and how many people
// each finds.
var searchCases = []struct {
	query, top string
	count      int
	why        string
}{
	{"jose", "José Núñez", 1, "diacritics fold"},
	{"JOSÉ", "José Núñez", 1, "case and diacritics fold"},
	{"núñez josé", "José Núñez", 1, "word order, accented query"},
	{"renee dupre", "Renée Dupré", 1, "accents in both names"},
	{"zoe", "Zoe Andersen", 2, "Zoe and Zoë, most recently updated first"},
	{"patel jordan", "Jordan Patel", 1, "word order"},
	{"jordan", "Jordan Reyes", 2, "same first name: most recently updated first"},
	{"jordan.patel@acmeanalytics.example", "Jordan Patel", 1, "exact email"},
	{"acmeanalytics", "Yuki Sato", 4, "email domain"},
	{"quarrylabs.example", "Ciara Byrne", 3, "email domain with its dot"},
	{"head of data", "Jordan Patel", 1, "title words"},
	{"partner", "Elena Petrova", 4, "title word prefix (Partner, Partnerships)"},
	{"lily chen", "Lily Chen", 2, "exact name before a more recent partial one (Lily Chenoweth)"},
	{"chen", "Lily Chenoweth", 2, "both partial: most recently updated first"},
	{"lead", "Zoë Leadbetter", 6, "a name match before title matches (five …Lead titles)"},
	{"mar", "Theo Martin", 4, "names first (Martin, Marquez, Marcus), then title (VP Marketing), though more recent"},
	{"oconnor", "Jack O'Connor", 1, "punctuation in names"},
	{"sayed", "Fatima Al-Sayed", 1, "hyphenated name part"},
	{"patle", "Jordan Patel", 1, "one typo (swapped letters) in a name of 5+ letters"},
	{"marqez", "Sofia Marquez", 1, "one typo (missing letter)"},
	{"jordn", "Jordan Reyes", 2, "one typo, both Jordans"},
	{"kin", "", 0, "no typo for words under 5 letters (Kim is not found)"},
	{"hsle", "", 0, "nor at 4 letters (Hale is not found)"},
	{"zzz", "", 0, "no match"},
}

// TestSearchQuality runs searchCases through search_people.
func TestSearchQuality(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range searchCases {
		out := okResult(t, call(t, e.mc, "search_people", map[string]any{"query": tc.query, "limit": 100}))
		var names []string
		for _, p := range out["people"].([]any) {
			m := p.(map[string]any)
			names = append(names, strings.TrimSpace(fmt.Sprint(m["firstName"], " ", m["lastName"])))
		}
		top := ""
		if len(names) > 0 {
			top = names[0]
		}
		if top != tc.top || len(names) != tc.count {
			t.Errorf("%q (%s): top %q of %d %v; want %q of %d", tc.query, tc.why, top, len(names), names, tc.top, tc.count)
		}
	}
}

// TestTypoPrecision measures the one-typo rule on the demo workspace: for
// every name word of 5+ letters, every one-edit misspelling that finds
// nothing without the rule is searched, and the people found are checked to
// carry that name word. Precision must stay at or above 90 %.
func TestTypoPrecision(t *testing.T) {
	e := newEnv(t, Config{})
	sc, err := scanPeople(t.Context(), e.kc, nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	tried, found, right, wrong := 0, 0, 0, 0
	seen := map[string]bool{}
	for _, x := range sc.people {
		for _, w := range x.name {
			if len(w) < typoMinLen || strings.ContainsFunc(w, func(r rune) bool { return r > 'z' || r < 'a' }) {
				continue
			}
			for _, typo := range typos(w) {
				if seen[typo] || matchesExactly(sc.people, typo) {
					continue
				}
				seen[typo] = true
				tried++
				hits := rankPeople(sc.people, parseQuery(typo))
				if len(hits) > 0 {
					found++
				}
				for _, p := range hits {
					if slices.ContainsFunc(sc.people, func(y indexed) bool { return y.p == p && slices.Contains(y.name, w) }) {
						right++
					} else {
						wrong++
					}
				}
			}
		}
	}
	precision := float64(right) / float64(max(right+wrong, 1))
	t.Logf("%d misspellings: %d found someone; %d people found, %d with the misspelt name, %d without: precision %.3f",
		tried, found, right+wrong, right, wrong, precision)
	if precision < 0.9 {
		t.Errorf("typo precision %.3f, want ≥ 0.9", precision)
	}
	// The rule also applies to names spelt right: count the people it adds.
	names, added := 0, 0
	for w := range correctNames(sc.people) {
		names++
		for _, p := range rankPeople(sc.people, parseQuery(w)) {
			if !slices.ContainsFunc(sc.people, func(y indexed) bool { return y.p == p && (hasPrefix(y.name, w) || hasPrefix(y.other, w)) }) {
				added++
			}
		}
	}
	t.Logf("%d name words spelt right: the typo rule added %d people to their results", names, added)
	if added > names/10 {
		t.Errorf("the typo rule added %d people to %d correct name searches, want at most %d", added, names, names/10)
	}
}

// correctNames returns the demo's name words of typoMinLen letters or more.
func correctNames(idx []indexed) map[string]bool {
	out := map[string]bool{}
	for _, x := range idx {
		for _, w := range x.name {
			if len(w) >= typoMinLen {
				out[w] = true
			}
		}
	}
	return out
}

// matchesExactly reports whether q finds anyone without the typo rule.
func matchesExactly(idx []indexed, q string) bool {
	for _, x := range idx {
		if hasPrefix(x.name, q) || hasPrefix(x.other, q) {
			return true
		}
	}
	return false
}

// typos returns every one-edit misspelling of w over a–z.
func typos(w string) []string {
	var out []string
	for i := range len(w) + 1 {
		for c := 'a'; c <= 'z'; c++ {
			out = append(out, w[:i]+string(c)+w[i:]) // added
			if i < len(w) {
				out = append(out, w[:i]+string(c)+w[i+1:]) // changed
			}
		}
		if i < len(w) {
			out = append(out, w[:i]+w[i+1:]) // dropped
		}
		if i+1 < len(w) {
			out = append(out, w[:i]+string(w[i+1])+string(w[i])+w[i+2:]) // swapped
		}
	}
	return out
}

func TestEditOne(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"patel", "patle", true}, {"patel", "patl", true}, {"patel", "patell", true}, {"patel", "pabel", true},
		{"patel", "patel", false}, {"patel", "pt", false}, {"patel", "ptael", true}, {"patel", "letap", false},
		{"jose", "josé", true}, {"marquez", "marqez", true}, {"marquez", "marqeu", false},
	} {
		if got := editOne(tc.a, tc.b); got != tc.want {
			t.Errorf("editOne(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"José Núñez": "jose nunez", "ZOË": "zoe", "Straße": "strasse", "Søren Łukasz": "soren lukasz", "Ærø": "aero",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSearchTableInDocs keeps the table in docs/tools.md equal to searchCases.
func TestSearchTableInDocs(t *testing.T) {
	b, err := os.ReadFile("../docs/tools.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []string
	for _, tc := range searchCases {
		top := tc.top
		if top == "" {
			top = "—"
		}
		rows = append(rows, fmt.Sprintf("| `%s` | %s | %d | %s |", tc.query, top, tc.count, tc.why))
	}
	table := strings.Join(rows, "\n") + "\n"
	if !strings.Contains(string(b), table) {
		t.Errorf("docs/tools.md lacks the search table; it should read:\n%s", table)
	}
}
