package tools

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/klipy-ai/klipy-mcp/klipy"
)

// Free-text matching for search_people. A query is folded (case and
// diacritics) and split into words; a person matches when every word starts
// one of the words of their first name, last name, email or title, in any
// order. Names of five letters or more also tolerate one typo.

// typoMinLen is the shortest query word (and name word) matched with one
// typo: shorter names are too close to each other for a typo to be safe.
const typoMinLen = 5

// Match tiers, best first.
const (
	tierExact = iota // the query is the full name (any word order) or the email
	tierName         // every word matches a name word
	tierOther        // some word matches only the email, the title or a name with a typo
)

// letterFolds spells letters that do not decompose into a base letter and a
// mark, the way people type them on a keyboard without them.
var letterFolds = map[rune]string{
	'ß': "ss", 'ø': "o", 'đ': "d", 'ł': "l", 'æ': "ae", 'œ': "oe", 'ı': "i", 'þ': "th", 'ð': "d",
}

// fold lower-cases s and removes diacritics: "José Núñez" becomes
// "jose nunez".
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if f, ok := letterFolds[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// words splits folded text at everything that is not a letter or a digit.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// indexed is a person with the folded words a query is matched against,
// computed once per scan rather than once per query.
type indexed struct {
	p     *klipy.Person
	name  []string // words of first and last name, and each name's words joined ("oconnor")
	other []string // words of the email (local part and domain, also whole) and title
	full  string   // folded name words, sorted, space-separated
	email string   // folded email
}

func indexPerson(p *klipy.Person) indexed {
	x := indexed{p: p, email: fold(strings.TrimSpace(p.Email))}
	var nameWords []string
	for _, f := range []string{p.FirstName, p.LastName} {
		w := words(fold(f))
		nameWords = append(nameWords, w...)
		x.name = append(x.name, w...)
		if len(w) > 1 {
			x.name = append(x.name, strings.Join(w, ""))
		}
	}
	slices.Sort(nameWords)
	x.full = strings.Join(nameWords, " ")
	local, domain, _ := strings.Cut(x.email, "@")
	x.other = append(x.other, words(local)...)
	x.other = append(x.other, words(domain)...)
	x.other = append(x.other, local, domain)
	x.other = append(x.other, words(fold(p.Title))...)
	return x
}

// query is a folded free-text query.
type query struct {
	words []string
	whole string // the folded query, for an exact email match
	full  string // the words sorted, for an exact name match in any order
}

func parseQuery(s string) query {
	q := query{whole: strings.TrimSpace(fold(s))}
	q.words = words(q.whole)
	sorted := slices.Clone(q.words)
	slices.Sort(sorted)
	q.full = strings.Join(sorted, " ")
	return q
}

// tier says how well x matches q, and whether it matches at all.
func (q query) tier(x *indexed) (int, bool) {
	if len(q.words) == 0 {
		return 0, false
	}
	if q.full == x.full || (x.email != "" && q.whole == x.email) {
		return tierExact, true
	}
	tier := tierName
	for _, w := range q.words {
		switch {
		case hasPrefix(x.name, w):
		case hasPrefix(x.other, w) || oneTypo(x.name, w):
			tier = tierOther
		default:
			return 0, false
		}
	}
	return tier, true
}

func hasPrefix(ws []string, q string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, q) {
			return true
		}
	}
	return false
}

// oneTypo reports whether q is one edit (a letter added, dropped, changed,
// or two neighbours swapped) away from one of the name words, both at least
// typoMinLen letters long.
func oneTypo(names []string, q string) bool {
	if len(q) < typoMinLen {
		return false
	}
	for _, w := range names {
		if len(w) >= typoMinLen && editOne(q, w) {
			return true
		}
	}
	return false
}

// editOne reports whether a and b differ by exactly one edit
// (Damerau-Levenshtein distance 1).
func editOne(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return len(rb) == len(ra)+1 // one letter added at the end
	}
	if len(ra) == len(rb) {
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true // one letter changed
		}
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	return string(ra[i:]) == string(rb[i+1:]) // one letter added
}

// rankPeople returns the people of idx that match q: exact matches first, then
// those whose name holds every word, then the rest; within a tier the most
// recently updated first, then workspace order.
func rankPeople(idx []indexed, q query) []*klipy.Person {
	type hit struct {
		x    *indexed
		tier int
	}
	var hits []hit
	for i := range idx {
		if t, ok := q.tier(&idx[i]); ok {
			hits = append(hits, hit{&idx[i], t})
		}
	}
	slices.SortStableFunc(hits, func(a, b hit) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		return lastChange(b.x.p).Compare(lastChange(a.x.p).Time)
	})
	out := make([]*klipy.Person, len(hits))
	for i, h := range hits {
		out[i] = h.x.p
	}
	return out
}

// lastChange is when p was last updated, or created when never updated.
func lastChange(p *klipy.Person) klipy.Time {
	if p.UpdatedAt.IsZero() {
		return p.CreatedAt
	}
	return p.UpdatedAt
}

// size estimates the bytes x holds, for the records cache's byte bound.
func (x *indexed) size() int {
	p := x.p
	n := 256 + len(p.ID) + len(p.Email) + len(p.FirstName) + len(p.LastName) + len(p.Title) +
		len(p.Phone) + len(p.LinkedIn) + len(p.CompanyID) + len(p.Remarks) + len(x.full) + len(x.email)
	for k, v := range p.Extra {
		n += len(k) + len(v) + 48
	}
	for _, w := range x.name {
		n += len(w) + 16
	}
	for _, w := range x.other {
		n += len(w) + 16
	}
	return n
}
