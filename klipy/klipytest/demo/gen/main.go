// Command gen writes the klipytest demo workspace (demo/workspace.json):
// fictional companies, people and interactions with dates stored relative
// to "now". The output is deterministic; rerun it with go generate after
// editing the tables in data.go.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"log"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
)

const interactionCount = 240

func main() {
	out := flag.String("o", "workspace.json", "output file")
	flag.Parse()
	if err := write(*out); err != nil {
		log.Fatal(err)
	}
}

// write generates the workspace into the file at path.
func write(path string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // summaries with markup stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(build()); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// record is one JSON object of the output.
type record = map[string]any

type workspace struct {
	TeamName     string   `json:"team_name"`
	Companies    []record `json:"companies"`
	People       []record `json:"people"`
	Interactions []record `json:"interactions"`
}

// id derives a stable, opaque-looking id from a seed string.
func id(prefix, seed string) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	return fmt.Sprintf("%s_%010x", prefix, h.Sum64()&0xffffffffff)
}

func build() workspace {
	rng := rand.New(rand.NewPCG(2026, 11))
	ws := workspace{TeamName: "Northstar Demo Co (sandbox)"}
	for i, c := range companies {
		ws.Companies = append(ws.Companies, companyRecord(c, 330-i*7, rng))
	}
	for i, p := range people {
		ws.People = append(ws.People, personRecord(p, i, 300-i*4, rng))
	}
	ws.Interactions = interactions(rng, ws.People)
	extra := rand.New(rand.NewPCG(2026, 12))
	for i, p := range searchPeople {
		ws.People = append(ws.People, personRecord(p, len(people)+i, 80-i*4, extra))
	}
	return ws
}

func companyRecord(c company, ageDays int, rng *rand.Rand) record {
	slug := strings.TrimSuffix(c.domain, ".example")
	r := record{
		"id": id("cmp", c.domain), "name": c.name, "domain": c.domain, "industry": c.industry,
		"employeeCount": c.employees, "estimatedRevenue": nil, "city": c.city, "state": c.state,
		"country": c.country, "linkedin": "https://linkedin.example/company/" + slug,
		"website": "https://www." + c.domain, "ageDays": ageDays,
	}
	if c.revenue > 0 {
		r["estimatedRevenue"] = c.revenue
	}
	if rng.IntN(3) == 0 {
		r["updatedDays"] = rng.IntN(ageDays)
	}
	return r
}

// unaccent spells the accented names of the demo in ASCII for emails.
var unaccent = strings.NewReplacer("é", "e", "ú", "u", "ñ", "n", "ë", "e")

func emailOf(p person) string {
	local := unaccent.Replace(strings.ToLower(p.first + "." + strings.ReplaceAll(p.last, "'", "")))
	if p.company < 0 {
		return local + "@mailbox.example"
	}
	return local + "@" + companies[p.company].domain
}

func personRecord(p person, i, ageDays int, rng *rand.Rand) record {
	email := emailOf(p)
	r := record{
		"id": id("per", email), "email": email, "firstName": p.first, "lastName": p.last, "title": p.title,
		"phone": fmt.Sprintf("+1 555 01%02d %04d", i%100, rng.IntN(10000)), "companyId": nil,
		"linkedin": "https://linkedin.example/in/" + unaccent.Replace(strings.ToLower(p.first+"-"+strings.ReplaceAll(p.last, "'", ""))),
		"remarks":  nil, "ageDays": ageDays,
	}
	if p.company >= 0 {
		r["companyId"] = id("cmp", companies[p.company].domain)
	}
	if p.remarks != "" {
		r["remarks"] = p.remarks
	}
	if i%7 == 0 { // a field the contract does not name, to exercise pass-through
		r["tags"] = []string{"champion", "newsletter"}[:1+i%2]
	}
	if rng.IntN(2) == 0 {
		r["updatedDays"] = rng.IntN(ageDays)
	}
	return r
}

// interactions builds the timeline: first one of every (type, direction)
// pair, then random ones weighted towards email and meetings, spread over
// the last 360 days, oldest first.
func interactions(rng *rand.Rand, ppl []record) []record {
	var kinds [][2]string
	types := make([]string, 0, len(pairs))
	for t := range pairs {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		for _, d := range pairs[t] {
			kinds = append(kinds, [2]string{t, d})
		}
	}
	weighted := []string{"EMAIL", "EMAIL", "EMAIL", "MEETING", "MEETING", "DIRECT_MESSAGE", "MEMO",
		"BOOKING_CREATED", "BOOKING_CANCELLED", "MANUAL", "API_EVENT", "VOICE_NOTE"}
	for len(kinds) < interactionCount {
		t := weighted[rng.IntN(len(weighted))]
		kinds = append(kinds, [2]string{t, pairs[t][rng.IntN(len(pairs[t]))]})
	}
	var out []record
	for i, k := range kinds {
		out = append(out, interaction(rng, i, k[0], k[1], ppl))
	}
	slices.SortStableFunc(out, func(a, b record) int { return b["ageMinutes"].(int) - a["ageMinutes"].(int) })
	return out
}

func interaction(rng *rand.Rand, i int, typ, dir string, ppl []record) record {
	pi := rng.IntN(len(people))
	if i%9 == 0 {
		pi = 0 // Jordan Patel is the busiest contact
	}
	tpl := templates[typ][rng.IntN(len(templates[typ]))]
	if typ == "EMAIL" && i%11 == 5 {
		tpl = htmlSummaries[i%len(htmlSummaries)]
	}
	if people[pi].company < 0 && strings.Contains(tpl.title+tpl.summary, "{company}") {
		pi = i % 46 // someone with a company record
	}
	p := people[pi]
	fill := filler(p, rng)
	r := record{
		"id": id("int", fmt.Sprint(i)), "type": typ, "direction": dir,
		"title": fill.Replace(tpl.title), "summary": fill.Replace(tpl.summary),
		"contacts": []string{ppl[pi]["id"].(string)}, "companies": []string{},
		"source": sources[typ], "sentiment": nil, "createdBy": nil,
		"ageMinutes": 30 + rng.IntN(360*24*60),
	}
	if p.company >= 0 {
		r["companies"] = []string{id("cmp", companies[p.company].domain)}
	}
	if typ == "EMAIL" && dir == "INBOUND" && rng.IntN(4) == 0 {
		r["sentiment"] = "MEETING_REQUESTED"
	}
	if typ == "MEMO" || typ == "MANUAL" || typ == "VOICE_NOTE" {
		r["createdBy"] = "usr_founder"
	}
	if typ == "API_EVENT" {
		r["primaryId"] = fmt.Sprintf("billing-evt-%06d", i)
	}
	return r
}

func filler(p person, rng *rand.Rand) *strings.Replacer {
	company := "their company"
	if p.company >= 0 {
		company = companies[p.company].name
	}
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
	return strings.NewReplacer("{first}", p.first, "{company}", company,
		"{topic}", topics[rng.IntN(len(topics))], "{day}", days[rng.IntN(len(days))])
}
